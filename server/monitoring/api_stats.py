"""Supervisors' statistics API (under /api/v1): per-element figures of an SOP, with an ETag of
the numbers so a poller gets 304 while nothing changed."""
from __future__ import annotations

from flask import g, jsonify, make_response, request

from ..api.views import alur, api
from .services import stats
from .services.fingerprint import etag_of


@api.get("/processes/<key>/stats")
def process_stats(key: str):
    answer = stats.element_stats(alur(), g.actor, key, request.args.get("agency") or None,
                                 request.args.get("from"), request.args.get("to"))
    tag = etag_of({k: v for k, v in answer.items() if k != "as_of"})
    response = make_response("", 304) if request.if_none_match.contains(tag) else jsonify(answer)
    response.set_etag(tag)
    return response
