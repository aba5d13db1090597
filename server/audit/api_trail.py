"""The audit trail's API (under /api/v1), for the Auditor of an agency (`audit.read`; the Pengawas,
staff and the Pemilik Proses get 403):

- GET /audit/events?from=&to=&instance=&process=&agency=&action=&actor=&limit=&after= -> {items, next}:
  newest first; `next` is the `after` of the next (older) page, null on the last;
- GET /audit/events.jsonl and /audit/events.csv (`sep=semicolon` for a spreadsheet with
  Indonesian settings): the same filters, every matching event oldest first, streamed, with each
  event's chain, seq and hash (trail_export says how to re-check them outside Alur);
- GET /audit/verify?agency=SLUG[&checkpoint=SEQ:HASH] -> {ok, events, head, first_broken};
- GET /audit/checkpoints?agency=SLUG&days=N -> {agency, timezone, items: [{day, events, head}]}.

An agency is required where the auditor audits several (422), as with process_models.model_for.
"""
from __future__ import annotations

from flask import Response, g, jsonify, request

from ..api.views import alur, api, request_locale
from ..web.common import attachment
from .services import chain_check, trail, trail_export
from .services.trail_filters import whole_number


def _filters():
    return trail.parse_filters(request.args.to_dict(flat=False))


@api.get("/audit/events")
def audit_events():
    filters = _filters()
    limit, after = trail.parse_paging(request.args.to_dict(flat=False))
    return jsonify(trail.list_events(alur(), g.actor, filters, limit=limit, after=after, locale=request_locale()))


def _download(chunks, mimetype: str, extension: str) -> Response:
    """A streamed file. The chunks need no request context (the services were handed all they
    use), so none is held open while the file is sent."""
    stamp = f"{alur().clock.now():%Y%m%d-%H%M}"
    return attachment(chunks, f"jejak-audit-{stamp}.{extension}", f"{mimetype}; charset=utf-8")


@api.get("/audit/events.jsonl")
def audit_events_jsonl():
    chunks = trail_export.jsonl_chunks(alur(), g.actor, _filters(), request_locale())
    return _download(chunks, "application/x-ndjson", "jsonl")


@api.get("/audit/events.csv")
def audit_events_csv():
    chunks = trail_export.csv_chunks(alur(), g.actor, _filters(), request.args.get("sep"), request_locale())
    return _download(chunks, "text/csv", "csv")


@api.get("/audit/verify")
def audit_verify():
    return jsonify(chain_check.verify(alur(), g.actor, request.args.get("agency") or None,
                                      request.args.get("checkpoint")))


@api.get("/audit/checkpoints")
def audit_checkpoints():
    days = request.args.get("days")
    days = chain_check.CHECKPOINT_DAYS if days is None else whole_number(days, "days", 1, 366)
    agency = request.args.get("agency") or None
    found = chain_check.checkpoint_table(alur(), g.actor, agency, days)
    return jsonify(found)
