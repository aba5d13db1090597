"""The rules a person meets in the browser: whose task is whose, CSRF, inline form errors that keep
what was typed, and the interface language."""
from __future__ import annotations

import re

from sqlalchemy import select

from server.models import Agency, HumanTask, ProcessInstance
from server.kernel import accounts
from server import demo

from ..conftest import DEMO_PASSWORD
from .conftest import csrf_token, expect, fill_form, login, send_button, shot, visit

DKI = "dki_ksd_pengelolaan_media_sosial"
NOMPOREJO = "nomporejo_konten_media_sosial"


def _started(alur, key: str) -> tuple[int, int]:
    """Starts `key` through the services (the browser part is what follows): (instance, first task)."""
    demo.drive(alur, key, 0, title="Uji aturan")
    with alur.db.transaction() as s:
        instance_id = s.scalar(select(ProcessInstance.id))
        task_id = s.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.state == "ready"))
    return instance_id, task_id


def _task(alur, task_id: int) -> tuple[str, dict | None]:
    with alur.db.transaction() as s:
        task = s.get(HumanTask, task_id)
        return task.state, task.data


def _inbox_rows(page, task_id: int):
    """The rows of task `task_id` in both inbox tabs (after checking the inbox is there)."""
    found = 0
    for tab in ("saya", "tim"):
        visit(page, f"/?tab={tab}")
        expect(page.locator("h1")).to_have_text("Kotak tugas")
        found += page.locator(f'article.task-row[data-task-id="{task_id}"]').count()
    return found


def _open_task(page, task_id: int) -> None:
    """Opens the task from the inbox, as a person would."""
    for tab in ("saya", "tim"):
        visit(page, f"/?tab={tab}")
        row = page.locator(f'article.task-row[data-task-id="{task_id}"]')
        if row.count():
            row.locator("a.task-link").click()
            expect(page).to_have_url(re.compile(rf"/tugas/{task_id}$"))
            return
    raise AssertionError(f"task {task_id} is in neither inbox tab")


def test_another_lane_and_another_agency_neither_see_nor_open_the_task(new_page, live_server, seeded):
    instance_id, task_id = _started(seeded, DKI)  # s01, lane Admin Medsos

    owner = new_page()
    login(owner, live_server, "dki.admin")
    assert _inbox_rows(owner, task_id) == 1  # the rightful lane does see it

    # Another lane of the agency that has no part in this instance does not read it either
    # (the instance read rule: kernel/access.py); its Pengawas does.
    for username, instance_visible in (("dki.tim", False), ("kemenpora.karo", False)):
        other = new_page()
        login(other, live_server, username)
        assert _inbox_rows(other, task_id) == 0, f"{username} sees task {task_id} in the inbox"

        visit(other, f"/tugas/{task_id}", status=403)
        expect(other.locator("h1")).to_have_text("Akses ditolak")
        shot(other, f"forbidden-{username}")
        expect(other.locator("form#task-form")).to_have_count(0)

        # Nor can they complete it with a well-formed POST (a valid CSRF token of their own).
        forged = other.request.post(f"/tugas/{task_id}", multipart={
            "csrf_token": csrf_token(other), "action": "submit", "narasi": "bukan tugas saya",
            "caption": "bukan tugas saya", "tautan_foto_video": "https://example.org/x"}, max_redirects=0)
        assert forged.status == 403, f"{username} POST answered {forged.status}"

        visit(other, f"/instans/{instance_id}", status=200 if instance_visible else 403)
        if not instance_visible:
            expect(other.locator("h1")).to_have_text("Akses ditolak")

    supervisor = new_page()
    login(supervisor, live_server, "dki.pengawas")
    visit(supervisor, f"/instans/{instance_id}", status=200)
    assert _inbox_rows(supervisor, task_id) == 0  # a supervisor reads; the lane does the work
    assert _task(seeded, task_id)[0] == "ready"


def test_task_post_without_csrf_token_is_refused(page, live_server, seeded):
    _, task_id = _started(seeded, DKI)
    login(page, live_server, "dki.admin")
    visit(page, f"/tugas/{task_id}")
    refused = page.request.post(f"/tugas/{task_id}", multipart={
        "action": "submit", "narasi": "Narasi", "caption": "Caption",
        "tautan_foto_video": "https://example.org/foto"}, max_redirects=0)
    assert refused.status == 400
    assert _task(seeded, task_id)[0] == "ready"

    refused = page.request.post("/bahasa", form={"lang": "en"}, max_redirects=0)
    assert refused.status == 400


