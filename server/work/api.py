"""Staff's JSON API: SOPs to start, instances, tasks, attachments (under /api/v1)."""
from __future__ import annotations

from flask import g, jsonify, request, send_file

from ..api.views import alur, api, json_body, required_file
from ..errors import InvalidInput
from .services import attachments, inbox, instances, processes, tasks


@api.get("/processes")
def list_processes():
    return jsonify({"items": processes.list_processes(alur(), g.actor)})


@api.post("/processes/<key>/instances")
def start_instance(key: str):
    body = json_body()
    result = instances.start(alur(), g.actor, key, body.get("data", {}), agency=body.get("agency"))
    return jsonify(result), 201


# GET /instances (the list, with filters and counts) is the monitoring domain's: monitoring/api_listing.py


@api.get("/instances/<id:instance_id>")
def get_instance(instance_id: int):
    return jsonify(instances.get(alur(), g.actor, instance_id))


@api.get("/tasks")
def list_tasks():
    limit, offset = _page()
    return jsonify(inbox.list_tasks(alur(), g.actor, request.args.get("scope", "mine"), limit, offset))


def _page() -> tuple[int, int]:
    """?limit= and ?offset= as integers (the services bring them into range)."""
    try:
        return int(request.args.get("limit", 50)), max(0, int(request.args.get("offset", 0)))
    except ValueError as exc:
        raise InvalidInput("limit dan offset harus bilangan bulat.", "limit and offset must be integers.") from exc


@api.get("/tasks/<id:task_id>")
def get_task(task_id: int):
    return jsonify(tasks.get_task(alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/claim")
def claim_task(task_id: int):
    return jsonify(tasks.claim(alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/release")
def release_task(task_id: int):
    return jsonify(tasks.release(alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/complete")
def complete_task(task_id: int):
    body = json_body()
    return jsonify(tasks.complete(alur(), g.actor, task_id, body.get("data", {})))


@api.post("/attachments")
def upload_attachment():
    upload = required_file("Sertakan berkas pada isian 'file' (multipart/form-data).",
                           "Send the file in the 'file' field (multipart/form-data).")
    result = attachments.upload(alur(), g.actor, upload.stream, upload.filename or "berkas",
                                agency=request.form.get("agency"))
    return jsonify(result), 201


@api.get("/attachments/<attachment_id>")
def download_attachment(attachment_id: str):
    info, fh = attachments.open_for_download(alur(), g.actor, attachment_id)
    return send_file(fh, mimetype=info["content_type"], download_name=info["filename"], as_attachment=True)
