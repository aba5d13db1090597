"""Each agency's working-day calendar: its week, its office hours, its own days off and on."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AgencyCalendar(Base):
    __tablename__ = "agency_calendar"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    workdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # Monday = 0
    opens: Mapped[str] = mapped_column(String(5), default="07:30")
    closes: Mapped[str] = mapped_column(String(5), default="16:00")


class AgencyDay(Base):
    """A day the agency works although the national calendar says not, or the other way round."""

    __tablename__ = "agency_day"
    __table_args__ = (UniqueConstraint("agency_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # off | work
    note: Mapped[str] = mapped_column(String(300), default="")
