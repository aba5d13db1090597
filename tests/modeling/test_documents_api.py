"""The official SOP document through the API: the sheet of a version and of the draft in three
formats, read by every member of the agency; SOP tables imported as drafts that deploy and run
to their end; refused files that store nothing."""
from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from server.deadlines import timers
from server.demo import PREFIXES, username_for
from server.formschema.samples import sample_submission
from server.models import AuditEvent, ProcessDraft, ProcessInstance, ProcessModel

from ..conftest import ApiUser
from ..sop.drafting.structure import structures
from ..sop.bad_files import REFUSED
from ..sop.seeds import seed_path, seed_text
from ..sop.tables import as_csv, as_docx, as_xlsx, grids_of, identity_rows_of, seed_document

def _role(agency: str, role: str) -> str:
    return f"{PREFIXES[agency]}.{role}"


KEY = "kemenpora_publikasi_media_sosial"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_every_member_reads_a_versions_sheet_in_three_formats(login):
    staff = login("kemenpora.anggota")
    html = staff.get(f"/processes/{KEY}/versions/1/sop.html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.headers["Content-Security-Policy"].startswith("default-src 'none';")  # runs and fetches nothing
    text = html.get_data(as_text=True)
    for words in ("3.28.4/BIV/III/2023", "Anggota Tim Publikasi", "Kepala Biro Humas dan Umum", "Mutu Baku",
                  "Mendisposisi pembuatan konten", "Triyono, SP., M.Si"):
        assert words in text

    pdf = staff.get(f"/processes/{KEY}/versions/1/sop.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(pdf.data))
    first = reader.pages[0].mediabox
    assert float(first.width) > float(first.height)  # landscape
    assert "Mendisposisi pembuatan konten" in " ".join(p.extract_text() for p in reader.pages)

    docx = staff.get(f"/processes/{KEY}/versions/1/sop.docx")
    assert docx.status_code == 200 and docx.mimetype == DOCX
    assert "Mendisposisi pembuatan konten" in zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml").decode()


def test_the_sheet_as_signed_leaves_the_marked_interpretations_out(login):
    staff = login("kemenpora.anggota")
    shown = staff.get(f"/processes/{KEY}/versions/1/sop.html").get_data(as_text=True)
    signed = staff.get(f"/processes/{KEY}/versions/1/sop.html?as_signed=1").get_data(as_text=True)
    # Kemenpora's start and end terminators are Alur's interpretations (bpmn/README.md)
    assert "tafsiran" in shown.lower()
    assert "tafsiran" not in signed.lower()


def test_another_agency_and_unknown_versions_are_refused(login):
    assert login("bsip.pengawas").get(f"/processes/{KEY}/versions/1/sop.pdf").status_code == 403
    assert login("kemenpora.anggota").get(f"/processes/{KEY}/versions/9/sop.pdf").status_code == 404
    # the draft's sheet is the process owner's
    assert login("kemenpora.anggota").get(f"/processes/{KEY}/draft/sop.html").status_code == 403
    assert login("kemenpora.pemilik").get(f"/processes/{KEY}/draft/sop.html").status_code == 200


def _import(owner: ApiUser, data: bytes, name: str, agency: str):
    return owner.client.post("/api/v1/imports", headers=owner.headers, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(data), name), "agency": agency})


