"""The instance list for supervisors (/pantau/): the Pengawas and the Auditor of an agency find
its cases by SOP, version, status, overdue, step or lane, starter, start date and title; status
tabs with counts, an overdue banner, sortable columns, paging; each row opens the instance's
page. The same filters give a CSV file. The Pengawas ticks rows (or takes every row matching
the filter) and applies one action with one reason to all of them (/pantau/bulk).

The filter form is a GET form: the list's address is the filter, so it can be bookmarked and
shared, and the page works without JavaScript."""
from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from flask_login import login_required

from ...errors import InvalidInput
from ...web.common import actor, alur, header_link
from ...web.listing import filter_args, form_errors, linker
from ..services import bulk, instances_csv, listing
from . import pages

PER_PAGE = 50
FILTER_PARAMS = ("process", "version", "status", "overdue", "lane", "element", "started_by", "from", "to", "q",
                 "agency", "scope")


header_link(pages, "monitor_link", listing.may_monitor)  # the header's link, for whoever may open these pages


def _linker(args: dict[str, list[str]], sort: str | None):
    """link(**changes) -> the list's address with its filters and sort, these parameters changed."""
    return linker({**args, "sort": [sort]} if sort else args, "monitoring.instances")


@pages.get("/", endpoint="instances")
@login_required
def instances():
    who = actor()
    listing.require_monitor(who)
    args = filter_args(request.args, FILTER_PARAMS)
    sort = request.args.get("sort") or None
    errors, status = {}, 200
    try:
        filters = listing.parse_filters(args)
        listing.parse_sort(sort)
        page = listing.parse_int(request.args.get("page", "1"), "page")
        result = listing.list_instances(alur(), who, filters, page, PER_PAGE, sort)
    except InvalidInput as exc:
        errors, status = form_errors(exc), 422
        filters = listing.Filters()
        result = {"total": 0, "page": 1, "per_page": PER_PAGE, "sort": listing.DEFAULT_SORT, "items": [],
                  "counts": {**{name: 0 for name in listing.STATUSES}, "overdue": 0}}
    options = listing.choices(alur(), who, filters.process)
    return render_template("monitoring/instances.html", result=result, filters=filters, args=args,
                           sort=result["sort"], sort_given=bool(sort), link=_linker(args, sort), options=options,
                           errors=errors,
                           may_steer=bulk.may_steer(who), bulk_limit=bulk.BULK_MAX,
                           statuses=listing.STATUSES), status


@pages.get("/instances.csv", endpoint="instances_csv")
@login_required
def instances_csv_export():
    """The list's instances under the same filters as CSV (Pengawas and Auditor)."""
    who = actor()
    listing.require_monitor(who)
    filters = listing.parse_filters(filter_args(request.args, FILTER_PARAMS))
    chunks = instances_csv.csv_chunks(alur(), who, filters, request.args.get("sort") or None,
                                      request.args.get("sep", "comma"))
    stamp = f"{alur().clock.now():%Y%m%d-%H%M}"
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="instans-{stamp}.csv"',
                             "Cache-Control": "no-store"})


@pages.post("/bulk", endpoint="bulk")
@login_required
def bulk_action():
    """One action with one reason on the ticked instances, or on every instance the filter
    matches (up to bulk.BULK_MAX); then what was done and what was refused, per instance."""
    who = actor()
    form = request.form
    args = filter_args(form, FILTER_PARAMS)
    sort = form.get("sort") or None
    back = _linker(args, sort)()
    result, errors, status = None, {}, 200
    try:
        bulk.require_steer(who)  # the Auditor and staff: 403 before anything is read
        if form.get("target") == "all":
            result = bulk.apply(alur(), who, form.get("action", ""), form.get("reason"),
                                filters=listing.parse_filters(args), to_element=form.get("to_element") or None)
        else:
            result = bulk.apply(alur(), who, form.get("action", ""), form.get("reason"), ids=form.getlist("ids"),
                                to_element=form.get("to_element") or None)
    except InvalidInput as exc:
        errors, status = form_errors(exc), 422
    return render_template("monitoring/bulk_result.html", result=result, errors=errors, back=back), status
