"""The tamper-evident trail as an auditor and an administrator check it: an untouched chain
verifies; an event edited, deleted or two swapped in the database (the append-only trigger
lifted, as a database administrator could) is named as the first broken event by the service,
the API (GET /api/v1/audit/verify) and `alur audit verify`; a recorded checkpoint shows the
newest events deleted with the head rewritten; concurrent writers in one agency and in two keep
every chain whole, with no gap in its numbering."""
from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from server import demo
from server.audit.services import chain_check
from server.models import AuditChain, AuditEvent

from ..walking import actor, do_open_task, start_kemenpora
from .trail_scene import BSIP_KEY, agency_id, build, chain_rows, cli, edit, remove, swap_places

EVENTS = AuditEvent.__table__


@pytest.fixture
def scene(seeded):
    return build(seeded)


def _verify_everywhere(alur, login, slug: str = "kemenpora") -> tuple[dict, dict, dict]:
    """The verification by the service, the API (as the agency's auditor) and the CLI (its JSON)."""
    service = chain_check.verify(alur, actor(alur, "inspektorat"), slug)
    answer = login(f"{slug.split('-')[0]}.auditor").get(f"/audit/verify?agency={slug}")
    assert answer.status_code == 200, answer.get_json()
    result = cli(alur, "audit", "verify", "--json")
    chains = {c["agency"]: c for c in json.loads(result.output)}
    assert result.exit_code == (0 if all(c["ok"] for c in chains.values()) else 1), result.output
    return service, answer.get_json(), chains


def test_an_untouched_chain_verifies_everywhere(seeded, scene, login):
    rows = chain_rows(seeded, "kemenpora")
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 8
    service, api, chains = _verify_everywhere(seeded, login)
    assert service == api
    assert api["ok"] is True and api["first_broken"] is None and api["events"] == len(rows)
    with seeded.db.transaction() as s:
        last_hash = s.scalar(select(EVENTS.c.hash).where(EVENTS.c.id == rows[-1].id))
    assert api["head"] == last_hash
    assert set(chains) == {None, "kemenpora", "bsip", "nomporejo", "ponjong", "dki-ksd"}  # None: chain 0
    assert all(c["ok"] for c in chains.values())
    human = cli(seeded, "audit", "verify")
    assert human.exit_code == 0 and human.output.count("utuh / ok") == 6, human.output


def _middle(alur, action: str = "task.completed"):
    rows = chain_rows(alur, "kemenpora")
    return rows, next(i for i, r in enumerate(rows) if r.action == action and 0 < i < len(rows) - 1)


def test_an_edited_event_is_named_as_the_first_broken(seeded, scene, login):
    rows, i = _middle(seeded)
    target = rows[i]
    edit(seeded, target.id, after={"state": "completed", "data": {"disposisi": "Diubah oleh admin basis data"}})
    service, api, chains = _verify_everywhere(seeded, login)
    assert service == api
    assert api["ok"] is False
    assert api["first_broken"] == {"id": target.id, "seq": target.seq, "at": target.at.isoformat(), "reason": "edited"}
    assert api["events"] == len(rows)  # the events after it still check: only it is named
    assert chains["kemenpora"]["first_broken"]["id"] == target.id and chains["bsip"]["ok"] is True
    human = cli(seeded, "audit", "verify", "--agency", "kemenpora")
    assert human.exit_code == 1
    assert f"RUSAK / BROKEN at seq {target.seq}, event {target.id}" in human.output
    assert "isinya diubah setelah dicatat / its content was changed after it was recorded" in human.output


def test_an_edited_time_breaks_the_chain_too(seeded, scene, login):
    rows, i = _middle(seeded, "instance.started")
    edit(seeded, rows[i].id, at=datetime.fromisoformat("2026-01-01T00:00:00+00:00"))
    service = chain_check.verify(seeded, actor(seeded, "kemenpora.auditor"))
    assert service["first_broken"]["id"] == rows[i].id and service["first_broken"]["reason"] == "edited"


