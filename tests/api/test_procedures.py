"""Every seed procedure driven to its end through the JSON API, as each lane's demo user.

The scenarios (approval path, each rejection and its loop, the not-to-be-published end) are the
expected files in tests/diagrams/expected, shared with the diagram tests.
"""
from __future__ import annotations

import json

import pytest

from server.demo import USERS, username_for

from ..conftest import EXPECTED_DIR

SCENARIOS = []
for path in sorted(EXPECTED_DIR.glob("*.json")):
    expected = json.loads(path.read_text())
    for scenario in expected["paths"]:
        if scenario.get("start") is not None:
            SCENARIOS.append(pytest.param(expected, scenario, id=f"{expected['process_id']}:{scenario['name']}"))


def _other_lane_user(agency: str, lane: str) -> str:
    return next(u for a, u, l in USERS if a == agency and l != lane)


def _other_agency_user(agency: str) -> str:
    return next(u for a, u, _ in USERS if a != agency)


@pytest.mark.parametrize("expected,scenario", SCENARIOS)
def test_procedure_runs_to_its_end(login, expected, scenario):
    agency = expected["agency"]
    key = expected["process_id"]
    starter = login(username_for(agency, expected["start_lane"]))
    started = starter.post(f"/processes/{key}/instances", json={"data": starter.fill(scenario["start"])})
    assert started.status_code == 201, started.get_json()
    instance_id = started.get_json()["id"]
    outsider = login(_other_agency_user(agency))
    users = {}

    for step in scenario["steps"]:
        user = users.setdefault(step["lane"], login(username_for(agency, step["lane"])))
        waiting = user.get("/tasks?scope=claimable").get_json()["items"]
        mine = [t for t in waiting if t["instance_id"] == instance_id]
        assert [t["element_id"] for t in mine] == [step["task"]], f"expected {step['task']} in {step['lane']}"
        task_id = mine[0]["id"]

        detail = user.get(f"/tasks/{task_id}").get_json()
        assert detail["lane"] == step["lane"]
        assert detail["sop"]["kegiatan"] and detail["sop"]["no"]

        # Neither another lane of the same agency nor another agency may see or do it.
        wrong_lane = login(_other_lane_user(agency, step["lane"]))
        assert wrong_lane.get(f"/tasks/{task_id}").status_code == 403
        assert wrong_lane.post(f"/tasks/{task_id}/complete", json={"data": {}}).status_code == 403
        assert outsider.post(f"/tasks/{task_id}/complete", json={"data": {}}).status_code == 403

        done = user.post(f"/tasks/{task_id}/complete", json={"data": user.fill(step["data"])})
        assert done.status_code == 200, done.get_json()

    final = starter.get(f"/instances/{instance_id}").get_json()
    assert final["status"] == "completed"
    assert final["end_event"] == scenario["end"]
    assert [h["element_id"] for h in final["history"]] == [s["task"] for s in scenario["steps"]]
    assert all(h["completed_by"] == username_for(agency, s["lane"])
               for h, s in zip(final["history"], scenario["steps"]))
    assert final["open_tasks"] == []
    assert outsider.get(f"/instances/{instance_id}").status_code == 403
