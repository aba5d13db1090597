"""agency roles beside lanes: Pemilik Proses, Pengawas, Auditor, Admin Instansi

Revision ID: 0007
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency_grant',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_grant_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_agency_grant_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'agency_id', 'role', name=op.f('pk_agency_grant'))
    )


def downgrade() -> None:
    op.drop_table('agency_grant')