def test_a_deleted_event_is_named_by_the_event_after_the_gap(seeded, scene, login):
    rows, i = _middle(seeded)
    remove(seeded, rows[i].id)
    service, api, chains = _verify_everywhere(seeded, login)
    assert service == api
    after = rows[i + 1]
    assert api["ok"] is False
    assert api["first_broken"] == {"id": after.id, "seq": after.seq, "at": after.at.isoformat(),
                                   "reason": "deleted", "missing": rows[i].seq}
    assert chains["kemenpora"]["ok"] is False and chains["bsip"]["ok"] is True
    human = cli(seeded, "audit", "verify")
    assert human.exit_code == 1 and f"RUSAK / BROKEN at seq {after.seq}, event {after.id}" in human.output


def test_two_swapped_events_are_named_as_reordered(seeded, scene, login):
    rows, i = _middle(seeded)
    earlier, later = rows[i], rows[i + 1]
    swap_places(seeded, earlier.id, later.id)
    service, api, chains = _verify_everywhere(seeded, login)
    assert service == api
    assert api["ok"] is False
    # the chain's place `earlier.seq` now holds the event recorded later: that is where it breaks
    assert api["first_broken"] == {"id": later.id, "seq": earlier.seq, "at": later.at.isoformat(),
                                   "reason": "reordered"}
    human = cli(seeded, "audit", "verify", "--agency", "kemenpora")
    assert human.exit_code == 1 and f"RUSAK / BROKEN at seq {earlier.seq}, event {later.id}" in human.output


def test_the_newest_events_deleted_show_against_the_head_and_a_recorded_checkpoint(seeded, scene, login):
    auditor = login("kemenpora.auditor")
    recorded = auditor.get("/audit/checkpoints?days=1").get_json()["items"][0]
    rows = chain_rows(seeded, "kemenpora")
    assert recorded["events"] == len(rows) and recorded["head"] == auditor.get("/audit/verify").get_json()["head"]

    remove(seeded, rows[-1].id)  # the newest event gone, the head row left: the head counts it
    answer = auditor.get("/audit/verify").get_json()
    assert answer["ok"] is False and answer["first_broken"]["reason"] == "missing_tail"
    assert answer["first_broken"]["seq"] == rows[-1].seq

    # ... and the head row rewritten to the event before: the chain alone cannot tell any more,
    # the checkpoint recorded outside Alur can
    chain = agency_id(seeded, "kemenpora")
    with seeded.db.engine.begin() as conn:
        head = conn.scalar(select(EVENTS.c.hash).where(EVENTS.c.id == rows[-2].id))
        conn.execute(update(AuditChain.__table__).where(AuditChain.__table__.c.chain == chain)
                     .values(seq=rows[-2].seq, head=head))
    assert auditor.get("/audit/verify").get_json()["ok"] is True
    checked = auditor.get(f"/audit/verify?checkpoint={recorded['events']}:{recorded['head']}").get_json()
    assert checked["ok"] is False and checked["first_broken"]["reason"] == "checkpoint"
    human = cli(seeded, "audit", "verify", "--agency", "kemenpora", "--checkpoint",
                f"{recorded['events']}:{recorded['head']}")
    assert human.exit_code == 1 and "titik periksa" in human.output
    bad = auditor.get("/audit/verify?checkpoint=12:bukan-hash")
    assert bad.status_code == 422 and bad.get_json()["message_en"].startswith("A checkpoint must be SEQ:HASH")


