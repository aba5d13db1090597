"""monitoring: indexes of the supervisors' instance list (an agency's instances by start time and
by status, and by text in the title on PostgreSQL; its open tasks by due time, lane and step; the
tasks a user did)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = "state = 'ready'"
DONE_BY = "completed_by_id IS NOT NULL"
TRY_TRIGRAMS = """DO $$ BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): the title search reads every title', SQLERRM;
END $$"""
TITLE_TRIGRAMS = """DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS ix_process_instance_title_trgm ON process_instance USING gin (title gin_trgm_ops);
    END IF;
END $$"""


def upgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        # the list's default order (newest first) and a page deep in it, without a sort
        batch_op.create_index('ix_process_instance_agency_started', ['agency_id', 'started_at', 'id'], unique=False)
        # the counts per status, and the ids of a status (the overdue among them): index-only scans
        batch_op.create_index('ix_process_instance_agency_status', ['agency_id', 'status', 'id'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        # open tasks by due time: the overdue set and the list sorted by due time, index-only
        batch_op.create_index('ix_human_task_open_agency_due', ['agency_id', 'due_at', 'id', 'instance_id'],
                              unique=False, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        # the lane and step filters (the heatmap's click), counted as one semi-join
        batch_op.create_index('ix_human_task_open_lane', ['lane', 'instance_id'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index('ix_human_task_open_element', ['element_id', 'instance_id'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        # what a staff member may read: the instances of the steps they did
        batch_op.create_index('ix_human_task_completed_by', ['completed_by_id', 'instance_id'], unique=False,
                              postgresql_where=sa.text(DONE_BY), sqlite_where=sa.text(DONE_BY))
    if op.get_bind().dialect.name == 'postgresql':
        # Text in the title (ILIKE '%...%') through trigrams, where pg_trgm can be installed (a
        # trusted extension from PostgreSQL 13: the database's owner may); without it the search
        # reads every title of the agency, as before.
        op.execute(TRY_TRIGRAMS)
        op.execute(TITLE_TRIGRAMS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_process_instance_title_trgm")  # pg_trgm stays: others may use it
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_completed_by')
        batch_op.drop_index('ix_human_task_open_element')
        batch_op.drop_index('ix_human_task_open_lane')
        batch_op.drop_index('ix_human_task_open_agency_due')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_agency_status')
        batch_op.drop_index('ix_process_instance_agency_started')
