"""The auditor's home (/audit/): per agency they audit a panel to verify its hash chain ("Verifikasi
rantai": intact with its count and head, or the first broken event named and linked) and its
daily checkpoints to copy and record outside Alur; below, the trail itself with a GET filter
form (the address is the filter: bookmarkable, no JavaScript needed), keyset paging (newest
first) and the exports (JSON Lines, CSV) of the same filter, served by the API.

Only the Auditor of an agency (`audit.read`) comes in; everyone else gets 403."""
from __future__ import annotations

from functools import partial

from flask import render_template, request
from flask_login import login_required

from ...errors import InvalidInput
from ...web.common import actor, alur, locale, header_link
from ...web.listing import filter_args, form_errors, linker
from ..services import chain_check, trail
from . import pages

FILTER_PARAMS = ("from", "to", "instance", "process", "agency", "action", "actor")
PER_PAGE = 50


header_link(pages, "audit_link", trail.may_audit)  # the header's link, for whoever may open these pages


@pages.get("/", endpoint="home")
@login_required
def home():
    who = actor()
    trail.require_audit(who)
    args = filter_args(request.args, FILTER_PARAMS)
    errors, status = {}, 200
    filters, result = trail.TrailFilters(), {"items": [], "next": None}
    try:
        filters = trail.parse_filters(args)
        _, after = trail.parse_paging({"after": request.args.get("after")})
        result = trail.list_events(alur(), who, filters, limit=PER_PAGE, after=after, locale=locale())
    except InvalidInput as exc:
        errors, status = form_errors(exc), 422
        args = {}
    panels = chain_check.panels(alur(), who, filters.agency)
    checked = request.args.get("verify")
    verification = None
    if checked and any(p["slug"] == checked for p in panels):
        verification = {"slug": checked, **chain_check.verify(alur(), who, checked)}
    options = trail.choices(alur(), who, locale())
    return render_template("audit/trail.html", result=result, filters=filters, args=args, errors=errors,
                           panels=panels, verification=verification, options=options,
                           link=linker(args, "audit.home"), paged=bool(request.args.get("after")),
                           changes=trail.changes, reason=partial(chain_check.reason_text, locale=locale())), status

