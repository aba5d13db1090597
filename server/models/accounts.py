"""Agencies, users and what they may do: membership, roles, API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UtcDateTime


class Agency(Base):
    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(300))
    locale: Mapped[str] = mapped_column(String(8), default="id")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Membership(Base):
    """A user works for an agency; without it they see nothing of that agency."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)


class Role(Base):
    """A position (jabatan) inside one agency; by default named like a diagram lane."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("agency_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = relationship()


class AgencyGrant(Base):
    """An agency-level role beside the lanes: Pemilik Proses, Pengawas, Auditor, Admin Instansi.

    Lanes (Role) say which SOP steps a user does; these say what else they may do in the agency
    (model and deploy, monitor and steer, audit, administer). The names are in kernel/access.py.
    """

    __tablename__ = "agency_grant"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserSession(Base):
    """A browser sign-in, kept on the server so that signing out ends it: the session cookie
    carries the token, only its SHA-256 is stored here."""

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SignInFailure(Base):
    """One wrong password, by whom (a digest of the name typed) and from where: the sign-in
    throttle counts these over a sliding window (kernel/accounts.py)."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_name_address", "username_key", "address", "at"),
                      Index("ix_sign_in_failure_address", "address", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


__all__ = ["Agency", "User", "Membership", "Role", "UserRole", "AgencyGrant", "ApiToken", "UserSession",
           "SignInFailure"]
