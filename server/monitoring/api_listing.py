"""The instance list's JSON API (under /api/v1): GET /instances with filters, sorting, paging and
counts per status. What each caller sees is the listing service's (Pengawas and Auditor: their
agency's instances; anyone else: what they may read). The older `scope=started` with
`limit`/`offset` paging still answers as before."""
from __future__ import annotations

import math

from flask import g, jsonify, request

from ..api.views import alur, api
from .services import listing


@api.get("/instances")
def list_instances():
    args = request.args.to_dict(flat=False)
    filters = listing.parse_filters(args)
    page, per_page, offset = _paging()
    return jsonify(listing.list_instances(alur(), g.actor, filters, page, per_page, request.args.get("sort"),
                                          offset=offset))


def _paging() -> tuple[int, int, int | None]:
    """page/per_page, or the older limit/offset: whole numbers, checked as the page checks its
    `page`, of any size (the listing brings them into range)."""
    def number(name: str, default: int) -> int:
        value = request.args.get(name)
        return default if value is None else listing.parse_int(value, name, -math.inf, math.inf)
    per_page = number("per_page", number("limit", listing.PER_PAGE))
    offset = number("offset", 0) if "offset" in request.args and "page" not in request.args else None
    return number("page", 1), per_page, offset
