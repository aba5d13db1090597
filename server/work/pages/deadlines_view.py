"""Due times in words on every staff page: `due_in` ("2 jam lagi") and `due_rule` ("Waktu: 1 hari
(1 hari kerja)"), in the user's language; the wording itself is server/web/dates.py."""
from __future__ import annotations

from . import pages
from ...web import dates
from ...web.common import locale


@pages.app_template_filter("due_in")
def due_in(left: dict | None) -> str:
    return dates.relative(left, locale())


@pages.app_template_filter("due_rule")
def due_rule(rule: dict | None) -> str:
    return dates.due_rule(rule, locale())
