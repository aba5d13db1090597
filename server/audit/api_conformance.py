"""The conformance report's API (under /api/v1), for the Auditor of the SOP's agency (`audit.read`;
everyone else 403):

- POST /processes/<key>/conformance?agency=&from=&to=&version= with no body: Alur's own
  instances of the SOP (started between `from` and `to`, the agency's local days; of version
  `version` only when given) against its official version;
- the same with a multipart body whose `log` part is an event log file (XES, or CSV with case,
  activity, timestamp and resource columns) and an optional `match` ("auto", "name", "row"):
  that log against the official version. Nothing of it is stored; a bad file is a 422 with the
  reason in Indonesian and English.

`traces=all` (default), `deviating` (the cases with findings only) or `none` trims the answer's
"traces" for a big log; the figures are always over every case. See report.py for the shape.
"""
from __future__ import annotations

from flask import Response, g, request

from ..api.views import alur, api, request_locale
from ..errors import InvalidInput
from .services import log_import, report

TRACES = ("all", "deviating", "none")


@api.post("/processes/<key>/conformance")
def process_conformance(key: str):
    args = request.args
    agency = args.get("agency") or None
    sop = report.sop_facts(alur(), g.actor, key, agency)  # 404 / 403 before a byte of the body is read
    keep = args.get("traces", "all")
    if keep not in TRACES:
        raise InvalidInput("Parameter traces harus all, deviating atau none.",
                           "The traces parameter must be all, deviating or none.",
                           fields={"traces": [{"id": "Pilih all, deviating atau none.",
                                               "en": "Choose all, deviating or none."}]})
    upload = request.files.get("log") if request.mimetype == "multipart/form-data" else None
    if request.mimetype == "multipart/form-data" and upload is None:
        raise InvalidInput("Sertakan log pada isian 'log' (multipart/form-data), atau kirim tanpa isi untuk "
                           "instans Alur sendiri.",
                           "Send the log in the 'log' field (multipart/form-data), or send no body for Alur's "
                           "own instances.",
                           fields={"log": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    if upload is not None:
        imported = log_import.read_log(upload.filename or "log", upload.read(), tz=sop["agency"]["timezone"])
        found = report.log_report(alur(), g.actor, key, imported, agency=sop["agency"]["slug"],
                                  match=request.form.get("match") or args.get("match") or "auto",
                                  locale=request_locale())
    else:
        found = report.sop_report(alur(), g.actor, key, agency=sop["agency"]["slug"], date_from=args.get("from"),
                                  date_to=args.get("to"), version=args.get("version"))
    found.pop("xml", None)
    if keep == "none":
        found["traces"] = []
    elif keep == "deviating":
        found["traces"] = [c for c in found["traces"] if c["findings"]]
    return Response(report.to_json(found), mimetype="application/json")
