"""Browser pages: sign-in, the task inbox, task and start forms, instances, attachments.

Each view calls services only; the pages work without JavaScript.
"""
from flask import Blueprint

web = Blueprint("web", __name__, template_folder="templates")

from . import account, auth, files, inbox, instance_pages, notices, start, task_pages  # noqa: E402,F401  (routes)

__all__ = ["web"]
