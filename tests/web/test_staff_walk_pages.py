"""What staff see around a step, without a browser: the request on every task page, the work
sent back with its reason (and who is told), the rule behind a due time."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server import demo
from server.files import samples
from server.formschema.samples import sample_submission
from server.kernel.actors import load_actor
from server.models import HumanTask, Notification, User
from server.work.services import attachments, instances, tasks

from .test_pages import Browser

KEY = "kemenpora_publikasi_media_sosial"


@pytest.fixture
def browser(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: Browser(app, username)


def actor(alur, username):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def open_task(alur, instance_id: int) -> dict:
    (task,) = instances.get(alur, actor(alur, "kemenpora.pengawas"), instance_id)["open_tasks"]
    return task


def complete(alur, username: str, task_id: int, **answers) -> None:
    """Completes a task with the form's required answers (real uploads for its files), plus `answers`."""
    who = actor(alur, username)
    form = tasks.get_task(alur, who, task_id)["form"]
    upload = lambda accept, count: [attachments.upload(alur, who, *samples.for_accept(accept), agency="kemenpora")["id"]  # noqa: E731
                                    for _ in range(count)]
    data = sample_submission(form, files=upload, reject=answers.get("keputusan") == "Tidak")
    tasks.complete(alur, who, task_id, {**data, **answers})


def start_kemenpora(alur, title: str = "Konten Hari Sumpah Pemuda") -> int:
    karo = actor(alur, "kemenpora.karo")
    letter = attachments.upload(alur, karo, samples.pdf("Surat permohonan"), "surat-permohonan.pdf",
                                agency="kemenpora")["id"]
    return instances.start(alur, karo, KEY, {"judul": title, "asal_permohonan": "Eksternal",
                                             "dokumen_permohonan": [letter],
                                             "tanggal_kegiatan": "2026-10-28"})["id"]


LANE_USERS = {"Kepala Biro Humas dan Umum": "kemenpora.karo", "Penanggungjawab Bidang Kehumasan": "kemenpora.pj",
              "Ketua Tim Publikasi": "kemenpora.ketua", "Anggota Tim Publikasi": "kemenpora.anggota"}


def test_every_task_page_of_an_instance_shows_the_request(browser, seeded):
    instance_id = start_kemenpora(seeded)
    pages = {}
    for _ in range(8):
        task = open_task(seeded, instance_id)
        username = LANE_USERS[task["lane"]]
        user = pages.setdefault(username, browser(username))
        html = user.get(f"/tugas/{task['id']}").get_data(as_text=True)
        request = html[html.index('id="request"'):html.index('id="history"')]  # above the history
        assert "Permohonan" in request and "Dokumen permohonan" in request and "Asal permohonan" in request
        assert "Eksternal" in request and "Rabu, 28 Oktober 2026" in request
        link = re.search(r'<a href="(/berkas/[0-9a-f-]{36})">surat-permohonan\.pdf</a>', request)
        assert link, f"no link to the letter on {task['element_id']}"
        opened = user.get(link.group(1))
        assert opened.status_code == 200 and opened.mimetype == "application/pdf"
        complete(seeded, username, task["id"], **({"keputusan": "Ya"} if task["element_id"].startswith("s06") else {}))
    assert instances.get(seeded, actor(seeded, "kemenpora.karo"), instance_id)["status"] == "completed"
    page = pages["kemenpora.karo"].get(f"/instans/{instance_id}").get_data(as_text=True)
    assert page.index('id="request"') < page.index('id="history"') and "surat-permohonan.pdf" in page


def _to_decision(alur) -> tuple[int, dict]:
    instance_id = start_kemenpora(alur)
    for _ in range(5):
        task = open_task(alur, instance_id)
        complete(alur, LANE_USERS[task["lane"]], task["id"],
                 **({"caption": "Caption versi pertama"} if task["element_id"].startswith("s05") else {}))
    decision = open_task(alur, instance_id)
    assert decision["element_id"] == "s06_putuskan_persetujuan"
    return instance_id, decision


def test_a_decision_page_shows_what_is_judged_before_its_buttons(browser, seeded):
    _, decision = _to_decision(seeded)
    html = browser("kemenpora.karo").get(f"/tugas/{decision['id']}").get_data(as_text=True)
    review = html.index('id="under-review"')
    assert review < html.index('class="decision-buttons"')
    judged = html[review:html.index('id="task-form"')]
    assert "Caption versi pertama" in judged and "Hasil produksi konten" in judged
    # the latest pass of each earlier step, the one being judged first
    assert judged.index("Langkah 5") < judged.index("Langkah 4") < judged.index("Langkah 1")
    task = tasks.get_task(seeded, actor(seeded, "kemenpora.karo"), decision["id"])
    assert [h["element_id"][:3] for h in task["review"]] == ["s05", "s04", "s03", "s02", "s01"]