def _no_client_limits(form) -> None:
    """Drops maxlength/required and the browser's own validation, so that the server's checks
    (the ones that matter: any client can skip the browser's) are what the test sees."""
    form.evaluate("""f => { f.noValidate = true;
        f.querySelectorAll('[maxlength]').forEach(e => e.removeAttribute('maxlength'));
        f.querySelectorAll('[required]').forEach(e => e.removeAttribute('required')); }""")


def test_dki_caption_over_200_characters_is_an_inline_error_that_keeps_everything(page, live_server, seeded,
                                                                                   sample_files):
    _, task_id = _started(seeded, DKI)
    login(page, live_server, "dki.admin")
    _open_task(page, task_id)
    form = page.locator("form#task-form")
    _no_client_limits(form)

    too_long = ("Jakarta dan Seoul memperbarui kerja sama kota kembar di bidang transportasi, budaya, "
                "pariwisata dan pendidikan; penandatanganan berlangsung di Balai Kota Jakarta pada hari ini. ")
    too_long = (too_long * 2)[:201]
    assert len(too_long) == 201
    narasi = "Pemprov DKI Jakarta dan Seoul memperbarui kerja sama kota kembar."
    link = "https://drive.google.com/drive/folders/ksd-jakarta-seoul"
    fill_form(form, {"dokumentasi": "$images:4", "narasi": narasi, "caption": too_long,
                     "tautan_foto_video": [link]}, sample_files)
    send_button(form).click()

    error = page.locator("#fieldwrap-caption p.field-error#error-caption")
    expect(error).to_be_visible()
    expect(error).to_contain_text("200")
    expect(page).to_have_url(re.compile(rf"/tugas/{task_id}$"))
    for other in ("narasi", "dokumentasi", "tautan_foto_video"):
        expect(page.locator(f"#error-{other}")).to_have_count(0)
    # Everything typed is still there: the caption, the narrative, the link, the four photos.
    expect(page.locator("#field-caption")).to_have_value(too_long)
    expect(page.locator("#field-narasi")).to_have_value(narasi)
    expect(page.locator("#field-tautan_foto_video")).to_have_value(re.compile(re.escape(link)))
    expect(page.locator("#fieldwrap-dokumentasi input[type=hidden][name=dokumentasi]")).to_have_count(4)
    shot(page, "task-inline-error-caption")
    assert _task(seeded, task_id)[0] == "ready"

    # Shortened, the same form goes through with the photos it kept.
    page.locator("#field-caption").fill(too_long[:200])
    send_button(page.locator("form#task-form")).click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".flash").first).to_be_visible()
    state, data = _task(seeded, task_id)
    assert state == "completed"
    assert len(data["dokumentasi"]) == 4 and data["caption"] == too_long[:200]


def test_nomporejo_too_few_photos_is_an_inline_error_that_keeps_the_uploads(page, live_server, seeded,
                                                                            sample_files):
    _, task_id = _started(seeded, NOMPOREJO)  # s01: at least four photos
    login(page, live_server, "nomporejo.ptk")
    _open_task(page, task_id)
    form = page.locator("form#task-form")
    _no_client_limits(form)

    narasi = "Kegiatan posyandu balita diikuti 35 balita dan 12 kader."
    fill_form(form, {"foto": "$images:3", "narasi": narasi}, sample_files)
    send_button(form).click()

    error = page.locator("#fieldwrap-foto p.field-error#error-foto")
    expect(error).to_be_visible()
    expect(page.locator("#error-narasi")).to_have_count(0)
    expect(page.locator("#field-narasi")).to_have_value(narasi)
    expect(page.locator("#fieldwrap-foto input[type=hidden][name=foto]")).to_have_count(3)
    shot(page, "task-inline-error-foto")
    assert _task(seeded, task_id)[0] == "ready"

    # One more photo on top of the three kept ones is enough.
    fill_form(page.locator("form#task-form"), {"foto": "$images:1"}, sample_files)
    send_button(page.locator("form#task-form")).click()
    expect(page).to_have_url(f"{live_server}/")
    state, data = _task(seeded, task_id)
    assert state == "completed" and len(data["foto"]) == 4


