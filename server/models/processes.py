"""Deployed diagrams: a process model per agency and key, and its immutable versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class ProcessModel(Base):
    __tablename__ = "process_model"
    __table_args__ = (UniqueConstraint("agency_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessVersion(Base):
    """One deployment of a diagram. The definition is stored here once, never per instance."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_model_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[int] = mapped_column(ForeignKey("process_model.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    # SOP facts read from the diagram at deploy time: lanes, steps, forms, identity block.
    catalog: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What changed and why, as the process owner wrote it at deploy (None for versions before 0010).
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The signed version ("resmi"), marked by a process owner: what auditors compare executions
    # with. At most one per process model; with none marked, the active version stands in.
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    official_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    official_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                       nullable=True)


class ProcessDraft(Base):
    """The one working copy of an SOP's diagram, saved as the owners edit it. `revision` grows by
    one per save: a save names the revision it started from, so a later save never silently
    overwrites another's (compare-and-set on this column)."""

    __tablename__ = "process_draft"
    process_model_id: Mapped[int] = mapped_column(ForeignKey("process_model.id", ondelete="CASCADE"),
                                                  primary_key=True)
    xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LaneRole(Base):
    """Which role works a lane of a version (default: the role named like the lane)."""

    __tablename__ = "lane_role"
    __table_args__ = (UniqueConstraint("version_id", "lane"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id", ondelete="CASCADE"), index=True)
    lane: Mapped[str] = mapped_column(String(300))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="RESTRICT"))


class ProcessSchedule(Base):
    """When a timer-started process (a monthly report) starts next; the scheduler's to-do list."""

    __tablename__ = "process_schedule"
    process_model_id: Mapped[int] = mapped_column(ForeignKey("process_model.id", ondelete="CASCADE"),
                                                  primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
