"""Staff pages: the task inbox, task and start forms, instances, attachments.

Each view calls the work services only; the pages work without JavaScript.
"""
from flask import Blueprint

pages = Blueprint("work", __name__, template_folder="../templates")

from . import deadlines_view, files, inbox, instance_pages, my_requests, start, task_pages  # noqa: E402,F401  (routes)

__all__ = ["pages"]