def _notices(alur, kind="rejected"):
    with alur.db.transaction() as s:
        return s.execute(select(User.username, Notification.task_id, Notification.message_id,
                                Notification.message_en, Notification.created_at)
                         .join(User, User.id == Notification.user_id)
                         .where(Notification.kind == kind).order_by(Notification.id)).all()


def _second_ketua(alur) -> None:
    from server.kernel import accounts
    from server.models import Agency

    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, alur.clock.now(), "kemenpora.ketua2", "Ketua Kedua", password_hash="x")
        accounts.add_member(s, user.id, agency_id, ["Ketua Tim Publikasi"])


def test_a_rejection_tells_the_one_whose_work_came_back_in_the_same_step(browser, seeded):
    _second_ketua(seeded)
    instance_id, decision = _to_decision(seeded)
    reason = "Logo Kemenpora terpotong di pojok kanan."
    complete(seeded, "kemenpora.karo", decision["id"], keputusan="Tidak", alasan=reason)
    back = open_task(seeded, instance_id)
    assert back["element_id"] == "s05_sampaikan_hasil_produksi"
    with seeded.db.transaction() as s:
        rejected_at = s.scalar(select(HumanTask.completed_at).where(HumanTask.id == decision["id"]))
    ((username, task_id, message_id, message_en, created_at),) = _notices(seeded)
    assert (username, task_id) == ("kemenpora.ketua", back["id"])  # who sent step 5, not the whole lane
    assert created_at == rejected_at  # written by the step that rejected
    assert reason in message_id and message_id.startswith("Dikembalikan: langkah 5")
    assert reason in message_en and message_en.startswith("Sent back: step 5")

    ketua = browser("kemenpora.ketua")
    assert 'class="badge">1<' in ketua.get("/").get_data(as_text=True)
    notices = ketua.get("/pemberitahuan").get_data(as_text=True)
    assert f'href="/tugas/{back["id"]}"' in notices and reason in notices

    page = ketua.get(f"/tugas/{back['id']}").get_data(as_text=True)
    top = page.index('id="rejection"')
    assert top < page.index('id="sop-step"')  # at the top, before the step and the form
    banner = page[top:page.index('id="sop-step"')]
    assert reason in banner and "Kepala Biro Humas dan Umum (kemenpora)" in banner
    assert "ditolak di langkah 6" in banner and "Senin, 23 November 2026 09.30 WIB" in banner
    assert "Caption versi pertama" in page  # and the revision starts from what was sent


def test_with_the_one_who_did_it_gone_the_lane_is_told_and_an_approval_tells_nobody(seeded):
    _second_ketua(seeded)
    instance_id, decision = _to_decision(seeded)
    with seeded.db.transaction() as s:
        s.scalars(select(User).where(User.username == "kemenpora.ketua")).one().active = False
    complete(seeded, "kemenpora.karo", decision["id"], keputusan="Tidak", alasan="Ganti foto.")
    assert [n.username for n in _notices(seeded)] == ["kemenpora.ketua2"]

    again = open_task(seeded, instance_id)
    complete(seeded, "kemenpora.ketua2", again["id"])
    complete(seeded, "kemenpora.karo", open_task(seeded, instance_id)["id"], keputusan="Ya")
    assert len(_notices(seeded)) == 1


def test_a_due_time_counted_from_the_event_shows_that_date(browser, seeded):
    report = demo.drive(seeded, "nomporejo_konten_media_sosial", steps=3)  # to s04, H+1 from tanggal_kegiatan
    instance_id = int(re.search(r"#(\d+)", report).group(1))
    (task,) = instances.get(seeded, actor(seeded, "nomporejo.pengawas"), instance_id)["open_tasks"]
    assert task["element_id"] == "s04_unggah_konten"
    page = browser("nomporejo.admin_medsos").get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert "Waktu: H+1 setelah kegiatan berlangsung (dihitung dari Tanggal kegiatan, Senin, 23 November 2026)" in page
    assert re.search(r'Selasa, 24 November 2026 16\.00 WIB\s*<strong class="due-in">\(1 hari kerja lagi\)', page)
    seeded.clock.advance(days=3)  # Thursday: Tuesday's close has passed, and Wednesday's
    page = browser("nomporejo.admin_medsos").get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert '<strong class="overdue-mark">(terlambat 2 hari kerja)</strong>' in page
    english = browser("nomporejo.admin_medsos")
    english.client.post("/bahasa", data={"lang": "en", "csrf_token": Browser.token(english.get("/"))})
    page = english.get(f"/tugas/{task['id']}").get_data(as_text=True)
    assert "Waktu: H+1 setelah kegiatan berlangsung (counted from Tanggal kegiatan, Monday, 23 November 2026)" in page
    assert '<strong class="overdue-mark">(2 working days late)</strong>' in page
    assert "My requests" in english.get("/permohonan").get_data(as_text=True)
