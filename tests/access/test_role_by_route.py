"""Every API route and every page, asked by each kind of user: the answers the access policy
(server/kernel/access.py) promises. A route without an entry in ROUTES fails the test, so no new
route escapes this table.

The scene: a Kemenpora instance started by its Kepala Biro (who did step 1, with a request
document attached), now waiting at step 2 in the lane of the Penanggungjawab.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from server.files import samples
from server.formschema.samples import sample_submission
from server.kernel.actors import load_actor
from server.models import HumanTask, User
from server.work.services import attachments, instances, tasks

from ..conftest import DEMO_PASSWORD

KEY = "kemenpora_publikasi_media_sosial"
KEMENPORA_BPMN = (Path(__file__).resolve().parents[2] / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn")

# The kinds of users; None signs in nobody.
PERSONAS = {
    "lane": "kemenpora.pj",            # holds the lane of the open task
    "other_lane": "kemenpora.anggota",  # staff of the agency with no part in this instance yet
    "starter": "kemenpora.karo",        # started the instance and did step 1
    "pemilik": "kemenpora.pemilik",
    "pengawas": "kemenpora.pengawas",
    "auditor": "kemenpora.auditor",
    "admin": "kemenpora.admin_instansi",
    "other_agency": "bsip.pengawas",    # an agency role, but of another agency
    "anon": None,
}
SIGNED_IN = [p for p in PERSONAS if p != "anon"]
ADMINS_USER = "kemenpora.ketua"  # the user the admin pages are asked about: no persona, no part in the scene


@dataclass
class Route:
    method: str
    path: str                      # with {instance}, {task}, {file} from the scene
    ok: dict                       # persona -> expected status; personas not named get `other`
    other: int = 403
    body: dict = field(default_factory=dict)   # JSON for the API, form fields for pages
    files: bool = False            # send `body` as multipart with a file
    xml: bool = False              # send the Kemenpora diagram as the body (application/xml)
    etag: bool = False             # send If-Match: the ETag a GET of the same path answers
    unchanged: bool = False        # a page that answers with a redirect: also check nothing changed

    def expected(self, persona: str, api: bool) -> int:
        if persona == "anon" and "anon" not in self.ok:
            return 401 if api else 302
        return self.ok.get(persona, self.other)


def everyone(status: int = 200, anon: int | None = None) -> dict:
    out = {p: status for p in SIGNED_IN}
    if anon is not None:
        out["anon"] = anon
    return out


# Readers of the instance (and of its files): its Pengawas and Auditor, its starter, the lane
# of its open task; of the open task: the Pengawas, the Auditor and the lane.
INSTANCE_READERS = {"lane": 200, "starter": 200, "pengawas": 200, "auditor": 200}
TASK_READERS = {"lane": 200, "pengawas": 200, "auditor": 200}
# Every member of the agency (the SOP AP sheet of a version): all but the other agency's user.
MEMBERS = {p: 200 for p in SIGNED_IN if p != "other_agency"}

API = {
    "api.token": Route("POST", "/api/v1/auth/token", everyone(401, anon=401), body={"username": "x", "password": "y"}),
    "api.openapi": Route("GET", "/api/v1/openapi.json", everyone(200, anon=200)),
    "api.me": Route("GET", "/api/v1/me", everyone()),
    "api.list_notifications": Route("GET", "/api/v1/notifications", everyone()),
    "api.list_processes": Route("GET", "/api/v1/processes", everyone()),
    # the start lane passes the policy and then meets the form's validation (nothing is started)
    "api.start_instance": Route("POST", f"/api/v1/processes/{KEY}/instances", {"starter": 422}, body={"data": {}}),
    "api.get_instance": Route("GET", "/api/v1/instances/{instance}", INSTANCE_READERS),
    "api.list_instances": Route("GET", "/api/v1/instances", everyone()),  # each sees what they may read
    "api.list_tasks": Route("GET", "/api/v1/tasks", everyone()),
    "api.get_task": Route("GET", "/api/v1/tasks/{task}", TASK_READERS),
    "api.claim_task": Route("POST", "/api/v1/tasks/{task}/claim", {"lane": 200}),
    "api.release_task": Route("POST", "/api/v1/tasks/{task}/release", {"lane": 200}),
    "api.complete_task": Route("POST", "/api/v1/tasks/{task}/complete", {"lane": 422}, body={"data": {}}),
    # a supervisor's actions: the agency's Pengawas only (in this order: suspend, resume, assign to
    # the lane's holder, retry (409: the instance is not in error), cancel last)
    "api.suspend_instance": Route("POST", "/api/v1/instances/{instance}/suspend", {"pengawas": 200},
                                  body={"reason": "Uji akses"}),
    "api.resume_instance": Route("POST", "/api/v1/instances/{instance}/resume", {"pengawas": 200},
                                 body={"reason": "Uji akses"}),
    "api.assign_task": Route("POST", "/api/v1/tasks/{task}/assign", {"pengawas": 200},
                             body={"username": "kemenpora.pj", "reason": "Uji akses"}),
    "api.retry_instance": Route("POST", "/api/v1/instances/{instance}/retry", {"pengawas": 409},
                                body={"reason": "Uji akses"}),
    # forward past step 2 to step 3 (the scene's task is cancelled, a step-3 task opens)
    "api.move_instance": Route("POST", "/api/v1/instances/{instance}/move", {"pengawas": 200},
                               body={"to_element": "s03_bahas_konsep_konten", "reason": "Uji akses"}),
    "api.cancel_instance": Route("POST", "/api/v1/instances/{instance}/cancel", {"pengawas": 200},
                                 body={"reason": "Uji akses"}),
    "api.upload_attachment": Route("POST", "/api/v1/attachments", {p: 201 for p in SIGNED_IN if p != "other_agency"},
                                   body={"agency": "kemenpora"}, files=True),
    "api.download_attachment": Route("GET", "/api/v1/attachments/{file}", INSTANCE_READERS),
    "api.lint_diagram": Route("POST", "/api/v1/lint", {"pemilik": 200}, files=True),
    "api.deploy_diagram": Route("POST", "/api/v1/deployments", {"pemilik": 201}, files=True),
    # the modeler's Waktu check: the agency's Pemilik Proses only
    "api.preview_waktu": Route("POST", "/api/v1/waktu/preview", {"pemilik": 200},
                               body={"kode": "P1D", "agency": "kemenpora"}),
    # an SOP's drafts, versions and diff, and new SOPs: its agency's Pemilik Proses only
    "api.list_versions": Route("GET", f"/api/v1/processes/{KEY}/versions", {"pemilik": 200}),
    "api.version_bpmn": Route("GET", f"/api/v1/processes/{KEY}/versions/1/bpmn", {"pemilik": 200}),
    "api.activate_version": Route("POST", f"/api/v1/processes/{KEY}/versions/1/activate", {"pemilik": 200}),
    "api.mark_official_version": Route("POST", f"/api/v1/processes/{KEY}/versions/1/official", {"pemilik": 200}),
    "api.deploy_version": Route("POST", f"/api/v1/processes/{KEY}/versions", {"pemilik": 201},
                                body={"bpmn": KEMENPORA_BPMN.read_text(encoding="utf-8"), "note": "Uji akses"}),
    "api.get_draft": Route("GET", f"/api/v1/processes/{KEY}/draft", {"pemilik": 200}),
    "api.save_draft": Route("PUT", f"/api/v1/processes/{KEY}/draft", {"pemilik": 200}, xml=True, etag=True),
    "api.create_process": Route("POST", "/api/v1/processes", {"pemilik": 201},
                                body={"name": "SOP Uji Akses", "nomor": "1/2026", "lanes": ["Pelaksana"]}),
    "api.diff_versions": Route("GET", f"/api/v1/processes/{KEY}/diff?from=1&to=1", {"pemilik": 200}),
    # the SOP AP sheet: a version's for every member of the agency, the draft's for its Pemilik Proses;
    # importing an SOP table: the Pemilik Proses (whose PDF is no table: 422, nothing stored)
    "api.version_sheet": Route("GET", f"/api/v1/processes/{KEY}/versions/1/sop.html", MEMBERS),
    "api.draft_sheet": Route("GET", f"/api/v1/processes/{KEY}/draft/sop.docx", {"pemilik": 200}),
    "api.import_sop_table": Route("POST", "/api/v1/imports", {"pemilik": 422}, body={"agency": "kemenpora"},
                                  files=True),
    # the SOP dashboard's figures: the agency's Pengawas and Auditor
    "api.process_stats": Route("GET", f"/api/v1/processes/{KEY}/stats", {"pengawas": 200, "auditor": 200}),
    # migration of open instances: the dry run for the Pengawas and the Auditor, who pass the policy and
    # then meet the version check (the scene has one version: from == to is refused, nothing moves)
    "api.migrate_instances": Route("POST", f"/api/v1/processes/{KEY}/migrations", {"pengawas": 422, "auditor": 422},
                                   body={"from_version": 1, "to_version": 1}),
    # the conformance report of the SOP's own instances (no body): the agency's Auditor only
    "api.process_conformance": Route("POST", f"/api/v1/processes/{KEY}/conformance", {"auditor": 200}),
    # the audit trail, its exports, its verification and checkpoints: the Auditor only (audit.read); the
    # Pengawas, staff, the Pemilik Proses and another agency's Pengawas get 403
    "api.audit_events": Route("GET", "/api/v1/audit/events", {"auditor": 200}),
    "api.audit_events_jsonl": Route("GET", "/api/v1/audit/events.jsonl", {"auditor": 200}),
    "api.audit_events_csv": Route("GET", "/api/v1/audit/events.csv?sep=semicolon", {"auditor": 200}),
    "api.audit_verify": Route("GET", "/api/v1/audit/verify?agency=kemenpora", {"auditor": 200}),
    "api.audit_checkpoints": Route("GET", "/api/v1/audit/checkpoints", {"auditor": 200}),
    # an SOP's event log (XES, CSV): the Auditor of its agency only
    "api.process_log_xes": Route("GET", f"/api/v1/processes/{KEY}/log.xes", {"auditor": 200}),
    "api.process_log_csv": Route("GET", f"/api/v1/processes/{KEY}/log.csv?sep=semicolon", {"auditor": 200}),
}

PAGES = {
    "web.login": Route("GET", "/login", everyone(200, anon=200)),
    "web.logout": Route("POST", "/logout", everyone(302)),
    "web.language": Route("POST", "/bahasa", everyone(302, anon=302), body={"lang": "id"}),
    "web.account": Route("GET", "/akun", everyone()),
    "web.notices": Route("GET", "/pemberitahuan", everyone()),
    "work.inbox": Route("GET", "/", everyone()),
    "work.start_list": Route("GET", "/mulai", everyone()),
    # only the start lane sees the start form; for everyone else it does not exist
    "work.start_form": Route("GET", f"/mulai/{KEY}", {"starter": 200}, other=404),
    "work.instance_page": Route("GET", "/instans/{instance}", INSTANCE_READERS),
    "work.my_requests": Route("GET", "/permohonan", everyone()),
    "work.task_page": Route("GET", "/tugas/{task}", TASK_READERS),
    # claim and give back answer with a redirect and a message; only the lane changes anything
    "work.claim": Route("POST", "/tugas/{task}/ambil", everyone(302), unchanged=True),
    "work.release": Route("POST", "/tugas/{task}/lepas", everyone(302), unchanged=True),
    "work.attachment": Route("GET", "/berkas/{file}", INSTANCE_READERS),
    "work.attachment_thumbnail": Route("GET", "/berkas/{file}/kecil", {p: 302 for p in INSTANCE_READERS}),
    # Admin Instansi of kemenpora only (bsip.pengawas administers nothing); the writes change
    # nothing or nothing the other answers depend on
    "admin.home": Route("GET", "/admin/", {"admin": 302}),
    "admin.staff": Route("GET", "/admin/kemenpora/", {"admin": 200}),
    "admin.new_user": Route("GET", "/admin/kemenpora/tambah-pengguna", {"admin": 200}),
    "admin.member": Route("GET", f"/admin/kemenpora/pengguna/{ADMINS_USER}", {"admin": 200}),
    "admin.member_roles": Route("POST", f"/admin/kemenpora/pengguna/{ADMINS_USER}/peran", {"admin": 302},
                                body={"lanes": "Ketua Tim Publikasi"}),
    "admin.member_status": Route("POST", f"/admin/kemenpora/pengguna/{ADMINS_USER}/status", {"admin": 302},
                                 body={"active": "1"}),
    "admin.member_password": Route("POST", f"/admin/kemenpora/pengguna/{ADMINS_USER}/kata-sandi", {"admin": 302}),
    "admin.calendar": Route("GET", "/admin/kemenpora/kalender", {"admin": 200}),
    "admin.calendar_add_day": Route("POST", "/admin/kemenpora/kalender/hari", {"admin": 302},
                                    body={"day": "2026-11-27", "kind": "off"}),
    "admin.calendar_remove_day": Route("POST", "/admin/kemenpora/kalender/hari/2026-11-27/hapus", {"admin": 302}),
    # the process owner's catalogue: their agency's SOPs, a new SOP, versions (activate: a redirect)
    "modeling.home": Route("GET", "/model/", {"pemilik": 200}),
    "modeling.new_process": Route("GET", "/model/new", {"pemilik": 200}),
    "modeling.versions": Route("GET", f"/model/kemenpora/{KEY}/versions", {"pemilik": 200}),
    "modeling.activate": Route("POST", f"/model/kemenpora/{KEY}/versions/1/activate", {"pemilik": 302}),
    "modeling.mark_official": Route("POST", f"/model/kemenpora/{KEY}/versions/1/official", {"pemilik": 302}),
    "modeling.draft_from_version": Route("POST", f"/model/kemenpora/{KEY}/versions/1/draft", {"pemilik": 302},
                                         body={"etag": "\"0.0\""}),
    # a process owner's read-only pages: one version, the diff of two (the seed's only version against itself)
    "modeling.version_view": Route("GET", f"/model/kemenpora/{KEY}/versions/1", {"pemilik": 200}),
    "modeling.diff": Route("GET", f"/model/kemenpora/{KEY}/diff", {"pemilik": 200}),
    # the SOP AP sheet's pages and files; the import form
    "modeling.version_sheet": Route("GET", f"/model/kemenpora/{KEY}/versions/1/sop", MEMBERS),
    "modeling.version_sheet_file": Route("GET", f"/model/kemenpora/{KEY}/versions/1/sop.html", MEMBERS),
    "modeling.draft_sheet": Route("GET", f"/model/kemenpora/{KEY}/draft/sop", {"pemilik": 200}),
    "modeling.draft_sheet_file": Route("GET", f"/model/kemenpora/{KEY}/draft/sop.html", {"pemilik": 200}),
    "modeling.import_sop": Route("GET", "/model/import", {"pemilik": 200}),
    # the modeler on the SOP's draft
    "modeling.edit": Route("GET", f"/model/kemenpora/{KEY}/edit", {"pemilik": 200}),
    # the migration screen: the dry run for the Pengawas and the Auditor; migrating for the Pengawas only
    # (who passes the policy, then meets the form's check: no instance ticked, nothing moves)
    "monitoring.migration": Route("GET", f"/pantau/sop/kemenpora/{KEY}/migrasi", {"pengawas": 200, "auditor": 200}),
    "monitoring.migrate": Route("POST", f"/pantau/sop/kemenpora/{KEY}/migrasi", {"pengawas": 422},
                                body={"from": "1", "to": "1", "reason": "Uji akses"}, unchanged=True),
    # a supervisor's page of one instance: its readers (the Auditor and staff read-only); its
    # actions the Pengawas only (a redirect with a message; the API cancelled the scene already,
    # so each is refused there and changes nothing), a 403 for everyone else
    "monitoring.instance": Route("GET", "/pantau/instances/{instance}", INSTANCE_READERS),
    "monitoring.instance_suspend": Route("POST", "/pantau/instances/{instance}/suspend", {"pengawas": 302},
                                         body={"reason": "Uji akses"}),
    "monitoring.instance_resume": Route("POST", "/pantau/instances/{instance}/resume", {"pengawas": 302},
                                        body={"reason": "Uji akses"}),
    "monitoring.task_assign": Route("POST", "/pantau/instances/{instance}/tasks/{task}/assign", {"pengawas": 302},
                                    body={"username": "kemenpora.pj", "reason": "Uji akses"}),
    "monitoring.instance_retry": Route("POST", "/pantau/instances/{instance}/retry", {"pengawas": 302},
                                       body={"reason": "Uji akses"}),
    "monitoring.instance_move": Route("POST", "/pantau/instances/{instance}/move", {"pengawas": 302},
                                      body={"to_element": "s03_bahas_konsep_konten", "reason": "Uji akses"}),
    "monitoring.instance_cancel": Route("POST", "/pantau/instances/{instance}/cancel", {"pengawas": 302},
                                        body={"reason": "Uji akses", "confirm": "1"}),
    "admin.calendar_week": Route("POST", "/admin/kemenpora/kalender/minggu", {"admin": 302},
                                 body={"workdays": ["0", "1", "2", "3", "4"], "opens": "07:30", "closes": "16:00"}),
    # the SOP dashboards: the index of one's own agencies' SOPs (bsip.pengawas sees bsip's), one SOP's
    # dashboard and its refresh: the agency's Pengawas and Auditor
    "monitoring.dashboards": Route("GET", "/pantau/sop", {"pengawas": 200, "auditor": 200, "other_agency": 200}),
    "monitoring.dashboard": Route("GET", f"/pantau/sop/kemenpora/{KEY}", {"pengawas": 200, "auditor": 200}),
    "monitoring.dashboard_numbers": Route("GET", f"/pantau/sop/kemenpora/{KEY}/angka",
                                          {"pengawas": 200, "auditor": 200}),
    # the instance list and its CSV: a Pengawas or an Auditor (bsip.pengawas sees bsip's); bulk
    # actions: a Pengawas, who passes the policy and meets the form's check (no instance chosen)
    "monitoring.instances": Route("GET", "/pantau/", {"pengawas": 200, "auditor": 200, "other_agency": 200}),
    "monitoring.instances_csv": Route("GET", "/pantau/instances.csv",
                                      {"pengawas": 200, "auditor": 200, "other_agency": 200}),
    "monitoring.bulk": Route("POST", "/pantau/bulk", {"pengawas": 422, "other_agency": 422},
                             body={"action": "suspend", "reason": "Uji akses"}, unchanged=True),
    # the conformance reports: the agency's Auditor only (the index: an auditor of any agency); the
    # upload of an outside log passes the policy, then meets the form's check (no file: 422, nothing stored)
    "audit.report_index": Route("GET", "/audit/sop", {"auditor": 200}),
    "audit.report": Route("GET", f"/audit/sop/kemenpora/{KEY}", {"auditor": 200}),
    "audit.report_case": Route("GET", f"/audit/sop/kemenpora/{KEY}/kasus/{{instance}}", {"auditor": 200}),
    "audit.report_log": Route("POST", f"/audit/sop/kemenpora/{KEY}/log-luar", {"auditor": 422}, unchanged=True),
    # the auditor's home (chain panels, checkpoints, the trail): the Auditor only
    "audit.home": Route("GET", "/audit/?verify=kemenpora", {"auditor": 200}),
    # the event-log export form, and its download: the Auditor of the SOP's agency only
    "audit.log_export": Route("GET", f"/audit/sop/kemenpora/{KEY}/log?format=xes", {"auditor": 200}),
}
ROUTES = {**API, **PAGES}


@pytest.fixture
def scene(seeded):
    """The instance at step 2, its open task and the request document's id."""
    karo = _actor(seeded, "kemenpora.karo")
    document = attachments.upload(seeded, karo, io.BytesIO(samples.pdf()), "permohonan.pdf", agency="kemenpora")
    started = instances.start(seeded, karo, KEY, {"judul": "Publikasi Hari Olahraga Nasional",
                                                   "asal_permohonan": "Internal",
                                                   "dokumen_permohonan": [document["id"]]})
    first = started["open_tasks"][0]
    form = tasks.get_task(seeded, karo, first["id"])["form"]
    tasks.complete(seeded, karo, first["id"], sample_submission(form, files=lambda accept, n: [], today=None))
    open_task = instances.get(seeded, karo, started["id"])["open_tasks"][0]
    assert open_task["lane"] == "Penanggungjawab Bidang Kehumasan"
    return {"instance": started["id"], "task": open_task["id"], "file": document["id"]}


