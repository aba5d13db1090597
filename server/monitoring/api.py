"""Supervisors' JSON API (under /api/v1): steering running instances."""
from __future__ import annotations

from flask import g, jsonify

from ..api.views import alur, api, json_body
from ..errors import InvalidInput
from .services import moving, steering


@api.post("/instances/<id:instance_id>/suspend")
def suspend_instance(instance_id: int):
    return jsonify(steering.suspend(alur(), g.actor, instance_id, json_body().get("reason")))


@api.post("/instances/<id:instance_id>/resume")
def resume_instance(instance_id: int):
    return jsonify(steering.resume(alur(), g.actor, instance_id, json_body().get("reason")))


@api.post("/instances/<id:instance_id>/cancel")
def cancel_instance(instance_id: int):
    return jsonify(steering.cancel(alur(), g.actor, instance_id, json_body().get("reason")))


@api.post("/instances/<id:instance_id>/retry")
def retry_instance(instance_id: int):
    return jsonify(steering.retry(alur(), g.actor, instance_id, json_body().get("reason")))


@api.post("/tasks/<id:task_id>/assign")
def assign_task(task_id: int):
    body = json_body()
    if "username" not in body:
        raise InvalidInput("Sebutkan 'username' (null: kembalikan tugas ke jabatannya).",
                           "Give 'username' (null: give the task back to its lane).",
                           fields={"username": [{"id": "Wajib ada.", "en": "This field is required."}]})
    return jsonify(steering.assign(alur(), g.actor, task_id, body["username"], body.get("reason")))


@api.post("/instances/<id:instance_id>/move")
def move_instance(instance_id: int):
    body = json_body()
    return jsonify(moving.move(alur(), g.actor, instance_id, body.get("to_element"), body.get("reason")))
