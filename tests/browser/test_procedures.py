"""Each seed procedure driven from start to end in a real browser, as each lane's demo user.

For every procedure started by hand, the scenario with a rejection (its name says "tolak", or its
path repeats a task) from tests/diagrams/expected: the starter starts it on /mulai, every step is
opened from its user's inbox, its form filled from the step's data (real PNG/MP4/PDF uploads for
the file placeholders), decisions by their buttons, and the instance page shows it completed.
"""
from __future__ import annotations

import json
import os
import re

import pytest
from sqlalchemy import select

from server.models import HumanTask, ProcessInstance, User
from server.demo import username_for

from ..conftest import EXPECTED_DIR
from .conftest import PLACEHOLDER, expect, fill_form, login, shot, submit_form, visit


ALL_SHOTS = os.environ.get("ALUR_SCREENSHOTS") == "all"


def _with_rejection(scenario: dict) -> bool:
    tasks = [s["task"] for s in scenario["steps"]]
    return "tolak" in scenario["name"] or len(set(tasks)) < len(tasks)


PROCEDURES = []
for _path in sorted(EXPECTED_DIR.glob("*.json")):
    _expected = json.loads(_path.read_text())
    _manual = [s for s in _expected["paths"] if s.get("start") is not None]
    if not _manual:
        continue  # the monthly reports start on a timer, not in the browser
    _scenario = next(s for s in _manual if _with_rejection(s))
    PROCEDURES.append(pytest.param(_expected, _scenario, id=f"{_expected['process_id']}:{_scenario['name']}"))

assert len(PROCEDURES) == 6, [p.id for p in PROCEDURES]


class Driver:
    """One browser tab per lane's user, each signed in once; `page` is the current user's tab."""

    def __init__(self, new_page, base_url: str, agency: str):
        self.new_page, self.base_url, self.agency = new_page, base_url, agency
        self.pages: dict[str, object] = {}
        self.page = self.username = None

    def become(self, lane: str):
        self.username = username_for(self.agency, lane)
        if self.username not in self.pages:
            page = self.new_page()
            login(page, self.base_url, self.username)
            self.pages[self.username] = page
        self.page = self.pages[self.username]
        return self.page

    def open_from_inbox(self, element_id: str, screenshot: str | None = None) -> str:
        """Finds the open task `element_id` in the team tab (where a new task waits) or the user's
        own tab (a task that came back to them), and opens it."""
        page, rows = self.page, []
        for tab in ("tim", "saya"):
            visit(page, f"/?tab={tab}")
            rows = page.eval_on_selector_all(f'article.task-row[data-element-id="{element_id}"]',
                                             "rows => rows.map(r => r.dataset.taskId)")
            if rows:
                break
        if not rows:
            expect(page.locator("h1")).to_have_text("Kotak tugas")
            raise AssertionError(f"{element_id} is in neither inbox tab of {self.username}")
        assert len(rows) == 1, f"{element_id} is in the inbox {len(rows)} times"
        if screenshot:
            expect(page.locator("h1")).to_have_text("Kotak tugas")
            shot(page, screenshot)
        page.locator(f'article.task-row[data-task-id="{rows[0]}"] a.task-link').click()
        expect(page).to_have_url(re.compile(rf"/tugas/{rows[0]}$"))
        return rows[0]


def _instance(alur) -> tuple[int, str, str, str | None]:
    with alur.db.transaction() as s:
        (row,) = s.execute(select(ProcessInstance.id, ProcessInstance.title, ProcessInstance.status,
                                  ProcessInstance.end_event)).all()
        return tuple(row)


def _history(alur, instance_id: int) -> list[tuple[str, str]]:
    with alur.db.transaction() as s:
        return [tuple(r) for r in s.execute(
            select(HumanTask.element_id, User.username).join(User, User.id == HumanTask.completed_by_id)
            .where(HumanTask.instance_id == instance_id, HumanTask.state == "completed")
            .order_by(HumanTask.id))]


