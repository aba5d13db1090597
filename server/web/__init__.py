"""What every page shares: the layout, sign-in, the account page, notifications, error pages.

Each domain has its own blueprint for its pages (e.g. server.work.pages).
"""
from flask import Blueprint

web = Blueprint("web", __name__, template_folder="templates")

from . import account, auth, notices  # noqa: E402,F401  (routes)

__all__ = ["web"]
