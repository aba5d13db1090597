"""On PostgreSQL: a supervisor's cancel racing a staff completion of the same case, released
together, 20 rounds. The instance's row lock serialises them: exactly one takes the case first.
If the cancel wins, the completion is refused (409) and changes nothing; if the completion wins,
step 2 is done once and the cancel that waited then ends the case where it now stands. Either
way the instance row, its task rows and its engine state agree afterwards. (SQLite serialises every writer, so there is no race to test there.)"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from server.errors import Conflict
from server.formschema.samples import sample_submission
from server.models import AuditEvent, HumanTask, ProcessInstance
from server.monitoring.services import steering
from server.work.services import tasks

from .test_steering import _actor, _case, _engine_agrees_with_rows

ROUNDS = 20


def test_cancel_racing_a_completion_one_wins_and_the_case_stays_consistent(seeded):
    alur = seeded
    if not alur.db.is_postgres:
        pytest.skip("needs PostgreSQL (ALUR_TEST_DATABASE_URL): SQLite serialises writers, nothing races")
    pengawas, pj = _actor(alur, "kemenpora.pengawas"), _actor(alur, "kemenpora.pj")
    wins = {"cancel": 0, "complete": 0}
    for round_no in range(ROUNDS):
        instance_id, task_id = _case(alur, f"Balapan {round_no}")
        form = tasks.get_task(alur, pj, task_id)["form"]
        data = sample_submission(form, files=lambda accept, n: [], today=None)
        barrier = threading.Barrier(2)
        outcomes = {}

        def attempt(label, action):
            barrier.wait()
            try:
                action()
                outcomes[label] = "done"
            except Conflict as exc:
                outcomes[label] = exc.message_id
            except Exception as exc:  # recorded, so the assertion shows it
                outcomes[label] = repr(exc)

        threads = [threading.Thread(target=attempt, args=("cancel", lambda: steering.cancel(
                       alur, pengawas, instance_id, "Permohonan ditarik"))),
                   threading.Thread(target=attempt, args=("complete", lambda: tasks.complete(
                       alur, pj, task_id, data)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        status = _engine_agrees_with_rows(alur, instance_id)
        with alur.db.transaction() as s:
            task_state = s.scalar(select(HumanTask.state).where(HumanTask.id == task_id))
            completions = s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.task_id == task_id, AuditEvent.action == "task.completed"))
            cancels = s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.instance_id == instance_id, AuditEvent.action == "instance.cancelled"))
            open_rows = s.scalar(select(func.count()).select_from(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.state == "ready"))
            revision = s.scalar(select(ProcessInstance.revision).where(ProcessInstance.id == instance_id))
        assert status == "cancelled" and open_rows == 0 and cancels == 1, outcomes
        cancelled = _cancel_event(alur, instance_id).after["cancelled_tasks"]
        if outcomes["complete"] == "done":
            # the completion took the row first: step 2 is done once, and the cancel that waited
            # for the lock then cancelled the case where it stood next (the task step 2 opened)
            assert task_state == "completed" and completions == 1 and outcomes["cancel"] == "done", outcomes
            assert task_id not in cancelled and len(cancelled) == 1
            wins["complete"] += 1
        else:
            # the cancel took the row first: the completion saw the task cancelled and changed nothing
            assert outcomes == {"cancel": "done", "complete": "Tugas ini sudah dibatalkan."}, outcomes
            assert task_state == "cancelled" and completions == 0 and cancelled == [task_id]
            wins["cancel"] += 1
        assert revision >= 3
    print(f"cancel first: {wins['cancel']}, completion first: {wins['complete']}")


def _cancel_event(alur, instance_id):
    with alur.db.transaction() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                  AuditEvent.action == "instance.cancelled")).one()
