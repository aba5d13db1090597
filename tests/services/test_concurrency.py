"""Two users completing the same task at the same moment: exactly one wins, nothing breaks."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from server.errors import Conflict
from server.formschema.samples import sample_submission
from server.models import Agency, AuditEvent, HumanTask
from server.files import samples
from server.kernel import accounts
from server.work.services import attachments, instances, tasks
from server.kernel.actors import load_actor

KEY = "bsip_informasi_media_sosial"
ROUNDS = 10


def _two_staff(alur):
    with alur.db.transaction() as s:
        bsip = s.scalar(select(Agency.id).where(Agency.slug == "bsip"))
        ids = []
        for name in ("bsip.staf.a", "bsip.staf.b"):
            user = accounts.create_user(s, alur.clock.now(), name, name, password_hash="x")
            accounts.add_member(s, user.id, bsip, ["Pelaksana/Staf"])
            ids.append(user.id)
        return [load_actor(s, i) for i in ids]


def test_only_one_of_two_simultaneous_completions_succeeds(seeded):
    alur = seeded
    a, b = _two_staff(alur)
    for round_no in range(ROUNDS):
        started = instances.start(alur, a, KEY, {"judul": f"Serentak {round_no}"})
        task_id = started["open_tasks"][0]["id"]
        form = tasks.get_task(alur, a, task_id)["form"]
        files = {actor.id: attachments.upload(alur, actor, samples.pdf(), "materi.pdf")["id"] for actor in (a, b)}
        barrier = threading.Barrier(2)
        outcomes = {}

        def attempt(actor, label):
            barrier.wait()
            try:
                data = {**sample_submission(form, files=lambda accept, n: [files[actor.id]] * n), "catatan": label}
                tasks.complete(alur, actor, task_id, data)
                outcomes[label] = "done"
            except Conflict as exc:
                outcomes[label] = exc.message_id
            except Exception as exc:  # recorded, so the assertion below shows it
                outcomes[label] = repr(exc)

        threads = [threading.Thread(target=attempt, args=(a, "a")), threading.Thread(target=attempt, args=(b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes.values()) == ["Tugas ini sudah diselesaikan.", "done"], outcomes
        winner = next(k for k, v in outcomes.items() if v == "done")

        view = instances.get(alur, a, started["id"])
        assert [h["data"]["catatan"] for h in view["history"]] == [winner]
        assert [t["element_id"] for t in view["open_tasks"]] == ["s02_olah_konten_dan_caption"]
        with alur.db.transaction() as s:
            done = s.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.task_id == task_id, AuditEvent.action == "task.completed"))
            open_rows = s.scalar(select(func.count()).select_from(HumanTask)
                                 .where(HumanTask.instance_id == started["id"], HumanTask.state == "ready"))
        assert done == 1 and open_rows == 1
