"""The audit trail as an auditor browses it (GET /api/v1/audit/events and the trail service):
newest first with keyset paging, each event with who, a label per action, its instance and task,
before/after and its link of the chain; every filter (local days, instance, SOP, action prefix,
username); and who may read it: the Auditor of the agency only."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server.audit.services import trail, trail_labels
from server.kernel import audit

from ..walking import actor, start_kemenpora
from .trail_scene import BSIP_KEY, agency_id, build, chain_rows


@pytest.fixture
def scene(seeded):
    return build(seeded)


def _all(user, query: str = "") -> list[dict]:
    """Every event the query gives, page after page (three at a time)."""
    found, after = [], None
    while True:
        r = user.get(f"/audit/events?limit=3{query}" + (f"&after={after}" if after else ""))
        assert r.status_code == 200, r.get_json()
        page = r.get_json()
        assert len(page["items"]) <= 3
        found += page["items"]
        after = page["next"]
        if after is None:
            return found


def test_the_auditor_reads_the_agencys_events_newest_first_a_page_at_a_time(seeded, scene, login):
    auditor = login("kemenpora.auditor")
    rows = chain_rows(seeded, "kemenpora")
    events = _all(auditor)
    assert [e["id"] for e in events] == [r.id for r in reversed(rows)]  # each once, newest first
    assert {e["agency"] for e in events} == {"kemenpora"}  # nothing of BSIP's
    first = auditor.get("/audit/events?limit=3").get_json()
    assert first["next"] == first["items"][-1]["id"]
    last = auditor.get(f"/audit/events?limit=50&after={rows[1].id}").get_json()
    assert [e["id"] for e in last["items"]] == [rows[0].id] and last["next"] is None

    started = next(e for e in events if e["action"] == "instance.started" and e["instance"]["id"] == scene["first"])
    assert started["label"] == "Instans dimulai"
    assert started["actor"] == {"id": actor(seeded, "kemenpora.karo").id, "username": "kemenpora.karo",
                                "name": "Kepala Biro Humas dan Umum (kemenpora)"}
    assert started["instance"] == {"id": scene["first"], "title": "Publikasi Hari Olahraga Nasional",
                                   "process": "kemenpora_publikasi_media_sosial"}
    assert started["before"] is None and started["after"]["opened"] == ["s01_disposisi_pembuatan_konten"]
    assert started["timezone"] == "Asia/Jakarta" and started["chain"] == agency_id(seeded, "kemenpora")
    assert len(started["hash"]) == 64
    done = next(e for e in events if e["action"] == "task.completed" and e["instance"]["id"] == scene["first"])
    assert done["task"]["name"] == "Mendisposisi pembuatan konten"
    assert done["task"]["element_id"] == "s01_disposisi_pembuatan_konten"
    english = auditor.get("/audit/events?limit=200", headers={"Accept-Language": "en"}).get_json()["items"]
    assert {e["label"] for e in english if e["action"] == "task.completed"} == {"Task completed"}


def test_the_inspectorate_reads_every_agency_it_audits(seeded, scene, login):
    events = _all(login("inspektorat"))
    assert {"kemenpora", "bsip"} <= {e["agency"] for e in events}
    bsip = _all(login("inspektorat"), "&agency=bsip")
    assert bsip and {e["agency"] for e in bsip} == {"bsip"}


def test_each_filter(seeded, scene, login):
    auditor = login("inspektorat")
    rows = {r.id: r for r in chain_rows(seeded, "kemenpora")}

    only = _all(auditor, f"&instance={scene['second']}")
    assert only and {e["instance"]["id"] for e in only} == {scene["second"]}

    by_sop = _all(auditor, f"&process={BSIP_KEY}")
    assert by_sop and {e["instance"]["id"] for e in by_sop} == {scene["bsip"]}
    assert _all(auditor, "&process=tidak_ada") == []

    tasks = _all(auditor, "&action=task.&agency=kemenpora")
    assert tasks and {e["action"] for e in tasks} == {"task.completed"}
    assert [e["id"] for e in _all(auditor, "&action=task&agency=kemenpora")] == [e["id"] for e in tasks]
    assert [e["id"] for e in _all(auditor, "&action=task.completed&agency=kemenpora")] == [e["id"] for e in tasks]
    assert _all(auditor, "&action=task.complete") == []  # an action, or a whole prefix: not half a word

    karo = _all(auditor, "&actor=kemenpora.karo")
    assert karo and {e["actor"]["username"] for e in karo} == {"kemenpora.karo"}
    assert _all(auditor, "&actor=tidak.ada") == []

    # days are the agency's local days: the first case on Monday 23 November (WIB), the second on the 24th
    first_day = _all(auditor, "&agency=kemenpora&to=2026-11-23")
    second_day = _all(auditor, "&agency=kemenpora&from=2026-11-24")
    assert {e["id"] for e in first_day} | {e["id"] for e in second_day} == set(rows)
    assert all(rows[e["id"]].at < datetime(2026, 11, 23, 17, tzinfo=timezone.utc) for e in first_day)
    assert {e["instance"]["id"] for e in second_day if e["instance"]} == {scene["second"]}
    assert _all(auditor, "&agency=kemenpora&from=2026-11-24&to=2026-11-23") == []


def test_a_day_ends_at_the_agencys_midnight_not_at_utc(seeded, login):
    seeded.clock.set(datetime(2026, 11, 23, 17, 30, tzinfo=timezone.utc))  # 00.30 WIB on the 24th
    late = start_kemenpora(seeded, "Publikasi tengah malam")
    auditor = login("kemenpora.auditor")
    assert late in {e["instance"]["id"] for e in _all(auditor, "&from=2026-11-24&to=2026-11-24") if e["instance"]}
    assert late not in {e["instance"]["id"] for e in _all(auditor, "&to=2026-11-23") if e["instance"]}


def test_an_unknown_action_is_shown_as_its_code(seeded, login):
    with seeded.db.transaction() as s:
        audit.record(s, seeded.clock.now(), "uji.tindakan_baru", agency_id=agency_id(seeded, "kemenpora"),
                     after={"catatan": "x"})
    [event] = login("kemenpora.auditor").get("/audit/events?action=uji.").get_json()["items"]
    assert event["label"] == "uji.tindakan_baru" and event["actor"] is None
    assert trail_labels.label("instance.moved", "en") == "Instance moved to another step"


def test_every_action_recorded_in_the_server_has_a_label():
    """The actions `audit.record` is given in server/ (its first string literal, both arms of an
    `x if ... else y`), those the stepping unit is given (`action="..."`), and those handed to it
    through a variable (suspend and resume)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "server"
    found = set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for first, second in re.findall(r'audit\.record\([^"]*?"([a-z_]+\.[a-z_]+)"'
                                         r'(?:\s+if\s+[\w.]+\s+else\s+"([a-z_]+\.[a-z_]+)")?', source):
            found |= {first, second} - {""}
        found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
        found |= set(re.findall(r'"(instance\.(?:suspended|resumed))"', source))
    assert {"instance.started", "task.completed", "instance.moved", "instance.cancelled", "calendar.day_set",
            "user.deactivated", "task.unassigned", "instance.suspended", "agency.added"} <= found
    assert found - set(trail_labels.LABELS) == set()