def _submitted(alur, instance_id: int) -> list[dict]:
    with alur.db.transaction() as s:
        return list(s.scalars(select(HumanTask.data).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.state == "completed")
                              .order_by(HumanTask.id)))


@pytest.mark.parametrize("expected,scenario", PROCEDURES)
def test_procedure_in_the_browser(new_page, live_server, seeded, sample_files, expected, scenario):
    key, agency = expected["process_id"], expected["agency"]
    rows = {r["task"]: r for r in expected["rows"]}
    driver = Driver(new_page, live_server, agency)

    # Start: the SOP list, its start form, then the browser lands on the starter's first task.
    page = driver.become(expected["start_lane"])
    visit(page, "/mulai")
    link = page.locator(f'a.start-link[data-key="{key}"]')
    expect(link).to_have_count(1)
    shot(page, f"mulai-{key}")
    link.click()
    expect(page).to_have_url(f"{live_server}/mulai/{key}")
    start_form = page.locator("form#start-form")
    expect(start_form).to_have_attribute("enctype", "multipart/form-data")
    fill_form(start_form, scenario["start"], sample_files)
    shot(page, f"start-{key}")
    page.locator("button#submit-start").click()

    first = scenario["steps"][0]
    if first["lane"] == expected["start_lane"]:
        expect(page).to_have_url(re.compile(r"/tugas/\d+$"))
    else:
        expect(page).to_have_url(re.compile(r"/instans/\d+$"))
    instance_id, title, _, _ = _instance(seeded)
    assert title == scenario["start"]["judul"]

    seen, inbox_shot, decided = set(), False, False
    for number, step in enumerate(scenario["steps"]):
        on_task_page = number == 0 and re.search(r"/tugas/\d+$", page.url)
        if not on_task_page:
            page = driver.become(step["lane"])
            driver.open_from_inbox(step["task"], screenshot=None if inbox_shot else f"inbox-{key}")
            inbox_shot = True

        sop = page.locator("section#sop-step")
        expect(sop).to_contain_text(rows[step["task"]]["output"])
        # Pictures of the first task page and the first decision (every task's with ALUR_SCREENSHOTS=all).
        decision = "keputusan" in step["data"]
        if step["task"] not in seen and (ALL_SHOTS or not seen or (decision and not decided)):
            shot(page, f"task-{key}-{step['task']}")
        seen.add(step["task"])
        decided = decided or decision

        form = page.locator("form#task-form")
        if number == 0:
            expect(form).to_have_attribute("enctype", "multipart/form-data")
        fill_form(form, step["data"], sample_files)
        submit_form(form, step["data"])
        expect(page).to_have_url(f"{live_server}/")
        expect(page.locator(".flash").first).to_be_visible()

    # The end: the instance page says it is completed; the server recorded the scenario's path.
    visit(page, f"/instans/{instance_id}")
    expect(page.locator("h1")).to_have_text(scenario["start"]["judul"])
    expect(page.locator("#instance-status")).to_have_text("Selesai")
    history = page.locator("section#history")
    expect(history.locator("ol.history > li")).to_have_count(len(scenario["steps"]))
    for step in scenario["steps"]:
        if step["data"].get("alasan"):  # why it was sent back is on record
            expect(history).to_contain_text(step["data"]["alasan"])
    shot(page, f"instance-{key}")

    _, _, status, end_event = _instance(seeded)
    assert (status, end_event) == ("completed", scenario["end"])
    assert _history(seeded, instance_id) == [(s["task"], username_for(agency, s["lane"]))
                                             for s in scenario["steps"]]
    # What the forms sent is what each step's data says (uploads: at least as many files).
    for step, sent in zip(scenario["steps"], _submitted(seeded, instance_id)):
        for name, value in step["data"].items():
            placeholder = PLACEHOLDER.match(value) if isinstance(value, str) else None
            if placeholder:
                assert len(set(sent[name])) >= int(placeholder.group(2)), (step["task"], name, sent[name])
            elif isinstance(value, list):
                assert sorted(sent[name]) == sorted(value), (step["task"], name, sent[name])
            else:
                assert sent[name] == value, (step["task"], name, sent[name])
