"""Auditors' pages (/audit): the trail and its verification, event-log export, the conformance
report per SOP and of an uploaded log.

Each view calls the audit services only (they ask the access policy)."""
from flask import Blueprint

pages = Blueprint("audit", __name__, url_prefix="/audit", template_folder="../templates")

from . import trail  # noqa: E402,F401  (routes: the auditor's home: chain verification, checkpoints, the trail)
from . import report  # noqa: E402,F401  (routes: the conformance reports per SOP, a case, an uploaded log)

__all__ = ["pages"]
from . import logs  # noqa: E402,F401  (routes: the event-log export form)
