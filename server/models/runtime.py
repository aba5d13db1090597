"""Running work: process instances, the human tasks they wait on, attachments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, JSON, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    __table_args__ = (
        # The supervisors' instance list (monitoring/services/listing.py, migration 0012): an
        # agency's instances newest first, its counts per status (an index-only scan), and text in
        # the title through trigrams (PostgreSQL, where the migration could install pg_trgm).
        Index("ix_process_instance_agency_started", "agency_id", "started_at", "id"),
        Index("ix_process_instance_agency_status", "agency_id", "status", "id"),
        Index("ix_process_instance_title_trgm", "title", postgresql_using="gin",
              postgresql_ops={"title": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id", ondelete="RESTRICT"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)  # running | completed | error
    # The engine's state without the process definition (that lives once in process_version).
    engine_state: Mapped[str] = mapped_column(Text)
    # Every write of the state checks and bumps it: a stale state is never written back.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    error_message: Mapped[str | None] = mapped_column(Text)
    end_event: Mapped[str | None] = mapped_column(String(200))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


OPEN = "state = 'ready'"


class HumanTask(Base):
    """A user task waiting or done: the rows behind the inbox and the instance history."""

    __tablename__ = "human_task"
    __table_args__ = (
        # The inbox's three walks (server/work/services/inbox.py), each over open tasks only and
        # in the inbox's order: a lane's open tasks, its unclaimed ones, a user's claimed ones.
        Index("ix_human_task_open_role_due", "role_id", "due_at", "created_at", "id", "assignee_id",
              postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_human_task_claimable_due", "role_id", "due_at", "created_at", "id",
              postgresql_where=text(f"{OPEN} AND assignee_id IS NULL"),
              sqlite_where=text(f"{OPEN} AND assignee_id IS NULL")),
        Index("ix_human_task_open_assignee_due", "assignee_id", "due_at", "created_at", "id", "agency_id",
              postgresql_where=text(f"{OPEN} AND assignee_id IS NOT NULL"),
              sqlite_where=text(f"{OPEN} AND assignee_id IS NOT NULL")),
        Index("ix_human_task_instance_state", "instance_id", "state"),
        # The instance list (monitoring/services/listing.py, migration 0012): an agency's open
        # tasks by due time (overdue, sorted by due), the open tasks of a lane or a step, and the
        # tasks a user did (what staff may read).
        Index("ix_human_task_open_agency_due", "agency_id", "due_at", "id", "instance_id",
              postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_human_task_open_lane", "lane", "instance_id", postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_human_task_open_element", "element_id", "instance_id",
              postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_human_task_completed_by", "completed_by_id", "instance_id",
              postgresql_where=text("completed_by_id IS NOT NULL"), sqlite_where=text("completed_by_id IS NOT NULL")),
        # The SOP dashboard's per-element statistics (monitoring/services/stats.py, migration 0013,
        # PostgreSQL only): an agency's tasks by step, each step's completed durations in order,
        # with every column the statistics read, so one index-only scan feeds the GROUP BY and
        # percentile_cont without a sort.
        Index("ix_human_task_stats", "agency_id", "element_id",
              text("(EXTRACT(epoch FROM completed_at - created_at))"),
              postgresql_include=["state", "created_at", "completed_at", "due_at"]).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(300))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20))  # ready | completed | cancelled
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    data: Mapped[dict | None] = mapped_column(JSON)
    draft: Mapped[dict | None] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # Set once, when the task passed its due time and the people concerned were told.
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Attachment(Base):
    """An uploaded file; the bytes live once per content hash in the upload folder."""

    __tablename__ = "attachment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"), index=True)


class AuditEvent(Base):
    """Append-only: who did what, when, and the state before and after. Each event is a link of
    its agency's hash chain (kernel/audit.py): `seq` counts from 1 per chain, `hash` covers the
    previous link's hash and this event, so an edited, deleted or reordered row shows."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_event_chain_seq"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    chain: Mapped[int] = mapped_column(Integer)  # the agency's id; 0 for events of no agency
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditChain(Base):
    """The head of one hash chain: its length and last hash. Appending locks this row, so the
    writers of one agency queue for the link while other agencies write on."""

    __tablename__ = "audit_chain"
    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    head: Mapped[str] = mapped_column(String(64))


class ElementVisit(Base):
    """One arrival of a token at an element of a diagram (a user task became ready, a gateway or
    event was passed), with the sequence flow it came by: the path an instance took, which the
    engine forgets (pruning). Append-only; `version_id` is the version it happened on."""

    __tablename__ = "element_visit"
    __table_args__ = (Index("ix_element_visit_version_element", "version_id", "element_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    element_id: Mapped[str] = mapped_column(String(200))
    flow_id: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
