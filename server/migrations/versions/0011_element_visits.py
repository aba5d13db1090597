"""monitoring: the path each instance took (element_visit), the engine forgetting its history

Instances started before this keep the user tasks they reached (from human_task), without the
flows between them.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('element_visit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=False),
    sa.Column('flow_id', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_element_visit_agency_id_agency'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_element_visit_instance_id_process_instance'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['process_version.id'],
                            name=op.f('fk_element_visit_version_id_process_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_element_visit'))
    )
    with op.batch_alter_table('element_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_element_visit_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_element_visit_version_element', ['version_id', 'element_id'], unique=False)
    op.execute("INSERT INTO element_visit (instance_id, version_id, agency_id, element_id, flow_id, at) "
               "SELECT t.instance_id, i.version_id, t.agency_id, t.element_id, NULL, t.created_at "
               "FROM human_task t JOIN process_instance i ON i.id = t.instance_id ORDER BY t.id")


def downgrade() -> None:
    op.drop_table('element_visit')
