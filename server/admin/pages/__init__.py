"""Admin Instansi pages: an agency's users, their lanes and agency roles, and its calendar.

What `alur users ...` and `alur calendar ...` do from a shell, for an agency's own administrator
in the browser. Each view calls the admin services only (they ask the access policy); the pages
work without JavaScript.
"""
from flask import Blueprint

pages = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")

from . import calendar_pages, home, staff_pages  # noqa: E402,F401  (routes)

__all__ = ["pages"]
