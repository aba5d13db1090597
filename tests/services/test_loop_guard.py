"""A reject loop taken 300 times goes on correctly: the engine's task tree does not grow."""
from __future__ import annotations

from sqlalchemy import select

from server.files import samples
from server.models import ProcessInstance, User
from server.work.services import attachments, instances, tasks
from server.kernel.actors import load_actor

KEY = "kemenpora_publikasi_media_sosial"
LOOPS = 300


def _actors(alur):
    with alur.db.transaction() as s:
        ids = dict(s.execute(select(User.username, User.id)).all())
        return {name.split(".")[1]: load_actor(s, ids[name]) for name in
                ("kemenpora.karo", "kemenpora.pj", "kemenpora.ketua", "kemenpora.anggota")}


def _only_open(alur, actor, instance_id):
    open_tasks = instances.get(alur, actor, instance_id)["open_tasks"]
    assert len(open_tasks) == 1, open_tasks
    return open_tasks[0]


def _state_size(alur, instance_id) -> int:
    with alur.db.transaction() as s:
        return len(s.scalar(select(ProcessInstance.engine_state).where(ProcessInstance.id == instance_id)))


def test_three_hundred_rejections_then_approval(seeded):
    alur = seeded
    who = _actors(alur)
    doc = attachments.upload(alur, who["karo"], samples.pdf(), "permohonan.pdf")["id"]
    started = instances.start(alur, who["karo"], KEY, {"judul": "Uji 300 putaran", "asal_permohonan": "Internal",
                                                       "dokumen_permohonan": [doc]})
    iid = started["id"]
    for lane, data in (("karo", {}), ("pj", {}), ("ketua", {}), ("anggota", None)):
        task = _only_open(alur, who[lane], iid)
        if data is None:
            photo = attachments.upload(alur, who[lane], samples.png(), "poster.png")["id"]
            data = {"jenis_konten": "Poster", "hasil_produksi": [photo]}
        detail = tasks.get_task(alur, who[lane], task["id"])
        required = detail["form"].get("required", [])
        data = {k: v for k, v in data.items() if k in detail["form"]["properties"]}
        for name in required:
            data.setdefault(name, "Isi")
        tasks.complete(alur, who[lane], task["id"], data)

    submit_form = None
    sizes = []
    for loop in range(LOOPS):
        task = _only_open(alur, who["ketua"], iid)
        assert task["element_id"] == "s05_sampaikan_hasil_produksi"
        if submit_form is None:
            submit_form = tasks.get_task(alur, who["ketua"], task["id"])["form"]
            upload = attachments.upload(alur, who["ketua"], samples.png(), "konten.png")["id"]
        data = _fill(submit_form, upload)
        tasks.complete(alur, who["ketua"], task["id"], data)
        decide = _only_open(alur, who["karo"], iid)
        assert decide["element_id"] == "s06_putuskan_persetujuan"
        tasks.complete(alur, who["karo"], decide["id"], {"keputusan": "Tidak", "alasan": f"Revisi ke-{loop + 1}"})
        if loop in (0, LOOPS - 1):
            sizes.append(_state_size(alur, iid))

    view = instances.get(alur, who["karo"], iid)
    assert view["status"] == "running"
    assert sizes[1] < sizes[0] * 1.5, sizes  # the stored state does not grow with the loops
    task = _only_open(alur, who["ketua"], iid)
    tasks.complete(alur, who["ketua"], task["id"], _fill(submit_form, upload))
    decide = _only_open(alur, who["karo"], iid)
    tasks.complete(alur, who["karo"], decide["id"], {"keputusan": "Ya"})
    for lane in ("ketua", "anggota"):
        task = _only_open(alur, who[lane], iid)
        form = tasks.get_task(alur, who[lane], task["id"])["form"]
        tasks.complete(alur, who[lane], task["id"], _fill(form, upload))
    view = instances.get(alur, who["karo"], iid)
    assert view["status"] == "completed" and view["end_event"] == "selesai_dipublikasikan"
    assert len(view["history"]) == 4 + 2 * (LOOPS + 1) + 2


def _fill(form: dict, upload: str) -> dict:
    from server.formschema.samples import sample_submission

    return sample_submission(form, files=lambda accept, n: [upload] * max(n, 1))
