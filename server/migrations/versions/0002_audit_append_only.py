"""audit events are append-only: the database refuses to change one

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit events are append-only'; END;
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                      FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""")
    else:
        op.execute("""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                      BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""")


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_event_no_update" + (" ON audit_event" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_event_append_only()")
