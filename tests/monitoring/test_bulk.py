"""A supervisor's action on many instances at once (monitoring/services/bulk.py): each instance
its own engine step, one reason for all; a refused one (wrong status, another agency's, gone)
is reported with its refusal and changes nothing (its rows, engine state, audit events and
notifications compared before and after), the others go ahead. "All matching the filter" takes
only the instances the action applies to, at most BULK_MAX at a time."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.errors import Forbidden, InvalidInput
from server.models import HumanTask
from server.monitoring.services import bulk, listing, steering

from .test_listing import build_world
from .test_steering import _actor, _audit, _engine_agrees_with_rows, _snapshot, _status

WHY = "Libur nasional: semua ditahan dulu"


@pytest.fixture
def world(seeded):
    return build_world(seeded)


def _snapshots(alur, ids) -> dict:
    return {i: _snapshot(alur, i) for i in ids}


def test_suspend_several_with_mixed_refusals(world, seeded):
    pengawas = _actor(seeded, "kemenpora.pengawas")
    chosen = [world["pj"], world["held"], world["done"], world["step3"], world["bsip"], 999_999]
    refused_ids = [world["held"], world["done"], world["bsip"]]
    before = _snapshots(seeded, refused_ids)

    result = bulk.apply(seeded, pengawas, "suspend", WHY, ids=[str(i) for i in chosen] + [str(world["pj"])])

    assert [r["id"] for r in result["done"]] == [world["pj"], world["step3"]]
    assert all(r["status"] == "suspended" for r in result["done"])
    refused = {r["id"]: r for r in result["refused"]}
    assert list(refused) == [world["held"], world["done"], world["bsip"], 999_999]
    assert refused[world["held"]]["message_id"] == "Instans ini sudah ditangguhkan."
    assert refused[world["held"]]["message_en"] == "This instance is already suspended."
    assert refused[world["done"]]["error"] == "conflict" and "selesai" in refused[world["done"]]["message_id"]
    assert refused[world["bsip"]]["error"] == "forbidden"      # another agency's: not the Pengawas there
    assert refused[999_999]["error"] == "not_found"
    # the titles the actor may read; none for another agency's or a missing one
    assert result["done"][0]["title"] == "Publikasi Hari Olahraga Nasional"
    assert refused[world["bsip"]]["title"] is None and refused[999_999]["title"] is None
    assert (result["matched"], result["capped"], result["reason"]) == (6, False, WHY)

    for instance_id in (world["pj"], world["step3"]):
        assert _status(seeded, instance_id).status == "suspended"
        [event] = _audit(seeded, instance_id, "instance.suspended")
        assert event.after == {"status": "suspended", "reason": WHY} and event.actor_id == pengawas.id
    assert _snapshots(seeded, refused_ids) == before


def test_cancel_and_retry_refuse_what_they_do_not_apply_to(world, seeded):
    pengawas = _actor(seeded, "kemenpora.pengawas")
    before = _snapshots(seeded, [world["gone"], world["done"]])
    result = bulk.apply(seeded, pengawas, "cancel", WHY, ids=[world["held"], world["gone"], world["done"],
                                                                world["karo2"]])
    assert [r["id"] for r in result["done"]] == [world["held"], world["karo2"]]
    assert {r["id"] for r in result["refused"]} == {world["gone"], world["done"]}
    assert _snapshots(seeded, [world["gone"], world["done"]]) == before
    for instance_id in (world["held"], world["karo2"]):
        assert _engine_agrees_with_rows(seeded, instance_id) == "cancelled"

    before = _snapshots(seeded, [world["fresh"]])
    retried = bulk.apply(seeded, pengawas, "retry", WHY, ids=[world["fresh"]])
    assert retried["done"] == [] and "galat" in retried["refused"][0]["message_id"]
    assert _snapshots(seeded, [world["fresh"]]) == before


def test_all_matching_the_filter_takes_only_what_the_action_applies_to(world, seeded, monkeypatch):
    pengawas = _actor(seeded, "kemenpora.pengawas")
    everything = listing.Filters()
    result = bulk.apply(seeded, pengawas, "resume", WHY, filters=everything)
    assert [r["id"] for r in result["done"]] == [world["held"]] and result["refused"] == []
    assert result["matched"] == 1

    monkeypatch.setattr(bulk, "BULK_MAX", 2)
    overdue_running = listing.Filters(statuses=("running", "completed"), overdue=True)
    result = bulk.apply(seeded, pengawas, "suspend", WHY, filters=overdue_running)
    # running and overdue: karo2, pj and (resumed) held; the oldest two first
    assert [r["id"] for r in result["done"]] == [world["held"], world["karo2"]]
    assert (result["matched"], result["capped"], result["limit"]) == (3, True, 2)
    again = bulk.apply(seeded, pengawas, "suspend", WHY, filters=overdue_running)
    assert [r["id"] for r in again["done"]] == [world["pj"]] and not again["capped"]
    # nothing left the action applies to
    assert bulk.apply(seeded, pengawas, "suspend", WHY, filters=overdue_running)["matched"] == 0
    # a status filter the action never applies to: nothing
    assert bulk.apply(seeded, pengawas, "resume", WHY, filters=listing.Filters(statuses=("completed",))) \
        ["matched"] == 0


def test_move_several_back_to_step_one(world, seeded):
    pengawas = _actor(seeded, "kemenpora.pengawas")
    before = _snapshots(seeded, [world["done"]])
    result = bulk.apply(seeded, pengawas, "move", WHY, ids=[world["pj"], world["step3"], world["done"]],
                        to_element="s01_disposisi_pembuatan_konten")
    assert [r["id"] for r in result["done"]] == [world["pj"], world["step3"]]
    assert [r["id"] for r in result["refused"]] == [world["done"]]
    assert _snapshots(seeded, [world["done"]]) == before
    with seeded.db.transaction() as s:
        for instance_id in (world["pj"], world["step3"]):
            assert s.scalars(select(HumanTask.element_id).where(HumanTask.instance_id == instance_id,
                                                                HumanTask.state == "ready")).all() \
                == ["s01_disposisi_pembuatan_konten"]
    assert len(_audit(seeded, world["pj"], "instance.moved")) == 1


@pytest.mark.parametrize("who,action,reason,kw,error", [
    ("kemenpora.auditor", "suspend", WHY, {"ids": [1]}, Forbidden),       # reads, never steers
    ("kemenpora.pj", "suspend", WHY, {"ids": [1]}, Forbidden),            # staff
    ("kemenpora.karo", "cancel", WHY, {"filters": listing.Filters()}, Forbidden),
    ("kemenpora.pengawas", "delete", WHY, {"ids": [1]}, InvalidInput),
    ("kemenpora.pengawas", "suspend", "  ", {"ids": [1]}, InvalidInput),
    ("kemenpora.pengawas", "suspend", None, {"ids": [1]}, InvalidInput),
    ("kemenpora.pengawas", "suspend", WHY, {}, InvalidInput),              # neither ids nor a filter
    ("kemenpora.pengawas", "suspend", WHY, {"ids": []}, InvalidInput),
    ("kemenpora.pengawas", "suspend", WHY, {"ids": ["satu"]}, InvalidInput),
    ("kemenpora.pengawas", "suspend", WHY, {"ids": [0]}, InvalidInput),
    ("kemenpora.pengawas", "suspend", WHY, {"ids": list(range(1000, 1501))}, InvalidInput),
    ("kemenpora.pengawas", "move", WHY, {"ids": [1]}, InvalidInput),       # no step to move to
])
def test_a_refused_request_changes_nothing(world, seeded, who, action, reason, kw, error):
    everything = list(world.values())
    before = _snapshots(seeded, everything)
    kw = {k: ([world["pj"] if v == 1 else v for v in value] if k == "ids" else value) for k, value in kw.items()}
    with pytest.raises(error) as refused:
        bulk.apply(seeded, _actor(seeded, who), action, reason, **kw)
    assert refused.value.message_id != refused.value.message_en
    assert _snapshots(seeded, everything) == before


def test_may_steer_is_the_pengawas_of_some_agency(seeded):
    assert bulk.may_steer(_actor(seeded, "kemenpora.pengawas"))
    assert not bulk.may_steer(_actor(seeded, "kemenpora.auditor"))
    assert not bulk.may_steer(_actor(seeded, "inspektorat"))
    assert not bulk.may_steer(_actor(seeded, "kemenpora.karo"))


def test_each_instance_is_its_own_step(world, seeded):
    """One that the engine refuses midway does not undo the ones before it."""
    pengawas = _actor(seeded, "kemenpora.pengawas")
    steering.suspend(seeded, pengawas, world["fresh"], "lebih dulu")
    result = bulk.apply(seeded, pengawas, "resume", WHY, ids=[world["held"], world["pj"], world["fresh"]])
    assert [r["id"] for r in result["done"]] == [world["held"], world["fresh"]]
    assert [r["id"] for r in result["refused"]] == [world["pj"]]
    assert _status(seeded, world["held"]).status == "running"
