"""inbox: partial indexes on the open tasks, in the inbox's order

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OPEN = "state = 'ready'"
CLAIMABLE = "state = 'ready' AND assignee_id IS NULL"
CLAIMED = "state = 'ready' AND assignee_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        # The inbox's order is (due_at NULLS LAST, created_at, id); the trailing columns let the
        # count and the page check "not mine" / "my agencies" inside the index.
        batch_op.create_index('ix_human_task_open_role_due', ['role_id', 'due_at', 'created_at', 'id', 'assignee_id'],
                              unique=False, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index('ix_human_task_claimable_due', ['role_id', 'due_at', 'created_at', 'id'],
                              unique=False, postgresql_where=sa.text(CLAIMABLE), sqlite_where=sa.text(CLAIMABLE))
        batch_op.create_index('ix_human_task_open_assignee_due',
                              ['assignee_id', 'due_at', 'created_at', 'id', 'agency_id'],
                              unique=False, postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))
        batch_op.drop_index('ix_human_task_open_role')  # (state, role_id): only the inbox used it


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_open_role', ['state', 'role_id'], unique=False)
        batch_op.drop_index('ix_human_task_open_assignee_due')
        batch_op.drop_index('ix_human_task_claimable_due')
        batch_op.drop_index('ix_human_task_open_role_due')
