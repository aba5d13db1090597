"""SQLAlchemy models: the only description of the database (Alembic migrates from them)."""
from .base import Base
from .accounts import Agency, AgencyGrant, ApiToken, Membership, Role, User, UserRole
from .processes import LaneRole, ProcessDraft, ProcessModel, ProcessSchedule, ProcessVersion
from .calendars import AgencyCalendar, AgencyDay
from .notices import Notification
from .runtime import Attachment, AuditChain, AuditEvent, ElementVisit, HumanTask, ProcessInstance

__all__ = [
    "Base", "Agency", "AgencyGrant", "ApiToken", "Membership", "Role", "User", "UserRole",
    "LaneRole", "ProcessDraft", "ProcessModel", "ProcessSchedule", "ProcessVersion",
    "Attachment", "AuditChain", "AuditEvent", "ElementVisit", "HumanTask", "ProcessInstance",
    "AgencyCalendar", "AgencyDay", "Notification",
]
