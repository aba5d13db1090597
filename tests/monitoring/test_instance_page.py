"""The supervisors' instance page without a browser (/pantau/instances/<id>): it renders for the
Pengawas with the action forms and for the Auditor without; each action goes through the page
with its CSRF token and comes back with a message; a refusal is a message and changes nothing;
an Auditor's or a staff member's post is a 403 and changes nothing."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from server.kernel import accounts
from server.models import Agency, HumanTask, ProcessInstance

from ..walking import do_open_task, open_task, start_kemenpora
from ..web.test_pages import Browser
from .test_steering import LANE, _snapshot

S05 = "s05_sampaikan_hasil_produksi"


class Client(Browser):
    """Signed in through the login form; each post carries the CSRF token of the page it is on."""

    def post(self, page_path, action, data, token_from=None):
        page = self.client.get(token_from or page_path)
        return self.client.post(action, data=dict(data, csrf_token=self.token(page)))

    def flashes(self, path) -> str:
        text = self.client.get(path).get_data(as_text=True)
        return " ".join(html.unescape(m) for m in re.findall(r'<p class="flash[^"]*" role="status">([^<]*)</p>', text))


@pytest.fixture
def signed_in(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: Client(app, username)


def _page(instance_id):
    return f"/pantau/instances/{instance_id}"


def _status(alur, instance_id):
    with alur.db.transaction() as s:
        return s.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance_id))


def _config(text: str) -> dict:
    found = re.search(r'<script type="application/json" id="case-diagram-config">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def test_the_page_for_the_pengawas_shows_the_diagram_timeline_data_and_actions(seeded, signed_in):
    instance_id = start_kemenpora(seeded, "Publikasi Hari Pahlawan")
    for _ in range(5):
        do_open_task(seeded, instance_id)
    do_open_task(seeded, instance_id, reject=True)  # back to step 5
    seeded.clock.advance(days=3)  # step 5 (30 menit) is overdue
    r = signed_in("kemenpora.pengawas").get(_page(instance_id))
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Publikasi Hari Pahlawan" in text and 'id="case-status"' in text and "Berjalan" in text
    assert 'data-alur-mount="marked-diagram"' in text and "alur-modeler.js" in text
    config = _config(text)
    assert config["marks"][S05]["badge"] == "2x" and set(config["marks"][S05]["classes"]) >= {
        "visited", "active", "overdue"}
    assert config["flows"]["f_g06_s05"] == 1 and config["labels"][S05]["tone"] == "overdue"
    assert "Tenggat" in config["labels"][S05]["text"] and "WIB" in config["labels"][S05]["text"]
    assert config["focus"] == [S05] and "<bpmn:definitions" in config["xml"]
    for form in ("suspend-form", "cancel-form", "assign-form-"):
        assert f'id="{form}' in text, form
    assert 'id="resume-form"' not in text and 'id="retry-form"' not in text
    assert 'id="case-overdue"' in text and "melewati tenggat" in text
    # the timeline: steps with their Waktu and how they did against it, in working time
    assert text.count('class="timeline-step') == 7
    assert "terlambat" in text and "tepat waktu" in text and "30 menit" in text
    assert "permohonan.pdf" in text and "/berkas/" in text  # the data, with its file
    for legend in ("aktif", "sudah dilalui", "berulang", "melewati tenggat"):
        assert legend in text.lower(), legend


def test_the_auditor_and_the_lane_read_without_actions(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    for username in ("kemenpora.auditor", "kemenpora.karo"):
        r = signed_in(username).get(_page(instance_id))
        assert r.status_code == 200, username
        text = r.get_data(as_text=True)
        assert 'data-alur-mount="marked-diagram"' in text and 'id="timeline"' in text
        assert 'id="actions"' not in text and "/suspend" not in text and 'name="reason"' not in text
    for username in ("kemenpora.anggota", "bsip.pengawas", "kemenpora.admin_instansi"):
        assert signed_in(username).get(_page(instance_id)).status_code == 403, username
    assert signed_in("kemenpora.pengawas").get(_page(instance_id + 1000)).status_code == 404


def test_suspend_resume_and_cancel_through_the_page(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    pengawas, page = signed_in("kemenpora.pengawas"), _page(instance_id)
    r = pengawas.post(page, f"{page}/suspend", {"reason": "Menunggu surat Biro Hukum"})
    assert r.status_code == 302 and r.headers["Location"].endswith(page)
    assert "ditangguhkan" in pengawas.flashes(page) and _status(seeded, instance_id) == "suspended"
    text = pengawas.get(page).get_data(as_text=True)
    assert 'id="resume-form"' in text and 'id="suspend-form"' not in text
    assert "Instans ditangguhkan" in text and "Menunggu surat Biro Hukum" in text  # in the timeline
    inbox = signed_in("kemenpora.karo").get("/?tab=tim").get_data(as_text=True)  # step 1's lane
    assert 'data-held="1"' in inbox and "Ditangguhkan oleh Pengawas" in inbox

    assert pengawas.post(page, f"{page}/resume", {"reason": "Surat sudah ada"}).status_code == 302
    assert "dilanjutkan" in pengawas.flashes(page) and _status(seeded, instance_id) == "running"
    assert 'data-held="1"' not in signed_in("kemenpora.karo").get("/?tab=tim").get_data(as_text=True)

    # cancel asks for the confirmation: without it, nothing happens
    before = _snapshot(seeded, instance_id)
    assert pengawas.post(page, f"{page}/cancel", {"reason": "Permohonan ditarik"}).status_code == 302
    assert "Centang konfirmasi" in pengawas.flashes(page)
    assert _snapshot(seeded, instance_id) == before
    r = pengawas.post(page, f"{page}/cancel", {"reason": "Permohonan ditarik", "confirm": "1"})
    assert r.status_code == 302 and "dibatalkan" in pengawas.flashes(page)
    assert _status(seeded, instance_id) == "cancelled"
    text = pengawas.get(page).get_data(as_text=True)
    assert 'id="actions"' not in text and "Dibatalkan" in text


def test_a_refused_action_is_a_message_and_changes_nothing(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    pengawas, page = signed_in("kemenpora.pengawas"), _page(instance_id)
    before = _snapshot(seeded, instance_id)
    assert pengawas.post(page, f"{page}/suspend", {"reason": "  "}).status_code == 302
    assert "Alasan wajib diisi." in pengawas.flashes(page)
    assert pengawas.post(page, f"{page}/resume", {"reason": "Tidak ditangguhkan"}).status_code == 302
    assert "tidak sedang ditangguhkan" in pengawas.flashes(page)
    assert pengawas.post(page, f"{page}/retry", {"reason": "Coba"}).status_code == 302
    assert "galat" in pengawas.flashes(page)
    task = open_task(seeded, instance_id)
    r = pengawas.post(page, f"{page}/tasks/{task.id}/assign", {"username": "kemenpora.anggota", "reason": "Cuti"})
    assert r.status_code == 302 and "tidak memegang jabatan" in pengawas.flashes(page)
    assert _snapshot(seeded, instance_id) == before


def test_assign_to_a_lane_holder_and_back_to_the_lane(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    do_open_task(seeded, instance_id)  # step 2: the Penanggungjawab's lane
    with seeded.db.transaction() as s:
        kemenpora = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, seeded.clock.now(), "kemenpora.pj2", "PJ Kedua", password_hash="x")
        accounts.add_member(s, user.id, kemenpora, [LANE])
    task = open_task(seeded, instance_id)
    pengawas, page = signed_in("kemenpora.pengawas"), _page(instance_id)
    text = pengawas.get(page).get_data(as_text=True)
    assert 'value="kemenpora.pj2"' in text and 'value="kemenpora.pj"' in text  # the lane's holders
    assert 'value="kemenpora.anggota"' not in text

    r = pengawas.post(page, f"{page}/tasks/{task.id}/assign", {"username": "kemenpora.pj2", "reason": "PJ cuti"})
    assert r.status_code == 302 and "kemenpora.pj2" in pengawas.flashes(page)
    with seeded.db.transaction() as s:
        assert s.scalar(select(HumanTask.assignee_id).where(HumanTask.id == task.id)) == user.id
    assert "PJ Kedua" in pengawas.get(page).get_data(as_text=True)
    r = pengawas.post(page, f"{page}/tasks/{task.id}/assign", {"username": "", "reason": "Siapa saja"})
    assert r.status_code == 302 and "jabatannya" in pengawas.flashes(page)
    with seeded.db.transaction() as s:
        assert s.scalar(select(HumanTask.assignee_id).where(HumanTask.id == task.id)) is None


def test_move_back_to_a_step_through_the_page(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    for _ in range(3):
        do_open_task(seeded, instance_id)  # steps 1-3 done: waiting at step 4
    pengawas, page = signed_in("kemenpora.pengawas"), _page(instance_id)
    text = pengawas.get(page).get_data(as_text=True)
    assert 'id="move-form"' in text and 'value="s03_bahas_konsep_konten"' in text
    r = pengawas.post(page, f"{page}/move", {"to_element": "s03_bahas_konsep_konten", "reason": "Ulangi langkah 3"})
    assert r.status_code == 302
    assert "Instans dipindahkan ke: Melakukan pembahasan konsep konten." in pengawas.flashes(page)
    assert open_task(seeded, instance_id).element_id == "s03_bahas_konsep_konten"
    text = pengawas.get(page).get_data(as_text=True)
    assert "Instans dipindahkan · Melakukan pembahasan konsep konten" in text and "Ulangi langkah 3" in text
    before = _snapshot(seeded, instance_id)  # a target that is not a step: refused, nothing changes
    assert pengawas.post(page, f"{page}/move", {"to_element": "g06_disetujui", "reason": "Coba"}).status_code == 302
    assert pengawas.flashes(page)
    assert _snapshot(seeded, instance_id) == before


def test_retry_through_the_page(seeded, signed_in):
    from server.modeling.services import deployment
    from ..services.test_deployment import _diagram
    from ..walking import stopped_by_an_error

    started = stopped_by_an_error(seeded)
    pengawas, page = signed_in("dki.pengawas"), _page(started["id"])
    text = pengawas.get(page).get_data(as_text=True)
    assert 'id="case-error"' in text and "catatan" in text and "Perbaiki penyebabnya" in text
    assert 'id="retry-form"' in text and 'id="suspend-form"' not in text
    deployment.deploy(seeded, _diagram(), "uji.bpmn", agency_slug="dki-ksd")
    assert pengawas.post(page, f"{page}/retry", {"reason": "Data dilengkapi"}).status_code == 302
    assert "berjalan lagi" in pengawas.flashes(page) and _status(seeded, started["id"]) == "running"


@pytest.mark.parametrize("username", ["kemenpora.auditor", "kemenpora.pj", "kemenpora.karo"])
def test_a_post_by_the_auditor_or_staff_is_403_and_changes_nothing(seeded, signed_in, username):
    instance_id = start_kemenpora(seeded)
    do_open_task(seeded, instance_id)
    task = open_task(seeded, instance_id)
    reader, page = signed_in(username), _page(instance_id)
    before = _snapshot(seeded, instance_id)
    for action, data in (("suspend", {"reason": "x"}), ("resume", {"reason": "x"}),
                         ("cancel", {"reason": "x", "confirm": "1"}), ("retry", {"reason": "x"}),
                         ("move", {"reason": "x", "to_element": S05}),
                         (f"tasks/{task.id}/assign", {"username": "kemenpora.pj", "reason": "x"}),
                         ("suspend", {})):
        r = reader.post(page, f"{page}/{action}", data, token_from="/akun")
        assert r.status_code == 403, (action, r.status_code)
    assert _snapshot(seeded, instance_id) == before


def test_a_post_without_its_csrf_token_changes_nothing(seeded, signed_in):
    instance_id = start_kemenpora(seeded)
    pengawas, page = signed_in("kemenpora.pengawas"), _page(instance_id)
    before = _snapshot(seeded, instance_id)
    r = pengawas.client.post(f"{page}/suspend", data={"reason": "Tanpa token"})
    assert r.status_code == 400
    assert _snapshot(seeded, instance_id) == before
