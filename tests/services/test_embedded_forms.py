"""Forms live with their version: deploy embeds them (<alur:form>), a running version reads them
from itself, never from forms/, and a version deployed before that still reads forms/ by path."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, update

from server import demo
from server.app import create_app
from server.clock import FixedClock
from server.config import Settings
from server.engine import safe_xml
from server.errors import DiagramRejected, InvalidInput
from server.formschema.samples import sample_submission
from server.files import samples
from server.kernel import versions
from server.kernel.actors import load_actor
from server.kernel.context import Alur
from server.models import ProcessModel, ProcessVersion, User
from server.modeling.lint import lint
from server.modeling.services import deployment
from server.sop import ALUR, read_catalog
from server.work.services import attachments, instances, tasks

from ..conftest import DEMO_PASSWORD, _empty

ROOT = Path(__file__).resolve().parents[2]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "alur": ALUR,
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
SEED = ROOT / "bpmn" / "001_bsip_informasi_media_sosial.bpmn"
KEY = "bsip_informasi_media_sosial"
FIRST = "s01_rencanakan_materi"
FIRST_FORM = f"{KEY}/{FIRST}.schema.json"


@pytest.fixture
def forms_dir(tmp_path) -> Path:
    copy = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", copy)
    return copy


@pytest.fixture
def own(database_url, tmp_path, forms_dir):
    """The demo, deployed with a copy of forms/ that the test may edit."""
    settings = Settings.from_env(database_url=database_url, instance_dir=tmp_path / "instance",
                                 secret_key="test-secret", demo_password=DEMO_PASSWORD, forms_dir=forms_dir)
    alur = Alur.create(settings, clock=FixedClock())
    demo.load(alur, with_instances=False)
    yield alur
    _empty(alur)
    versions.forget()
    alur.close()


def _actor(alur, username: str):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def _version(alur, key: str, number: int | None = None) -> ProcessVersion:
    with alur.db.transaction() as s:
        query = select(ProcessVersion).join(ProcessModel).where(ProcessModel.key == key)
        query = query.where(ProcessVersion.version == number) if number else query.where(ProcessVersion.active)
        version = s.scalar(query)
        s.expunge(version)
        return version


def _upload(alur, actor):
    def files(accept, count):
        body, name = samples.for_accept(accept)
        return [attachments.upload(alur, actor, body, name)["id"] for _ in range(count)]
    return files


def _edit(path: Path, change) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def _stricter(schema: dict) -> None:
    """A new required field and a tighter limit: what an edited form file might bring."""
    schema["properties"]["nomor_surat_tambahan"] = {"type": "string", "title": "Nomor surat tambahan"}
    schema["required"].append("nomor_surat_tambahan")
    schema["properties"]["rencana_konten"]["maxLength"] = 5


def test_deploy_stores_the_seed_forms_in_the_version(own, forms_dir):
    version = _version(own, KEY)
    root = safe_xml.parse_bpmn(version.bpmn_xml.encode())
    assert root.nsmap.get("alur") == ALUR
    assert "formJsonSchemaFilename" not in version.bpmn_xml  # the stored diagram names no file
    embedded = {el.getparent().getparent().get("id"): json.loads(el.text)
                for el in root.iterfind(".//alur:form", NS)}
    files = {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
             for p in (forms_dir / KEY).glob("*.schema.json")}
    assert embedded == files
    assert list(embedded[FIRST]) == list(files[FIRST])  # key order kept
    assert "Perencanaan dan pencarian materi" in version.bpmn_xml  # readable, not \u-escaped
    catalog = version.catalog
    assert catalog["forms"] == files
    assert catalog["steps"][FIRST]["form"] == FIRST
    assert catalog["starts"][0]["form"] == "mulai_pengelolaan_informasi"
    assert version.checksum == hashlib.sha256(version.bpmn_xml.encode("utf-8")).hexdigest()
    # the same files again: one version; the stored XML deployed again (a draft made from the
    # active version, unchanged) is the same diagram: no new version either
    assert deployment.deploy(own, SEED.read_bytes(), SEED.name)[0]["created"] is False
    assert deployment.deploy(own, version.bpmn_xml.encode(), SEED.name)[0]["created"] is False


def test_a_running_instance_keeps_its_forms_when_the_file_changes(own, forms_dir):
    staf = _actor(own, "bsip.staf")
    started = instances.start(own, staf, KEY, {"judul": "Pameran benih"})
    task_id = started["open_tasks"][0]["id"]
    before = tasks.get_task(own, staf, task_id)["form"]

    _edit(forms_dir / FIRST_FORM, _stricter)
    own.forms.clear()  # as if the server had been restarted after the edit

    task = tasks.get_task(own, staf, task_id)
    assert task["form"] == before and "nomor_surat_tambahan" not in task["form"]["properties"]
    app = create_app(alur=own)
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "bsip.staf", "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    html = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert "Rencana konten" in html and "Nomor surat tambahan" not in html

    data = sample_submission(before, files=_upload(own, staf))
    data["rencana_konten"] = "Konten pameran benih unggul"  # over the edited file's maxLength of 5
    done = tasks.complete(own, staf, task_id, data)
    assert done["state"] == "completed"

    # the edited file goes into the next deploy only: a new version, which new instances run
    assert deployment.deploy(own, SEED.read_bytes(), SEED.name)[0]["version"] == 2
    assert "nomor_surat_tambahan" in _version(own, KEY, 2).catalog["forms"][FIRST]["properties"]
    assert "nomor_surat_tambahan" not in _version(own, KEY, 1).catalog["forms"][FIRST]["properties"]
    newer = instances.start(own, staf, KEY, {"judul": "Pameran kedua"})
    form = tasks.get_task(own, staf, newer["open_tasks"][0]["id"])["form"]
    assert "nomor_surat_tambahan" in form["required"]
    # the older instance keeps version 1: its next task's form is version 1's, not the file's
    older = instances.get(own, staf, started["id"])
    assert older["version"] == 1 and newer and instances.get(own, staf, newer["id"])["version"] == 2
    older = older["open_tasks"][0]
    kept = tasks.get_task(own, staf, older["id"])["form"]
    assert kept == _version(own, KEY, 1).catalog["forms"][older["element_id"]]


EMBEDDED = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Pemeriksaan berkas",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "keputusan": {"type": "string", "title": "Keputusan", "enum": ["Terima", "Tolak"],
                      "x-alur-widget": "decision", "x-alur-reject": ["Tolak"]},
        "jumlah": {"type": "integer", "title": "Jumlah eksemplar", "minimum": 1, "maximum": 10},
        "catatan": {"type": "string", "title": "Catatan", "maxLength": 200, "x-alur-widget": "textarea"},
    },
    "required": ["keputusan", "jumlah"],
}


def _embedded_diagram(form_text: str) -> bytes:
    """A diagram whose only form is embedded: there is no file for it under forms/."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{NS['bpmn']}" xmlns:spiffworkflow="{NS['spiffworkflow']}"
    xmlns:alur="{ALUR}" id="d" targetNamespace="http://alur.test">
  <bpmn:process id="uji_tertanam" name="Uji formulir tertanam" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="alur.agency" value="dki-ksd"/></spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="Admin Medsos">
      <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>s01</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>g01</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"/>
    <bpmn:userTask id="s01" name="Periksa berkas"><bpmn:extensionElements>
      <spiffworkflow:properties><spiffworkflow:property name="sop.no" value="1"/></spiffworkflow:properties>
      <alur:form>{form_text}</alur:form></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="g01"/>
    <bpmn:endEvent id="selesai"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="s01"/>
    <bpmn:sequenceFlow id="f2" sourceRef="s01" targetRef="g01"/>
    <bpmn:sequenceFlow id="f3" sourceRef="g01" targetRef="selesai" name="Terima">
      <bpmn:conditionExpression>keputusan == "Terima"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="g01" targetRef="s01" name="Tolak">
      <bpmn:conditionExpression>keputusan == "Tolak"</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>""".encode()


def test_a_diagram_with_an_embedded_form_deploys_and_runs(own):
    data = _embedded_diagram(json.dumps(EMBEDDED, ensure_ascii=False))
    (result,) = deployment.deploy(own, data, "uji.bpmn", agency_slug="dki-ksd")
    assert result["created"] and deployment.deploy(own, data, "uji.bpmn", agency_slug="dki-ksd")[0]["created"] is False
    assert _version(own, "uji_tertanam").catalog["forms"] == {"s01": EMBEDDED}

    admin = _actor(own, "dki.admin")
    started = instances.start(own, admin, "uji_tertanam", {})
    task_id = started["open_tasks"][0]["id"]
    assert tasks.get_task(own, admin, task_id)["form"] == EMBEDDED

    with pytest.raises(InvalidInput) as refused:
        tasks.complete(own, admin, task_id, {"keputusan": "Terima", "jumlah": 50})
    assert list(refused.value.fields) == ["jumlah"]
    with pytest.raises(InvalidInput) as refused:
        tasks.complete(own, admin, task_id, {"keputusan": "Terima", "jumlah": 2, "lain": "x"})
    assert refused.value.fields

    tasks.complete(own, admin, task_id, {"keputusan": "Terima", "jumlah": 2, "catatan": "Lengkap"})
    assert instances.get(own, admin, started["id"])["status"] == "completed"


@pytest.mark.parametrize("text,words", [
    (json.dumps({**EMBEDDED, "properties": {**EMBEDDED["properties"], "jumlah": {"type": "bilangan"}}}),
     "jumlah"),
    ("{ keputusan: ", "JSON"),
    ("[1, 2]", "JSON"),
    (json.dumps({**EMBEDDED, "properties": {**EMBEDDED["properties"], "keputusan": {
        "type": "string", "enum": ["Terima", "Tolak"], "x-alur-widget": "decision", "x-alur-reject": ["Batal"]}}}),
     "x-alur-reject"),
])
def test_an_invalid_embedded_form_is_a_lint_error_on_its_element(own, text, words):
    data = _embedded_diagram(text)
    findings = [f for f in lint(data, "uji.bpmn", None) if f.severity == "error"]
    assert [(f.code, f.element_id) for f in findings] == [("form-invalid", "s01")]
    assert words in findings[0].message_en and "alur:form" in findings[0].message_en
    with pytest.raises(DiagramRejected) as refused:
        deployment.deploy(own, data, "uji.bpmn", agency_slug="dki-ksd")
    assert ("form-invalid", "s01") in {(f["code"], f["element_id"]) for f in refused.value.detail["findings"]}


def test_an_embedded_form_wins_over_the_filename(own):
    named = _embedded_diagram(json.dumps(EMBEDDED)).replace(
        b'<spiffworkflow:property name="sop.no" value="1"/>',
        b'<spiffworkflow:property name="sop.no" value="1"/>'
        b'<spiffworkflow:property name="formJsonSchemaFilename" value="tidak/ada.schema.json"/>')
    assert not [f for f in lint(named, "uji.bpmn", own.forms) if f.severity == "error"]
    deployment.deploy(own, named, "uji.bpmn", agency_slug="dki-ksd")
    catalog = _version(own, "uji_tertanam").catalog
    assert catalog["steps"]["s01"]["form"] == "s01" and catalog["forms"] == {"s01": EMBEDDED}


def test_a_version_deployed_before_forms_were_embedded_reads_forms_by_path(own, forms_dir):
    """The old catalog shape (steps name forms/ paths, no "forms"): the one fallback reads the files."""
    version = _version(own, KEY)
    old = read_catalog(safe_xml.parse_bpmn(SEED.read_bytes()), KEY)
    del old["forms"]
    assert old["steps"][FIRST]["form"] == FIRST_FORM
    with own.db.transaction() as s:
        s.execute(update(ProcessVersion).where(ProcessVersion.id == version.id).values(catalog=old))
    versions.forget()

    staf = _actor(own, "bsip.staf")
    started = instances.start(own, staf, KEY, {"judul": "Versi lama"})
    task_id = started["open_tasks"][0]["id"]
    form = tasks.get_task(own, staf, task_id)["form"]
    assert form == json.loads((forms_dir / FIRST_FORM).read_text(encoding="utf-8"))

    _edit(forms_dir / FIRST_FORM, _stricter)
    own.forms.clear()
    assert "nomor_surat_tambahan" in tasks.get_task(own, staf, task_id)["form"]["properties"]
    data = sample_submission(form, files=_upload(own, staf))
    with pytest.raises(InvalidInput) as refused:
        tasks.complete(own, staf, task_id, data)
    assert "nomor_surat_tambahan" in refused.value.fields
    data = {**data, "rencana_konten": "Benih", "nomor_surat_tambahan": "12/2024"}
    assert tasks.complete(own, staf, task_id, data)["state"] == "completed"