def test_the_cli_prints_todays_heads_to_record(seeded, scene):
    result = cli(seeded, "audit", "checkpoint", "--json")
    assert result.exit_code == 0, result.output
    heads = {c["agency"]: c for c in json.loads(result.output)}
    rows = chain_rows(seeded, "kemenpora")
    with seeded.db.transaction() as s:
        head = s.scalar(select(EVENTS.c.hash).where(EVENTS.c.id == rows[-1].id))
    assert heads["kemenpora"]["events"] == len(rows) and heads["kemenpora"]["head"] == head
    assert heads["kemenpora"]["day"] == "2026-11-24"  # the clock moved a day on; Jakarta's date
    assert heads[None] == {**heads[None], "events": 0, "head": None}
    line = cli(seeded, "audit", "checkpoint", "--agency", "kemenpora")
    assert line.exit_code == 0 and f"{len(rows)}:{head}" in line.output
    unknown = cli(seeded, "audit", "verify", "--agency", "tidak-ada")
    assert unknown.exit_code == 1 and "Agency 'tidak-ada' not found." in unknown.output


def test_an_auditor_of_several_agencies_names_one(seeded, scene, login):
    several = login("inspektorat").get("/audit/verify")
    assert several.status_code == 422
    assert "bsip, dki-ksd, kemenpora, nomporejo, ponjong" in several.get_json()["message_en"]
    assert login("inspektorat").get("/audit/verify?agency=bsip").get_json()["ok"] is True
    assert login("inspektorat").get("/audit/verify?agency=tidak-ada").status_code == 404
    assert login("kemenpora.auditor").get("/audit/verify?agency=bsip").status_code == 403
    for username in ("kemenpora.pengawas", "kemenpora.pemilik", "kemenpora.karo"):
        refused = login(username).get("/audit/verify?agency=kemenpora")
        assert refused.status_code == 403, username
        assert refused.get_json()["message_en"] == "Only an auditor can open the audit trail."


# --- concurrent writers ---------------------------------------------------------------------------

def _run_all(jobs) -> list[str]:
    errors: list[str] = []
    start = threading.Barrier(len(jobs))

    def run(job):
        try:
            start.wait()
            job()
        except Exception as exc:  # noqa: BLE001  (collected: the test names every failure)
            errors.append(f"{type(exc).__name__}: {exc}")
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not [t for t in threads if t.is_alive()], "a writer hung"
    return errors


def _gapless(alur) -> dict[int, int]:
    """chain -> events, after checking that each chain's seq runs 1..n and its head says n."""
    with alur.db.transaction() as s:
        per_chain = s.execute(select(EVENTS.c.chain, func.count(), func.min(EVENTS.c.seq), func.max(EVENTS.c.seq))
                              .group_by(EVENTS.c.chain)).all()
        heads = dict(s.execute(select(AuditChain.chain, AuditChain.seq)).all())
    for chain, count, low, high in per_chain:
        assert (low, high) == (1, count), f"chain {chain}: seq {low}..{high} for {count} events"
        assert heads[chain] == count, f"chain {chain}: head at {heads[chain]}, {count} events"
    return {chain: count for chain, count, _, _ in per_chain}


def test_concurrent_steps_in_one_agency_and_in_two_keep_every_chain_whole(seeded):
    """Real engine steps from several threads at once: Kemenpora cases started and stepped, BSIP
    cases driven beside them. On PostgreSQL they run at the same time (each chain's head row
    lock takes the writers of one agency in turn); SQLite queues every writer anyway."""
    threads = 6 if seeded.db.is_postgres else 3
    before = _gapless(seeded)

    def kemenpora():
        case = start_kemenpora(seeded, "Publikasi serentak")
        do_open_task(seeded, case)
        do_open_task(seeded, case)

    def bsip():
        demo.drive(seeded, BSIP_KEY, 2, title="Informasi serentak")

    errors = _run_all([kemenpora] * threads + [bsip] * threads)
    assert not errors, errors
    after = _gapless(seeded)
    kemenpora_chain, bsip_chain = agency_id(seeded, "kemenpora"), agency_id(seeded, "bsip")
    assert after[kemenpora_chain] - before.get(kemenpora_chain, 0) >= threads * 4  # upload, start, 2 steps
    assert after[bsip_chain] - before.get(bsip_chain, 0) >= threads * 3
    for chain in chain_check.verify_chains(seeded):
        assert chain["ok"], chain
