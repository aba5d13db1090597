"""What must never be lost: a failing step rolls back and shows its error; the audit trail stays."""
from __future__ import annotations

from sqlalchemy import select

from server.errors import Conflict
from server.models import HumanTask, User
from server.modeling.services import deployment
from server.work.services import instances, tasks
from server.kernel.actors import load_actor

from .test_deployment import _diagram


def test_a_failing_condition_stops_the_instance_with_a_message(seeded):
    # `tidak_ada` is never set: the gateway cannot decide at run time
    deployment.deploy(seeded, _diagram(condition="tidak_ada == 1"), "uji.bpmn", agency_slug="dki-ksd")
    with seeded.db.transaction() as s:
        actor = load_actor(s, s.scalar(select(User.id).where(User.username == "dki.admin")))
    started = instances.start(seeded, actor, "uji", {})
    task_id = started["open_tasks"][0]["id"]
    try:
        tasks.complete(seeded, actor, task_id, {"keputusan": "Terima"})
    except Conflict as exc:
        assert "Pengawas dapat melihat galat ini" in exc.message_id
        assert "tidak_ada" in exc.message_en
    else:
        raise AssertionError("the step should have been refused")
    view = instances.get(seeded, actor, started["id"])
    assert view["status"] == "error"
    assert "tidak_ada" in view["error"]
    assert view["history"] == []  # the step itself was rolled back
    with seeded.db.transaction() as s:
        assert s.scalar(select(HumanTask.state).where(HumanTask.id == task_id)) == "ready"


def test_audit_events_cannot_be_changed(seeded):
    import pytest
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    from server.models import AuditEvent

    with pytest.raises(DBAPIError, match="append-only"):
        with seeded.db.transaction() as s:
            s.execute(update(AuditEvent).values(action="diubah"))
