"""audit: every audit event a link of its agency's hash chain; the official ("resmi") version of an SOP

audit_event gets chain (the agency, 0 for none), seq (1.. per chain) and hash; audit_chain holds
each chain's head, locked while appending (kernel/audit.py). The events already written are
chained here, in the order they were written (by id), through the same recipe the server uses.
process_version gets official/official_at/official_by_id: the signed version auditors compare with.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

from server.kernel.audit import GENESIS, canonical, chain_of, link
from server.models.base import UtcDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

EVENTS = sa.table('audit_event', sa.column('id', sa.BigInteger), sa.column('at', UtcDateTime),
                  sa.column('action', sa.String), sa.column('actor_id', sa.Integer),
                  sa.column('agency_id', sa.Integer), sa.column('instance_id', sa.Integer),
                  sa.column('task_id', sa.Integer), sa.column('before', sa.JSON), sa.column('after', sa.JSON),
                  sa.column('chain', sa.Integer), sa.column('seq', sa.BigInteger), sa.column('hash', sa.String))
CHAINS = sa.table('audit_chain', sa.column('chain', sa.Integer), sa.column('seq', sa.BigInteger),
                  sa.column('head', sa.String))


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table('audit_chain',
                    sa.Column('chain', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('seq', sa.BigInteger(), nullable=False),
                    sa.Column('head', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chain')))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _allow_updates(postgres, True)
    _chain_existing(bind)
    _allow_updates(postgres, False)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain', nullable=False)
        batch_op.alter_column('seq', nullable=False)
        batch_op.alter_column('hash', nullable=False)
        batch_op.create_unique_constraint('uq_audit_event_chain_seq', ['chain', 'seq'])
    if not postgres:  # batch mode rebuilt the table (SQLite): its trigger went with the old one
        _allow_updates(postgres, False)
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('official_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('official_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_process_version_official_by_id_user_account'), 'user_account',
                                    ['official_by_id'], ['id'], ondelete='SET NULL')


def _allow_updates(postgres: bool, allow: bool) -> None:
    """The append-only trigger (0002) refuses the backfill's updates: lift it for this step only."""
    if postgres:
        op.execute(f"ALTER TABLE audit_event {'DISABLE' if allow else 'ENABLE'} TRIGGER audit_event_no_update")
    elif allow:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                      BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""")


def _chain_existing(bind) -> None:
    heads: dict[int, tuple[int, str]] = {}
    last = 0
    while True:
        rows = bind.execute(sa.select(EVENTS).where(EVENTS.c.id > last).order_by(EVENTS.c.id).limit(5000)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            chain = chain_of(row.agency_id)
            seq, previous = heads.get(chain, (0, GENESIS))
            seq += 1
            digest = link(previous, canonical(seq, row.at, row.action, row.actor_id, row.agency_id, row.instance_id,
                                              row.task_id, row.before, row.after))
            heads[chain] = (seq, digest)
            updates.append({"row_id": row.id, "chain": chain, "seq": seq, "hash": digest})
        bind.execute(EVENTS.update().where(EVENTS.c.id == sa.bindparam("row_id"))
                     .values(chain=sa.bindparam("chain"), seq=sa.bindparam("seq"), hash=sa.bindparam("hash")), updates)
        last = rows[-1].id
    if heads:
        bind.execute(CHAINS.insert(), [{"chain": c, "seq": s, "head": h} for c, (s, h) in heads.items()])


def downgrade() -> None:
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_version_official_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('official_by_id')
        batch_op.drop_column('official_at')
        batch_op.drop_column('official')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_event_chain_seq', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('chain')
    op.drop_table('audit_chain')
    if op.get_bind().dialect.name != "postgresql":
        _allow_updates(False, False)
