"""Four eyes: a decision is not made by whoever prepared what it decides on.

The default pairs of each seed SOP (the deciding task judges the task(s) it receives and the
ones its rejection sends back to), the per-SOP property `alur.empat_mata` (a list of tasks, or
"-" for none), and the rule on real runs: the same person preparing and deciding on Kemenpora,
a decider who redoes the judged step later after a rejection (a rule counting earlier
completers only misses it: yawl#559), and a decision in a parallel branch of a small test SOP.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from server.admin.services import people
from server.audit.services import four_eyes, log_import, report
from server.modeling.services import deployment
from server.work.services import instances

from ..services.test_deployment import BPMN_NS, FORM, SPIFF
from .report_scene import KEMENPORA, LANES, NAMES, S, actor, complete_as, csv_log, forget, run, start_kemenpora

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture(autouse=True)
def _fresh():
    forget()
    yield
    forget()


DEFAULTS = {
    "000_kemenpora_publikasi_media_sosial.bpmn": {S[6]: (S[5],)},
    "001_bsip_informasi_media_sosial.bpmn": {"s03_periksa_konsep": ("s02_olah_konten_dan_caption",)},
    # the rejection goes back to step 1 (through the "not for publication?" gateway)
    "002_nomporejo_konten_media_sosial.bpmn": {"s03_periksa_konten": ("s01_serahkan_dokumentasi", "s02_olah_konten")},
    "002_nomporejo_laporan_media_sosial.bpmn": {},
    "003_ponjong_upload_konten_media_sosial.bpmn": {
        "s03_kontrol_koreksi": ("s01_serahkan_dokumentasi", "s02_terima_dokumentasi"),
        "s04_putuskan_publikasi": ("s01_serahkan_dokumentasi", "s03_kontrol_koreksi")},
    # each decision judges what it receives, not the step a later rejection comes back from
    "004_dki_ksd_pengelolaan_media_sosial.bpmn": {
        "s02_tanggapi_dan_koreksi": ("s01_serahkan_konsep_dokumentasi",),
        "s03_putuskan_platform": ("s02_tanggapi_dan_koreksi",),
        "s04_kontrol_konten": ("s03_putuskan_platform",)},
}


@pytest.mark.parametrize("filename", sorted(DEFAULTS))
def test_default_pairs_of_the_seed_sops(filename):
    assert four_eyes.pairs_from_xml((BPMN / filename).read_bytes()) == DEFAULTS[filename]


def _with_property(task: str, value: str) -> bytes:
    xml = (BPMN / "000_kemenpora_publikasi_media_sosial.bpmn").read_text(encoding="utf-8")
    anchor = f'<bpmn:userTask id="{task}"'
    head, tail = xml.split(anchor, 1)
    props = '<spiffworkflow:property name="sop.no"'
    before, after = tail.split(props, 1)
    return (head + anchor + before + f'<spiffworkflow:property name="alur.empat_mata" value="{value}"/>\n'
            + props + after).encode()


def test_pairs_configured_per_sop_by_the_property():
    assert four_eyes.pairs_from_xml(_with_property(S[6], f"{S[4]}, {S[5]}")) == {S[6]: (S[4], S[5])}
    assert four_eyes.pairs_from_xml(_with_property(S[6], "-")) == {}
    assert four_eyes.pairs_from_xml(_with_property(S[7], S[3])) == {S[6]: (S[5],), S[7]: (S[3],)}
    # ids that are not tasks of the diagram are ignored
    assert four_eyes.pairs_from_xml(_with_property(S[6], "g06_disetujui, tidak_ada")) == {S[6]: (S[5],)}


def test_the_rule_counts_earlier_parallel_and_later_completions():
    pairs = {"d": ("j",)}
    earlier = [("j", "ani", "Ani", 1), ("d", "ani", "Ani", 2)]
    later = [("j", "budi", "Budi", 1), ("d", "ani", "Ani", 2), ("j", "ani", "Ani", 3)]
    nobody = [("j", None, None, 1), ("d", None, None, 2)]
    assert [(f["person"], f["decided_at"], f["prepared_at"]) for f in four_eyes.check(pairs, earlier)] == \
        [("Ani", 2, 1)]
    assert [(f["person"], f["prepared_at"]) for f in four_eyes.check(pairs, later)] == [("Ani", 3)]
    assert four_eyes.check(pairs, nobody) == []


def _report(alur):
    return report.sop_report(alur, actor(alur, "inspektorat"), KEMENPORA, agency="kemenpora")


def _case(found, instance_id):
    return next(t for t in found["traces"] if t["instance_id"] == instance_id)


def test_the_same_person_prepares_and_decides_on_kemenpora(seeded):
    people.grant(seeded, "kemenpora.ketua", "kemenpora", [LANES["karo"]])  # the Ketua may decide too now
    seeded.clock.advance(minutes=1)
    own_work = start_kemenpora(seeded, "Diputus sendiri")
    run(seeded, own_work, 4)
    complete_as(seeded, own_work, "kemenpora.ketua")     # step 5
    complete_as(seeded, own_work, "kemenpora.ketua")     # step 6: decides on his own step 5
    run(seeded, own_work, 2)
    proper = start_kemenpora(seeded, "Diputus Kepala Biro")
    run(seeded, proper, 4)
    complete_as(seeded, proper, "kemenpora.ketua")
    complete_as(seeded, proper, "kemenpora.karo")
    run(seeded, proper, 2)
    found = _report(seeded)
    [finding] = _case(found, own_work)["four_eyes"]
    assert finding["decision"] == S[6] and finding["judged"] == S[5]
    assert finding["person"]["username"] == "kemenpora.ketua"
    assert _case(found, proper)["four_eyes"] == []
    assert found["log"]["four_eyes_violations"] == 1 and found["elements"][S[6]]["four_eyes_violations"] == 1
    assert found["four_eyes_pairs"] == {S[6]: [S[5]]}
    # a four-eyes violation is not a role violation: the Ketua held both lanes
    assert found["log"]["role_violations"] == 0


def test_a_karo_who_decides_first_and_prepares_later_is_caught(seeded):
    """The Kepala Biro also holds the Ketua's lane: he rejects at step 6, then does the redo of
    step 5 himself. He completed the judged step after the decision: still a violation."""
    people.grant(seeded, "kemenpora.karo", "kemenpora", [LANES["ketua"]])
    seeded.clock.advance(minutes=1)
    instance_id = start_kemenpora(seeded)
    run(seeded, instance_id, 4)
    complete_as(seeded, instance_id, "kemenpora.ketua")                # step 5 by the Ketua
    complete_as(seeded, instance_id, "kemenpora.karo", reject=True)    # step 6: "Tidak"
    complete_as(seeded, instance_id, "kemenpora.karo")                 # step 5 redone by the decider
    [finding] = _case(_report(seeded), instance_id)["four_eyes"]
    assert finding["person"]["username"] == "kemenpora.karo"
    assert finding["prepared_at"] >= finding["decided_at"]


def _parallel(empat_mata: str | None) -> bytes:
    """A test SOP of DKI: after the start, step 1 (Siapkan) and step 2 (Periksa, a decision) run
    in parallel; step 2 judges step 1 only when `alur.empat_mata` says so (no flow links them)."""
    prop = (f'<spiffworkflow:property name="alur.empat_mata" value="{empat_mata}"/>' if empat_mata else "")

    def task(element_id: str, name: str, no: str, extra: str = "") -> str:
        return (f'<bpmn:userTask id="{element_id}" name="{name}"><bpmn:extensionElements>'
                f'<spiffworkflow:properties {SPIFF}><spiffworkflow:property name="formJsonSchemaFilename" '
                f'value="{FORM}"/><spiffworkflow:property name="sop.no" value="{no}"/>{extra}'
                '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')
    nodes = ["mulai", "p1", "s01", "s02", "g02", "p2", "selesai"]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} id="d" targetNamespace="http://alur.test">
  <bpmn:process id="paralel" name="Uji paralel" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="Admin Medsos">
      {''.join(f'<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>' for n in nodes)}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"/>
    <bpmn:parallelGateway id="p1"/>
    {task("s01", "Siapkan bahan", "1")}
    {task("s02", "Periksa bahan", "2", prop)}
    <bpmn:exclusiveGateway id="g02"/>
    <bpmn:parallelGateway id="p2"/>
    <bpmn:endEvent id="selesai"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="p1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="p1" targetRef="s01"/>
    <bpmn:sequenceFlow id="f3" sourceRef="p1" targetRef="s02"/>
    <bpmn:sequenceFlow id="f4" sourceRef="s02" targetRef="g02"/>
    <bpmn:sequenceFlow id="f5" sourceRef="g02" targetRef="p2" name="Terima">
      <bpmn:conditionExpression>keputusan == "Terima"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f6" sourceRef="g02" targetRef="s02" name="Tolak">
      <bpmn:conditionExpression>keputusan == "Tolak"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f7" sourceRef="s01" targetRef="p2"/>
    <bpmn:sequenceFlow id="f8" sourceRef="p2" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.mark.parametrize("empat_mata,violations", [("s01", 1), (None, 0)])
def test_a_decision_in_a_parallel_branch(seeded, empat_mata, violations):
    deployment.deploy(seeded, _parallel(empat_mata), "paralel.bpmn", agency_slug="dki-ksd")
    admin = actor(seeded, "dki.admin")
    started = instances.start(seeded, admin, "paralel", {})
    assert {t["element_id"] for t in started["open_tasks"]} == {"s01", "s02"}
    by_element = {t["element_id"]: t["id"] for t in started["open_tasks"]}
    from server.work.services import tasks
    tasks.complete(seeded, admin, by_element["s02"], {"keputusan": "Terima"})   # decides first
    seeded.clock.advance(minutes=5)
    tasks.complete(seeded, admin, by_element["s01"], {"keputusan": "Terima"})   # prepares after, in parallel
    found = report.sop_report(seeded, actor(seeded, "inspektorat"), "paralel", agency="dki-ksd")
    [case] = found["traces"]
    assert case["status"] == "completed" and case["fitness"] == 1.0
    assert len(case["four_eyes"]) == violations
    if violations:
        assert case["four_eyes"][0]["person"]["username"] == "dki.admin"
        assert case["four_eyes"][0]["decision"] == "s02" and case["four_eyes"][0]["judged"] == "s01"


def test_an_imported_logs_people_by_name(seeded):
    data = csv_log([("A", NAMES[5], "2026-11-23 09:00", "Budi Santoso"),
                    ("A", NAMES[6], "2026-11-23 09:10", "budi  santoso"),     # the same person, spelled apart
                    ("B", NAMES[5], "2026-11-23 09:00", "Budi Santoso"),
                    ("B", NAMES[6], "2026-11-23 09:10", "Sari"),
                    ("C", NAMES[5], "2026-11-23 09:00", ""),                  # nobody named: not counted
                    ("C", NAMES[6], "2026-11-23 09:10", "")])
    log = log_import.read_log("log.csv", data, tz="Asia/Jakarta")
    found = report.log_report(seeded, actor(seeded, "inspektorat"), KEMENPORA, log, agency="kemenpora")
    by_case = {t["case"]: t["four_eyes"] for t in found["traces"]}
    assert [" ".join(f["person"]["name"].split()).casefold() for f in by_case["A"]] == ["budi santoso"]
    assert by_case["B"] == [] and by_case["C"] == []
