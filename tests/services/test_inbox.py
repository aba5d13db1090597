"""The inbox's lists: most urgent first across several lanes, pages that follow on, counts that
stop at 1.000 ("1.000+"). Rows are written straight into human_task (as the engine's step
would), so a thousand open tasks cost nothing to set up."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from server.demo import drive
from server.kernel.actors import load_actor
from server.models import HumanTask, Role, User
from server.work.services import inbox

from ..conftest import DEMO_PASSWORD


def _user_with_two_lanes(alur):
    """kemenpora.ketua, also given the Anggota lane: two walks to merge."""
    from server.admin.services import people

    people.grant(alur, "kemenpora.ketua", "kemenpora", ["Anggota Tim Publikasi"])
    with alur.db.transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == "kemenpora.ketua"))
        lanes = dict(s.execute(select(Role.name, Role.id).where(Role.name.in_(
            ["Ketua Tim Publikasi", "Anggota Tim Publikasi"]))).all())
        return load_actor(s, user_id), lanes


def _add_tasks(alur, instance_id: int, rows: list[dict]) -> list[int]:
    now = alur.clock.now()
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(HumanTask.agency_id).where(HumanTask.instance_id == instance_id).limit(1))
        return [s.execute(insert(HumanTask).returning(HumanTask.id), {
            "instance_id": instance_id, "agency_id": agency_id, "engine_task_id": f"synthetic-{instance_id}-{n}",
            "element_id": "s03_bahas_konsep_konten", "name": "Tugas", "lane": "x", "state": "ready",
            "created_at": now + timedelta(seconds=row.get("age", 0)), **{k: v for k, v in row.items() if k != "age"}},
        ).scalar_one() for n, row in enumerate(rows)]


def _instance(alur) -> int:
    return int(drive(alur, "kemenpora_publikasi_media_sosial", 0).split("#")[1].split(":")[0])


def test_most_urgent_first_across_lanes_and_pages_follow_on(seeded):
    actor, lanes = _user_with_two_lanes(seeded)
    instance_id = _instance(seeded)
    now = seeded.clock.now()
    ketua, anggota = lanes["Ketua Tim Publikasi"], lanes["Anggota Tim Publikasi"]
    ids = _add_tasks(seeded, instance_id, [
        {"role_id": ketua, "due_at": now + timedelta(hours=3)},   # 0: third
        {"role_id": anggota, "due_at": now + timedelta(hours=1)},  # 1: first
        {"role_id": ketua, "due_at": None, "age": 1},              # 4: no due time, older
        {"role_id": anggota, "due_at": now + timedelta(hours=2)},  # 2: second
        {"role_id": anggota, "due_at": None, "age": 2},            # 5: no due time, newer
        {"role_id": ketua, "due_at": now + timedelta(hours=3), "age": 5},  # 3: same due, waited less
    ])
    expected = [ids[1], ids[3], ids[0], ids[5], ids[2], ids[4]]
    whole = inbox.list_tasks(seeded, actor, "claimable", limit=50)
    assert [t["id"] for t in whole["items"]] == expected
    assert whole["total"] == 6 and whole["total_capped"] is False
    paged = [t["id"] for offset in (0, 2, 4) for t in inbox.list_tasks(seeded, actor, "claimable", 2, offset)["items"]]
    assert paged == expected
    assert inbox.list_tasks(seeded, actor, "claimable", 2, 6)["items"] == []


def test_counts_stop_at_a_thousand_and_the_page_says_so(seeded, app):
    actor, lanes = _user_with_two_lanes(seeded)
    instance_id = _instance(seeded)
    _add_tasks(seeded, instance_id, [{"role_id": lanes["Anggota Tim Publikasi"]}] * (inbox.COUNT_CAP + 5))
    listed = inbox.list_tasks(seeded, actor, "team", limit=25)
    assert (listed["total"], listed["total_capped"], len(listed["items"])) == (1000, True, 25)
    found = inbox.inbox(seeded, actor, ("mine", "team"), None, limit=20, offset=0)
    assert found["scope"] == "team"  # nothing claimed: the inbox opens on the team's work
    assert found["counts"] == {"mine": {"total": 0, "capped": False}, "team": {"total": 1000, "capped": True}}

    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"username": "kemenpora.ketua", "password": DEMO_PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert "(1.000+)" in page
    assert page.count('class="task-row') == 20
