"""Supervisors' pages (Pengawas; read-only for the agency's Auditor): the instance list, an
instance's page with its diagram and actions, the dashboard per SOP.

Each view calls the monitoring services only (they ask the access policy)."""
from flask import Blueprint

pages = Blueprint("monitoring", __name__, url_prefix="/pantau", template_folder="../templates")

from . import instance_list  # noqa: E402,F401  (routes: the list, CSV, bulk actions)
from . import instance_page  # noqa: E402,F401  (routes: one instance, its actions)
from . import dashboard  # noqa: E402,F401  (routes: the dashboard per SOP)
from . import migration  # noqa: E402,F401  (routes: migrating running instances to another version)

__all__ = ["pages"]