def _actor(alur, username):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints - set(ROUTES) == set(), "routes without an entry in the role-by-route table"
    assert set(ROUTES) - endpoints == set(), "entries for routes that no longer exist"


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_kind_of_user_gets_what_the_policy_says(app, seeded, scene, persona):
    app.config["WTF_CSRF_ENABLED"] = True
    username = PERSONAS[persona]
    api_client, page_client = app.test_client(), app.test_client()
    headers, csrf = {}, ""
    if username:
        token = api_client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        signin = page_client.get("/login")
        r = page_client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                             "csrf_token": _csrf(signin)})
        assert r.status_code == 302
        csrf = _csrf(page_client.get("/akun"))
    else:
        csrf = _csrf(page_client.get("/login"))  # a stranger's forms carry a token too
    wrong = []
    # writes last, and logout at the very end: the answers before must not depend on them
    order = sorted(ROUTES, key=lambda e: (ROUTES[e].method != "GET", e == "web.logout"))
    for endpoint in order:
        route = ROUTES[endpoint]
        api = route.path.startswith("/api/")
        path = route.path.format(**scene)
        before = _task_row(seeded, scene["task"])
        if api:
            answer = _ask_api(api_client, route, path, headers)
        else:
            answer = _ask_page(page_client, route, path, csrf)
        if answer.status_code != route.expected(persona, api):
            wrong.append(f"{route.method} {path}: {answer.status_code}, expected {route.expected(persona, api)}")
        if route.unchanged and persona != "lane" and _task_row(seeded, scene["task"]) != before:
            wrong.append(f"{route.method} {path} changed the task for {persona}")
        if persona == "lane" and endpoint in ("work.claim", "api.claim_task"):
            assert _task_row(seeded, scene["task"])[1] is not None  # the lane's claim did take
    assert not wrong, f"{persona} ({username}):\n" + "\n".join(wrong)


