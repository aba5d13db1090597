"""modeling: one draft per SOP (compare-and-set on its revision), a change note per version

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_draft',
    sa.Column('process_model_id', sa.Integer(), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['process_model_id'], ['process_model.id'],
                            name=op.f('fk_process_draft_process_model_id_process_model'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user_account.id'],
                            name=op.f('fk_process_draft_saved_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('process_model_id', name=op.f('pk_process_draft'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_column('note')
    op.drop_table('process_draft')