def _counts(alur) -> tuple[int, int, int]:
    with alur.db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(ProcessModel)),
                s.scalar(select(func.count()).select_from(ProcessDraft)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


SEED_AGENCIES = [("000", "kemenpora"), ("001", "bsip"), ("002", "nomporejo"), ("003", "ponjong"),
                 ("004", "dki-ksd")]
# ../shared/seeds/README.md: the steps of each seed (Nomporejo: two tables of 6 and 5) and its drafts
# (Nomporejo: each table's content process and its monthly report)
ROWS = {"000": 8, "001": 5, "002": 11, "003": 5, "004": 6}
DRAFTS = {"000": 1, "001": 1, "002": 4, "003": 1, "004": 1}


@pytest.mark.parametrize("prefix,agency", SEED_AGENCIES, ids=[a for _, a in SEED_AGENCIES])
def test_an_imported_seed_deploys_and_runs_to_its_end(seeded, login, prefix, agency):
    owner = login(_role(agency, "pemilik"))
    answer = _import(owner, seed_text(prefix), seed_path(prefix).name, agency)
    assert answer.status_code == 201, answer.get_json()
    imported = answer.get_json()
    assert imported["draft_key"] == imported["drafts"][0]["key"]
    assert imported["report"]["summary"]["rows"] == ROWS[prefix]
    assert len(imported["drafts"]) == DRAFTS[prefix]
    for draft in imported["drafts"]:
        assert draft["errors"] == 0, draft["findings"]
        xml = owner.get(f"/processes/{draft['key']}/draft").get_data(as_text=True)
        deployed = owner.post(f"/processes/{draft['key']}/versions", json={"bpmn": xml, "note": "Impor"})
        assert deployed.status_code == 201, deployed.get_json()
    processes = {p["key"]: p for p in owner.get("/processes").get_json()["items"]}
    # the monthly reports last: their timers move Alur's clock a month on
    for draft in sorted(imported["drafts"], key=lambda d: processes[d["key"]]["scheduled"]):
        _run_to_end(seeded, login, agency, processes[draft["key"]])


def _run_to_end(alur, login, agency: str, process: dict) -> None:
    """Starts the process (by its start form, or by its timer on Alur's clock) and completes every
    task as a holder of its lane, approving at each decision, until the instance completes."""
    key = process["key"]
    if process["scheduled"]:
        instance_id = timers.start_scheduled(alur, key, agency)
        with alur.db.transaction() as s:
            alur.clock.set(s.scalar(select(ProcessInstance.next_due_at).where(ProcessInstance.id == instance_id)))
        alur.clock.advance(seconds=1)
        assert timers.fire_due(alur) == 1
    else:
        starter = login(username_for(agency, process["start_lane"]))
        data = sample_submission(process["start_form"], files=_uploads(starter), today=alur.clock.now().date())
        started = starter.post(f"/processes/{key}/instances", json={"data": data})
        assert started.status_code == 201, started.get_json()
        instance_id = started.get_json()["id"]
    supervisor = ApiUser(login(_role(agency, "pengawas")).client, _role(agency, "pengawas"))  # a fresh token
    for _ in range(30):
        state = supervisor.get(f"/instances/{instance_id}").get_json()
        if state["status"] == "completed":
            return
        assert state["status"] == "running", state
        task = state["open_tasks"][0]
        user = ApiUser(supervisor.client, username_for(agency, task["lane"]))
        form = user.get(f"/tasks/{task['id']}").get_json()["form"]
        done = user.post(f"/tasks/{task['id']}/complete",
                         json={"data": sample_submission(form or {}, files=_uploads(user),
                                                         today=alur.clock.now().date())})
        assert done.status_code == 200, done.get_json()
    raise AssertionError(f"{key} did not reach its end in 30 steps")


def _uploads(user: ApiUser):
    from server.files import samples

    def files(accept, count):
        body, name = samples.for_accept(accept)
        return [user.upload(body, name) for _ in range(count)]
    return files


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_file_stores_nothing(seeded, login, case):
    """Every file the reader refuses (no table, no actor columns, a zip bomb, macros, XXE in a
    DOCX, ...), sent as an owner would: a 422 with the reason, and no model, draft or audit event."""
    name, build = REFUSED[case]
    owner = login("kemenpora.pemilik")
    before = _counts(seeded)
    answer = _import(owner, build(), name, "kemenpora")
    assert answer.status_code in (413, 422), answer.get_json()
    assert answer.get_json()["message"].startswith(("Berkas ditolak", "Tidak ditemukan tabel SOP", "Tabel SOP tanpa",
                                                    "Kiriman terlalu besar"))
    assert _counts(seeded) == before


def test_import_is_for_process_owners_of_the_agency(seeded, login):
    data = seed_text("000")
    assert _import(login("kemenpora.pengawas"), data, "sop.txt", "kemenpora").status_code == 403
    assert _import(login("bsip.pemilik"), data, "sop.txt", "kemenpora").status_code == 403


@pytest.mark.parametrize("prefix,agency", SEED_AGENCIES, ids=[a for _, a in SEED_AGENCIES])
def test_the_same_table_as_xlsx_docx_and_csv_imports_the_same(login, prefix, agency):
    """The test writes the seed's table as the files agencies keep (merged header cells and all);
    each import gives diagrams of the same structure as the seed's text."""
    doc = seed_document(prefix)
    grids, identity = grids_of(doc), identity_rows_of(doc)
    owner = login(_role(agency, "pemilik"))

    def imported(data: bytes, name: str) -> list[dict]:
        answer = _import(owner, data, name, agency)
        assert answer.status_code == 201, answer.get_json()
        return [s for d in answer.get_json()["drafts"]
                for s in structures(owner.get(f"/processes/{d['key']}/draft").get_data())]

    expected = imported(seed_text(prefix), seed_path(prefix).name)
    assert expected
    assert imported(as_xlsx(grids, identity), "sop.xlsx") == expected
    assert imported(as_docx(grids, identity), "sop.docx") == expected
    assert imported(as_csv(grids, identity), "sop.csv") == expected