def _ask_api(client, route: Route, path: str, headers: dict):
    if route.xml:
        extra = {"If-Match": client.get(path, headers=headers).headers.get("ETag", '"0.0"')} if route.etag else {}
        return client.open(path, method=route.method, headers={**headers, **extra},
                           data=KEMENPORA_BPMN.read_bytes(), content_type="application/xml")
    if route.files:
        body = dict(route.body)
        content = KEMENPORA_BPMN.read_bytes() if "lint" in path or "deploy" in path else samples.pdf()
        body["file"] = (io.BytesIO(content), "berkas.bpmn" if "lint" in path or "deploy" in path else "surat.pdf")
        return client.open(path, method=route.method, headers=headers, data=body, content_type="multipart/form-data")
    if route.method == "GET":
        return client.get(path, headers=headers)
    return client.open(path, method=route.method, headers=headers, json=route.body)


def _ask_page(client, route: Route, path: str, csrf: str):
    if route.method == "GET":
        return client.get(path)
    return client.post(path, data={**route.body, "csrf_token": csrf})


def _csrf(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else ""


def _task_row(alur, task_id):
    with alur.db.transaction() as s:
        return tuple(s.execute(select(HumanTask.state, HumanTask.assignee_id).where(HumanTask.id == task_id)).one())
