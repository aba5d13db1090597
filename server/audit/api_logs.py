"""Auditors' API (under /api/v1): one SOP's event log of Alur's own instances, streamed.

    GET /processes/<key>/log.xes?version=&from=&to=&agency=
    GET /processes/<key>/log.csv?version=&from=&to=&agency=&sep=

The Auditor of the SOP's agency only (`audit.read`): 403 elsewhere, 404 an unknown SOP, 422 a
bad version or date (checked before anything is sent).

The response streams the service's chunks as they are made. They need no request context (the
service was handed everything it reads), so none is kept alive for the stream
(stream_with_context would hold it, and pop it whenever an abandoned download is collected)."""
from __future__ import annotations

from flask import Response, g, request

from ..api.views import alur, api
from ..web.common import attachment
from .services import log_export


def _download(key: str, fmt: str) -> Response:
    args = request.args
    found = log_export.download(alur(), g.actor, key, fmt, agency=args.get("agency") or None,
                                version=args.get("version"), date_from=args.get("from"), date_to=args.get("to"),
                                sep=args.get("sep") if fmt == "csv" else None)
    return attachment(found.chunks, found.filename, found.content_type)


@api.get("/processes/<key>/log.xes")
def process_log_xes(key: str):
    return _download(key, "xes")


@api.get("/processes/<key>/log.csv")
def process_log_csv(key: str):
    return _download(key, "csv")