def test_before_and_after_side_by_side():
    shown = trail.changes({"status": "running", "same": 1}, {"status": "cancelled", "same": 1,
                                                             "reason": "x" * 100})
    assert shown == [{"key": "status", "before": "running", "after": "cancelled"},
                     {"key": "reason", "before": None, "after": "x" * 79 + "…"}]
    assert trail.changes(None, None) == []
    assert trail.changes({"a": 1}, None) == [{"key": "a", "before": "1", "after": None}]
    many = trail.changes(None, {str(n): n for n in range(12)}, most=8)
    assert len(many) == 9 and many[-1] == {"key": "…", "before": None, "after": "+4"}


@pytest.mark.parametrize("username", ["kemenpora.pengawas", "kemenpora.pemilik", "kemenpora.karo",
                                      "kemenpora.admin_instansi", "bsip.pengawas"])
def test_only_an_auditor_reads_the_trail(seeded, login, username):
    refused = login(username).get("/audit/events")
    assert refused.status_code == 403
    assert refused.get_json()["message_en"] == "Only an auditor can open the audit trail."


def test_another_agencys_auditor_and_strangers_are_refused(seeded, scene, login, client):
    assert login("bsip.auditor").get("/audit/events?agency=kemenpora").status_code == 403
    assert login("bsip.auditor").get(f"/audit/events?instance={scene['first']}").get_json()["items"] == []
    assert login("inspektorat").get("/audit/events?agency=tidak-ada").status_code == 404
    assert client.get("/api/v1/audit/events").status_code == 401


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=501", "limit"), ("after=x", "after"),
                                          ("instance=abc", "instance"), ("instance=2147483648", "instance"),
                                          ("from=23-11-2026", "from"), ("to=kemarin", "to"),
                                          ("actor=" + "x" * 201, "actor"), ("action=a&action=b", "action")])
def test_bad_filters_are_refused_in_both_languages(seeded, login, query, field):
    r = login("kemenpora.auditor").get(f"/audit/events?{query}")
    assert r.status_code == 422
    body = r.get_json()
    assert field in body["fields"] and body["message_id"].startswith(f"Filter '{field}' tidak sah")
    assert body["message_en"].startswith(f"Invalid filter '{field}'")
