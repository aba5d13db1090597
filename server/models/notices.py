"""What Alur tells people: in-app notifications (and whether an e-mail went out)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # overdue | ...
    message_id: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
