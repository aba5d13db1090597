"""monitoring: an index for the per-element statistics of an SOP (the dashboard, GET .../stats)

One index on human_task, PostgreSQL only: (agency_id, element_id, the completed duration in
seconds) with the other columns the statistics read included, so the per-step GROUP BY and its
percentile_cont run as one index-only scan in order, without sorting a million rows
(bench/element_stats.py). SQLite computes the median with window functions and needs none.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

DURATION = "(EXTRACT(epoch FROM completed_at - created_at))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index('ix_human_task_stats', 'human_task', ['agency_id', 'element_id', sa.text(DURATION)],
                    unique=False, postgresql_include=['state', 'created_at', 'completed_at', 'due_at'])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_human_task_stats', table_name='human_task')
