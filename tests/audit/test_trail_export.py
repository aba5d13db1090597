"""The trail's exports (GET /api/v1/audit/events.jsonl and .csv): every line of the JSON Lines
file is JSON, the CSV reads back with the csv module (comma and semicolon), both oldest first with
each event's chain, seq and hash, under the same filters as the list; and a tool outside Alur
(hashlib and json, no Alur code) re-checks an agency's whole chain from either file."""
from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from server.audit.services.trail_export import COLUMNS

from ..walking import start_kemenpora
from .trail_scene import build, chain_rows


@pytest.fixture
def scene(seeded):
    return build(seeded)


def _jsonl(user, query: str = "") -> list[dict]:
    r = user.get(f"/audit/events.jsonl{query}")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/x-ndjson" and "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _csv(user, query: str = "", delimiter: str = ",") -> list[dict]:
    r = user.get(f"/audit/events.csv{query}")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "text/csv"
    text = r.get_data().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def _rechecked(records: list[dict]) -> str:
    """What an outside tool does with an agency's unfiltered export: recompute every link."""
    previous = "0" * 64
    for n, r in enumerate(records, 1):
        assert r["seq"] == n
        canonical = json.dumps([r["seq"], r["at"], r["action"], r["actor_id"], r["agency_id"], r["instance_id"],
                                r["task_id"], r["before"], r["after"]],
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        previous = hashlib.sha256(previous.encode("ascii") + canonical).hexdigest()
        assert previous == r["hash"], f"event {r['id']} (seq {n}) does not re-check"
    return previous


def _typed(row: dict) -> dict:
    """A CSV row with its numbers and JSON read back (empty: null)."""
    out = dict(row)
    for name in ("id", "chain", "seq", "actor_id", "agency_id", "instance_id", "task_id"):
        out[name] = int(row[name]) if row[name] else None
    for name in ("before", "after"):
        out[name] = json.loads(row[name]) if row[name] else None
    return out


def test_both_exports_hold_the_chain_and_re_check_outside_alur(seeded, scene, login):
    auditor = login("kemenpora.auditor")
    rows = chain_rows(seeded, "kemenpora")
    lines = _jsonl(auditor)
    assert [line["id"] for line in lines] == [r.id for r in rows]  # oldest first: the chain's order
    assert set(lines[0]) == set(COLUMNS)
    head = _rechecked(lines)
    assert head == auditor.get("/audit/verify").get_json()["head"]

    table = _csv(auditor)
    assert [int(r["id"]) for r in table] == [r.id for r in rows]
    assert all(len(r["hash"]) == 64 for r in table)
    assert _rechecked([_typed(r) for r in table]) == head
    semicolons = _csv(auditor, "?sep=semicolon", delimiter=";")
    assert [r["hash"] for r in semicolons] == [r["hash"] for r in table]

    started = next(line for line in lines if line["action"] == "instance.started")
    assert started["label"] == "Instans dimulai" and started["actor_username"] == "kemenpora.karo"
    assert started["instance_title"] == "Publikasi Hari Olahraga Nasional"
    english = _jsonl(auditor, "?lang=en")
    assert next(line for line in english if line["action"] == "instance.started")["label"] == "Instance started"


def test_the_exports_follow_the_filters(seeded, scene, login):
    inspektorat = login("inspektorat")
    listed = inspektorat.get(f"/audit/events?limit=500&instance={scene['second']}&action=task.").get_json()["items"]
    lines = _jsonl(inspektorat, f"?instance={scene['second']}&action=task.")
    assert [line["id"] for line in lines] == [e["id"] for e in reversed(listed)] and len(lines) == 2
    table = _csv(inspektorat, f"?instance={scene['second']}&action=task.")
    assert [int(r["id"]) for r in table] == [line["id"] for line in lines]
    both = {line["agency"] for line in _jsonl(inspektorat)}
    assert {"kemenpora", "bsip"} <= both
    assert _jsonl(inspektorat, "?actor=tidak.ada") == []
    assert len(_csv(inspektorat, "?actor=tidak.ada")) == 0


def test_a_cell_a_spreadsheet_would_run_is_defused(seeded, login):
    start_kemenpora(seeded, '=HYPERLINK("http://contoh.invalid","klik")')
    table = _csv(login("kemenpora.auditor"), "?action=instance.started")
    assert table[0]["instance_title"] == '\'=HYPERLINK("http://contoh.invalid","klik")'


def test_the_exports_refuse_before_they_stream(seeded, login, client):
    for path in ("/audit/events.jsonl", "/audit/events.csv"):
        refused = login("kemenpora.pengawas").get(path)
        assert refused.status_code == 403 and refused.is_json
        assert refused.get_json()["message_en"] == "Only an auditor can open the audit trail."
        assert login("bsip.auditor").get(f"{path}?agency=kemenpora").status_code == 403
        assert client.get(f"/api/v1{path}").status_code == 401
        assert login("kemenpora.auditor").get(f"{path}?from=kemarin").status_code == 422
    wrong = login("kemenpora.auditor").get("/audit/events.csv?sep=tab")
    assert wrong.status_code == 422 and "sep" in wrong.get_json()["fields"]


def test_a_long_export_streams_in_several_chunks(seeded, login, monkeypatch):
    from server.audit.services import trail, trail_export

    monkeypatch.setattr(trail, "BATCH", 2)  # several batches, each in its own transaction
    monkeypatch.setattr(trail_export, "FLUSH_EVERY", 3)
    for n in range(4):
        start_kemenpora(seeded, f"Publikasi {n}")
    r = login("kemenpora.auditor").get("/audit/events.jsonl", buffered=False)
    chunks = [c for c in r.response if c]
    assert len(chunks) > 2
    lines = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1)) and len(lines) >= 9
