"""Moving test instances along as their staff would: the open task done by a holder of its lane,
with the form's sample answers (approving, or rejecting where the form decides)."""
from __future__ import annotations

import io

from sqlalchemy import select

from server.files import samples
from server.formschema.samples import sample_submission
from server.kernel.actors import load_actor
from server.models import HumanTask, User, UserRole
from server.work.services import attachments, instances, tasks

KEMENPORA = "kemenpora_publikasi_media_sosial"


def actor(alur, username: str):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def start_kemenpora(alur, title: str = "Publikasi Hari Olahraga Nasional") -> int:
    """A Kemenpora case started by its Kepala Biro, waiting at step 1; its id."""
    karo = actor(alur, "kemenpora.karo")
    document = attachments.upload(alur, karo, io.BytesIO(samples.pdf()), "permohonan.pdf", agency="kemenpora")
    return instances.start(alur, karo, KEMENPORA, {"judul": title, "asal_permohonan": "Internal",
                                                   "dokumen_permohonan": [document["id"]]})["id"]


def open_task(alur, instance_id: int):
    with alur.db.transaction() as s:
        return s.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
                         .order_by(HumanTask.id)).first()


def do_open_task(alur, instance_id: int, *, reject: bool = False) -> str:
    """Completes the instance's (first) open task; returns its element id."""
    task = open_task(alur, instance_id)
    with alur.db.transaction() as s:
        username = s.scalar(select(User.username).join(UserRole, UserRole.user_id == User.id)
                            .where(UserRole.role_id == task.role_id).order_by(User.id))
    return _complete(alur, task, username, reject)


def complete_as(alur, instance_id: int, username: str, *, reject: bool = False) -> str:
    """Completes the instance's (first) open task as `username` (who must hold its lane), for a
    test that cares who did it; returns its element id."""
    return _complete(alur, open_task(alur, instance_id), username, reject)


def _complete(alur, task, username: str, reject: bool) -> str:
    """`task` done by `username` with its form's sample answers (files uploaded as they ask)."""
    who = actor(alur, username)
    form = tasks.get_task(alur, who, task.id)["form"]

    def upload(accept, n):
        body, name = samples.for_accept(accept)
        return [attachments.upload(alur, who, body, name)["id"] for _ in range(n)]
    tasks.complete(alur, who, task.id, sample_submission(form, files=upload, today=None, reject=reject))
    return task.element_id


def stopped_by_an_error(alur) -> dict:
    """A DKI instance of a small test SOP stopped in error: its gateway reads `catatan`, which a
    decision sent without it lacks (the completion is rolled back, the instance marked in error).
    Returns what starting it answered (id, open_tasks)."""
    import pytest

    from server.errors import Conflict
    from server.modeling.services import deployment

    from .services.test_deployment import _diagram

    deployment.deploy(alur, _diagram(condition='keputusan == "Terima" and catatan != ""'), "uji.bpmn",
                      agency_slug="dki-ksd")
    admin = actor(alur, "dki.admin")
    started = instances.start(alur, admin, "uji", {})
    with pytest.raises(Conflict):
        tasks.complete(alur, admin, started["open_tasks"][0]["id"], {"keputusan": "Terima"})
    return started
