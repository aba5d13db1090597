"""What every page shares: the layout, sign-in, the account page, notifications, error pages.

Each domain has its own blueprint for its pages (e.g. server.work.pages).
"""
from flask import Blueprint

web = Blueprint("web", __name__, template_folder="templates")

from . import account, auth, listing, notices  # noqa: E402,F401  (routes; listing: the list_time filter)

__all__ = ["web"]
