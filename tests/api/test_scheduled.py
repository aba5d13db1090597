"""The monthly reports: started by their timer (on Alur's movable clock), then done via the API."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from server.models import ProcessInstance
from server.deadlines import timers
from server.demo import username_for

from ..conftest import EXPECTED_DIR, ApiUser

SCHEDULED = [json.loads(p.read_text()) for p in sorted(EXPECTED_DIR.glob("*.json"))]
SCHEDULED = [pytest.param(e, id=e["process_id"]) for e in SCHEDULED if e.get("timer_start")]


@pytest.mark.parametrize("expected", SCHEDULED)
def test_a_monthly_report_starts_on_its_timer_and_runs_to_its_end(seeded, login, expected):
    key, agency = expected["process_id"], expected["agency"]
    scenario = expected["paths"][0]
    user = login(username_for(agency, scenario["steps"][0]["lane"]))
    refused = user.post(f"/processes/{key}/instances", json={"data": {}})
    assert refused.status_code == 409

    instance_id = timers.start_scheduled(seeded, key, agency)
    with seeded.db.transaction() as s:
        due = s.scalar(select(ProcessInstance.next_due_at).where(ProcessInstance.id == instance_id))
    assert due is not None
    assert timers.fire_due(seeded) == 0  # not yet due: the clock has not moved
    assert user.get("/tasks?scope=claimable").get_json()["total"] == 0

    seeded.clock.set(due)
    seeded.clock.advance(seconds=1)
    assert timers.fire_due(seeded) == 1
    assert timers.fire_due(seeded) == 0  # fired once only
    assert user.get("/tasks").status_code == 401  # a month later the old token has expired
    user = ApiUser(user.client, user.username)

    for step in scenario["steps"]:
        items = user.get("/tasks?scope=claimable").get_json()["items"]
        assert [t["element_id"] for t in items] == [step["task"]]
        r = user.post(f"/tasks/{items[0]['id']}/complete", json={"data": user.fill(step["data"])})
        assert r.status_code == 200, r.get_json()
    final = user.get(f"/instances/{instance_id}").get_json()
    assert final["status"] == "completed" and final["end_event"] == scenario["end"]
