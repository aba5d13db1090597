"""Deploying diagrams: versions, lanes as roles, and hostile or broken files refused clearly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from server.errors import DiagramRejected
from server.models import LaneRole, ProcessVersion, Role
from server.modeling.services import deployment

BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'


SPIFF = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
FORM = "dki_ksd_pengelolaan_media_sosial/s04_kontrol_konten.schema.json"  # a Terima/Tolak decision


def _diagram(condition: str = 'keputusan == "Terima"', start_id: str = "mulai", extra: str = "") -> bytes:
    """The smallest diagram the SOP lint accepts: a lane, a task with its form and SOP row, a
    decision with labelled flows."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} id="d" targetNamespace="http://alur.test">{extra}
  <bpmn:process id="uji" name="Uji" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="Admin Medsos">
      <bpmn:flowNodeRef>{start_id}</bpmn:flowNodeRef><bpmn:flowNodeRef>s01</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>g01</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="{start_id}"/>
    <bpmn:userTask id="s01" name="Periksa"><bpmn:extensionElements><spiffworkflow:properties {SPIFF}>
      <spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}"/>
      <spiffworkflow:property name="sop.no" value="1"/></spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="g01"/>
    <bpmn:endEvent id="selesai"/>
    <bpmn:sequenceFlow id="f1" sourceRef="{start_id}" targetRef="s01"/>
    <bpmn:sequenceFlow id="f2" sourceRef="s01" targetRef="g01"/>
    <bpmn:sequenceFlow id="f3" sourceRef="g01" targetRef="selesai" name="Terima">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="g01" targetRef="s01" name="Tolak">
      <bpmn:conditionExpression>keputusan == "Tolak"</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>""".encode()


def _versions(alur) -> int:
    with alur.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(ProcessVersion))


def test_a_diagram_deploys_once_per_change_with_lane_roles(seeded):
    before = _versions(seeded)
    first = deployment.deploy(seeded, _diagram(), "uji.bpmn", agency_slug="dki-ksd")
    again = deployment.deploy(seeded, _diagram(), "uji.bpmn", agency_slug="dki-ksd")
    changed = deployment.deploy(seeded, _diagram('keputusan == "Terima" or False'), "uji.bpmn", agency_slug="dki-ksd")
    assert [r["version"] for r in first + again + changed] == [1, 1, 2]
    assert [r["created"] for r in first + again + changed] == [True, False, True]
    assert _versions(seeded) == before + 2
    with seeded.db.transaction() as s:
        lanes = s.execute(select(LaneRole.lane, Role.name).join(Role, Role.id == LaneRole.role_id)
                          .where(LaneRole.version_id == changed[0]["version_id"])).all()
        active = s.scalars(select(ProcessVersion.version).where(ProcessVersion.active.is_(True),
                                                                ProcessVersion.filename == "uji.bpmn")).all()
    assert lanes == [("Admin Medsos", "Admin Medsos")]
    assert active == [2]


LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
XXE = '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("data,words", [
    (_diagram().replace(b"<bpmn:definitions", LAUGHS.encode() + b"<bpmn:definitions"), "DOCTYPE"),
    (_diagram().replace(b"<bpmn:definitions", XXE.encode() + b"<bpmn:definitions"), "DOCTYPE"),
    (_diagram(start_id="Start"), "Start"),
    (_diagram(condition="().__class__.__mro__[1].__subclasses__()"), "f3"),
    (_diagram(condition="__import__('os').system('id')"), "f3"),
    (_diagram().replace(b'isExecutable="true"', b'isExecutable="false"'), "executable"),
    (b"bukan xml", "XML"),
])
def test_hostile_or_broken_diagrams_are_refused_with_a_clear_message(seeded, data, words):
    before = _versions(seeded)
    with pytest.raises(DiagramRejected) as caught:
        deployment.deploy(seeded, data, "jahat.bpmn", agency_slug="dki-ksd")
    exc = caught.value
    assert exc.message_id.startswith("Diagram") or "diagram" in exc.message_id.lower()
    assert words.lower() in (exc.message_id + exc.message_en + str(exc.detail)).lower()
    assert _versions(seeded) == before


WAKTU = b'<spiffworkflow:property name="sop.no" value="1"/>'


@pytest.mark.parametrize("change,code,element", [
    ((FORM.encode(), b"tidak/ada.schema.json"), "form-not-found", "s01"),
    ((WAKTU, WAKTU + b'<spiffworkflow:property name="sop.waktu.kode" value="BOGUS"/>'), "waktu-kode-invalid", "s01"),
    ((b' name="Tolak"', b""), "gateway-flow-unnamed", "f4"),
    ((b"<bpmn:flowNodeRef>s01</bpmn:flowNodeRef>", b""), "task-outside-lane", "s01"),
])
def test_deploy_refuses_lint_errors_naming_their_elements(seeded, change, code, element):
    """The SOP lint decides: a Waktu code nobody can compute, an unlabelled decision, a task no
    lane does; the refusal lists each error with its element id, and nothing is deployed."""
    data = _diagram().replace(*change)
    assert data != _diagram()
    before = _versions(seeded)
    with pytest.raises(DiagramRejected) as caught:
        deployment.deploy(seeded, data, "uji.bpmn", agency_slug="dki-ksd")
    findings = caught.value.detail["findings"]
    assert (code, element) in {(f["code"], f["element_id"]) for f in findings}
    assert all(f["severity"] == "error" for f in findings)
    assert element in caught.value.message_id and element in caught.value.message_en
    assert _versions(seeded) == before


def test_the_cli_deploys_and_reports_refusals(seeded, tmp_path, monkeypatch):
    from server.app import create_app
    from server.cli import main

    good, bad = tmp_path / "uji.bpmn", tmp_path / "jahat.bpmn"
    good.write_bytes(_diagram())
    bad.write_bytes(_diagram(start_id="End"))
    app = create_app(alur=seeded)
    runner = CliRunner()
    result = runner.invoke(main, ["deploy", "--agency", "dki-ksd", str(good)], obj=_script_info(app))
    assert result.exit_code == 0 and "dki-ksd/uji v1: deployed" in result.output
    result = runner.invoke(main, ["deploy", "--agency", "dki-ksd", str(bad)], obj=_script_info(app))
    assert result.exit_code == 1 and "End" in result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_alur_lint_prints_findings_and_fails_on_errors(seeded, tmp_path):
    from server.app import create_app
    from server.cli import main

    seeds = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))
    runner, info = CliRunner(), _script_info(create_app(alur=seeded))
    clean = runner.invoke(main, ["lint", *map(str, seeds)], obj=info)
    assert clean.exit_code == 0, clean.output
    assert clean.output.count("0 galat / errors, 0 peringatan / warnings") == len(seeds) == 8
    bogus = tmp_path / "bogus.bpmn"
    bogus.write_bytes(_diagram().replace(WAKTU, WAKTU + b'<spiffworkflow:property name="sop.waktu.kode" value="BOGUS"/>'))
    refused = runner.invoke(main, ["lint", str(bogus)], obj=info)
    assert refused.exit_code == 1
    assert "bogus.bpmn: error waktu-kode-invalid s01:" in refused.output
    as_json = runner.invoke(main, ["lint", "--json", str(bogus)], obj=info)
    findings = json.loads(as_json.output)["bogus.bpmn"]
    assert {"element_id": "s01", "severity": "error", "code": "waktu-kode-invalid"}.items() <= \
        next(f for f in findings if f["code"] == "waktu-kode-invalid").items()