def test_switching_to_english_changes_the_interface(page, live_server):
    login(page, live_server, "dki.admin")
    visit(page, "/")
    expect(page.locator("h1")).to_have_text("Kotak tugas")
    shot(page, "inbox")

    page.locator("form#lang-form button[name=lang][value=en]").click()
    expect(page.locator("h1")).to_have_text("Task inbox")
    expect(page.locator("form#lang-form button[name=lang][value=id]")).to_have_text("Bahasa Indonesia")
    visit(page, "/")  # the choice stays
    expect(page.locator("h1")).to_have_text("Task inbox")
    shot(page, "inbox-en")

    page.locator("form#lang-form button[name=lang][value=id]").click()
    expect(page.locator("h1")).to_have_text("Kotak tugas")
    expect(page.locator("form#lang-form button[name=lang][value=en]")).to_have_text("English")


def test_inbox_tabs_filter_search_and_claim(new_page, live_server, seeded):
    """Two SOPs waiting for the same lane: the tabs count them, the filter and the search narrow
    the list, "Ambil" moves one to "Tugas saya", and a colleague of the lane sees who has it."""
    demo.drive(seeded, NOMPOREJO, 0, title="Posyandu balita Bayeman")
    demo.drive(seeded, "nomporejo_konten_website", 0, title="Kerja bakti Padukuhan Kalibondol")
    with seeded.db.transaction() as s:  # a second member of the lane
        user = accounts.create_user(s, seeded.clock.now(), "nomporejo.ptk2", "PTK Kedua",
                                    password=DEMO_PASSWORD)
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == "nomporejo"))
        accounts.add_member(s, user.id, agency_id, ["Pelaksana Teknis Kegiatan"])

    page = new_page()
    login(page, live_server, "nomporejo.ptk")
    visit(page, "/?tab=tim")
    expect(page.locator("a#tab-tim")).to_have_text("Tugas tim (2)")
    expect(page.locator("a#tab-saya")).to_have_text("Tugas saya (0)")
    rows = page.locator("article.task-row")
    expect(rows).to_have_count(2)

    filters = page.locator("form#inbox-filter")
    filters.locator("select#filter-process").select_option("nomporejo_konten_website")
    filters.get_by_role("button", name="Terapkan").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Kerja bakti Padukuhan Kalibondol")

    filters.locator("select#filter-process").select_option("")
    filters.locator("input#search").fill("posyandu")
    filters.get_by_role("button", name="Terapkan").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Posyandu balita Bayeman")
    shot(page, "inbox-team-search")

    rows.locator("button[name=action][value=claim]").click()
    expect(page.locator(".flash").first).to_be_visible()
    visit(page, "/?tab=saya")
    expect(page.locator("a#tab-saya")).to_have_text("Tugas saya (1)")
    expect(page.locator("article.task-row")).to_contain_text("Posyandu balita Bayeman")

    colleague = new_page()
    login(colleague, live_server, "nomporejo.ptk2")
    visit(colleague, "/?tab=tim")
    claimed = colleague.locator("article.task-row").filter(has_text="Posyandu balita Bayeman")
    expect(claimed.locator(".claimed-by")).to_contain_text("Pelaksana Teknis Kegiatan (nomporejo)")
    expect(claimed.locator("button[name=action][value=claim]")).to_have_count(0)
    free = colleague.locator("article.task-row").filter(has_text="Kerja bakti Padukuhan Kalibondol")
    expect(free.get_by_role("button", name="Ambil")).to_be_visible()


def test_form_enhancements_run_under_the_content_security_policy(page, live_server, seeded, sample_files):
    _, task_id = _started(seeded, DKI)
    complaints = []
    page.on("console", lambda msg: complaints.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: complaints.append(str(exc)))
    login(page, live_server, "dki.admin")
    _open_task(page, task_id)
    assert "frame-ancestors 'none'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))")

    page.locator("#field-caption").fill("Halo Seoul")
    expect(page.locator('.char-count[data-for="field-caption"]')).to_have_text("10/200")
    page.locator("#field-dokumentasi").set_input_files([str(sample_files.make("images"))])
    preview = page.locator('.upload-preview[data-for="field-dokumentasi"] img')
    expect(preview).to_have_count(1)
    assert preview.get_attribute("src").startswith("blob:")
    page.wait_for_function(
        "() => document.querySelector('.upload-preview[data-for=\"field-dokumentasi\"] img').naturalWidth > 0")
    assert not [c for c in complaints if "Content Security Policy" in c or "Refused" in c], complaints
