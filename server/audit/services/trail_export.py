"""The filtered audit trail as a file, streamed a batch at a time, oldest first (the chain's order):
JSON Lines (one JSON object per line) or CSV (kernel/csv_export.py, as the instance list's: UTF-8
with a byte order mark, comma or, for a spreadsheet with Indonesian settings, semicolon; a text
cell a spreadsheet would read as a formula gets an apostrophe).

Both carry, per event, what its link of the hash chain covers, so a tool outside Alur can check
an agency's unfiltered export without Alur's code: with `previous` = "0" * 64 before seq 1,

    hash = SHA-256( previous (64 hex characters, ASCII) + canonical )
    canonical = UTF-8 JSON of [seq, at, action, actor_id, agency_id, instance_id, task_id, before,
                after], keys sorted, no spaces (separators "," and ":"), non-ASCII kept as is

where `at` is the export's `at` (UTC, to the microsecond) and agency_id is the chain (None for
chain 0). In the CSV, before and after are that JSON (empty: null). kernel/audit.py is the recipe.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from ...kernel import csv_export
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.filters import refuse
from . import trail
from .trail_filters import TrailFilters

COLUMNS = ("id", "chain", "seq", "hash", "at", "action", "actor_id", "agency_id", "instance_id", "task_id",
           "before", "after", "agency", "label", "actor_username", "actor_name", "instance_title", "process",
           "task_name")
TEXT_COLUMNS = frozenset({"agency", "label", "actor_username", "actor_name", "instance_title", "process",
                          "task_name"})
FLUSH_EVERY = 500


def record(event: dict) -> dict:
    """A trail item as one flat export record (COLUMNS)."""
    actor, instance, task = event["actor"] or {}, event["instance"] or {}, event["task"] or {}
    return {"id": event["id"], "chain": event["chain"], "seq": event["seq"], "hash": event["hash"],
            "at": event["at_utc"], "action": event["action"], "actor_id": actor.get("id"),
            "agency_id": event["chain"] or None, "instance_id": instance.get("id"), "task_id": task.get("id"),
            "before": event["before"], "after": event["after"], "agency": event["agency"], "label": event["label"],
            "actor_username": actor.get("username"), "actor_name": actor.get("name"),
            "instance_title": instance.get("title"), "process": instance.get("process"),
            "task_name": task.get("name")}


def _records(alur: Alur, actor: Actor, filters: TrailFilters, locale: str):
    for event in trail.iter_events(alur, actor, filters, locale=locale):
        event["at_utc"] = _utc(event["at"])
        yield record(event)


def _utc(value: str) -> str:
    """The time as the chain hashed it: UTC, to the microsecond."""
    return datetime.fromisoformat(value).astimezone(timezone.utc).isoformat(timespec="microseconds")


def jsonl_chunks(alur: Alur, actor: Actor, filters: TrailFilters, locale: str = "id"):
    """The export as JSON Lines text chunks. Access is checked here, before anything is sent."""
    trail.check(alur, actor, filters)

    def chunks():
        lines = []
        for n, found in enumerate(_records(alur, actor, filters, locale), 1):
            lines.append(json.dumps(found, ensure_ascii=False, separators=(",", ":")) + "\n")
            if n % FLUSH_EVERY == 0:
                yield "".join(lines)
                lines = []
        yield "".join(lines)
    return chunks()


def _json_cell(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def csv_chunks(alur: Alur, actor: Actor, filters: TrailFilters, delimiter: str | None = None, locale: str = "id"):
    """The export as CSV text chunks (header row: COLUMNS); `delimiter` "comma" (default) or
    "semicolon". Access is checked before anything is sent."""
    separator = csv_export.delimiter_of(delimiter)
    if separator is None:
        raise refuse("sep", "harus comma atau semicolon.", "must be comma or semicolon.")
    trail.check(alur, actor, filters)

    def cell(name: str, value) -> str:
        if name in ("before", "after"):
            return _json_cell(value)
        return csv_export.safe_cell(value) if name in TEXT_COLUMNS else ("" if value is None else str(value))

    rows = ([cell(name, found[name]) for name in COLUMNS] for found in _records(alur, actor, filters, locale))
    return csv_export.csv_chunks(COLUMNS, rows, delimiter=separator, every=FLUSH_EVERY)
