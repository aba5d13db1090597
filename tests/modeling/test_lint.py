"""The SOP lint on the real seed diagrams and on mutated copies of one of them.

Every seed must lint clean; each mutation must give exactly the finding it provokes, on the
element it touched, so that the modeler can point at it.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from server.formschema import FormCatalog
from server.modeling.lint import Finding, errors, lint
from tests.bpmn_props import NS, by_id, prop, set_prop

REPO = Path(__file__).resolve().parents[2]
BPMN_FILES = sorted((REPO / "bpmn").glob("*.bpmn"))
SEED = REPO / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn"
REPORT_SEED = REPO / "bpmn" / "002_nomporejo_laporan_website.bpmn"
PID = "kemenpora_publikasi_media_sosial"
TASK = "s03_bahas_konsep_konten"      # a user task with a form and a Waktu (P1D)
NO_FLOW = "f_g06_s05"                  # the "Tidak" flow of the decision gateway g06_disetujui


@pytest.fixture(scope="module")
def forms():
    return FormCatalog(REPO / "forms")


def summary(findings: list[Finding]) -> list[tuple]:
    return sorted((f.severity, f.code, f.element_id) for f in findings)


def seed_root(path: Path = SEED):
    return etree.fromstring(path.read_bytes())


def rename(root, old: str, new: str) -> None:
    """Change an id everywhere it is used: attributes and reference texts."""
    for el in root.iter(etree.Element):
        for key, value in el.attrib.items():
            if value == old and key in ("id", "sourceRef", "targetRef", "bpmnElement", "attachedToRef", "default"):
                el.set(key, new)
        if el.text and el.text.strip() == old:
            el.text = new


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])
def test_seed_diagrams_lint_clean(path, forms):
    assert lint(path.read_bytes(), path.name, forms) == []


@pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])
def test_seed_diagrams_lint_clean_without_forms(path):
    assert lint(path.read_bytes(), path.name, None) == []


# -- one mutation, one finding -----------------------------------------------------------------

def _bogus_waktu(root):
    prop(by_id(root, TASK), "sop.waktu.kode").set("value", "BOGUS")


def _unnamed_flow(root):
    del by_id(root, NO_FLOW).attrib["name"]


def _task_outside_lanes(root):
    for ref in root.xpath("//bpmn:flowNodeRef[text()=$id]", namespaces=NS, id=TASK):
        ref.getparent().remove(ref)


def _missing_form(root):
    el = prop(by_id(root, TASK), "formJsonSchemaFilename")
    el.getparent().remove(el)


def _form_path_missing(root):
    prop(by_id(root, TASK), "formJsonSchemaFilename").set("value", f"{PID}/tidak_ada.schema.json")


def _form_path_outside(root):
    prop(by_id(root, TASK), "formJsonSchemaFilename").set("value", "../pyproject.toml")


def _unsafe_expression(root):
    by_id(root, NO_FLOW).find("bpmn:conditionExpression", NS).text = '__import__("os").system("id")'


def _reserved_ids(root):
    rename(root, "selesai_dipublikasikan", "End")
    rename(root, "f_s07_s08", "Start")


def _no_condition(root):
    by_id(root, NO_FLOW).find("bpmn:conditionExpression", NS).text = ""


def _unknown_label(root):
    by_id(root, NO_FLOW).find("bpmn:conditionExpression", NS).text = 'keputusan == "Mungkin"'


def _relative_without_acuan(root):
    prop(by_id(root, TASK), "sop.waktu.kode").set("value", "H+1")


def _interrupting_timer(root):
    by_id(root, f"batas_{TASK}").set("cancelActivity", "true")


def _unknown_eskalasi(root):
    prop(root.find("bpmn:process", NS), "alur.eskalasi").set("value", "Sekretaris Jenderal")


def _duplicate_lane_name(root):
    by_id(root, "lane_ketua_tim_publikasi").set("name", "Anggota Tim Publikasi")


def _dangling_flow(root):
    by_id(root, "f_s07_s08").set("targetRef", "tidak_ada")


def _no_target_namespace(root):
    del root.attrib["targetNamespace"]  # only the engine's BPMN schema check knows this one


def _no_documentation(root):
    doc = by_id(root, TASK).find("bpmn:documentation", NS)
    doc.getparent().remove(doc)


def _no_output(root):
    el = prop(by_id(root, TASK), "sop.output")
    el.getparent().remove(el)


def _shape_moved(root):
    shape = root.xpath("//*[@bpmnElement=$id]/*[local-name()='Bounds']", id=TASK)[0]
    shape.set("y", "-500")


def _timer_with_eskalasi(root):
    """The older drawing: the marker named "Lewat tenggat" and leading to an "Eskalasi" end."""
    marker = by_id(root, f"batas_{TASK}")
    marker.set("name", "Lewat tenggat")
    bpmn = "{%s}" % NS["bpmn"]
    etree.SubElement(marker, bpmn + "outgoing").text = "f_eskalasi"
    marker.insert(0, marker[-1])
    process = root.find("bpmn:process", NS)
    end = etree.SubElement(process, bpmn + "endEvent", id="eskalasi", name="Eskalasi")
    etree.SubElement(end, bpmn + "incoming").text = "f_eskalasi"
    etree.SubElement(process, bpmn + "sequenceFlow", id="f_eskalasi", sourceRef=f"batas_{TASK}", targetRef="eskalasi")
    lane = by_id(root, "lane_ketua_tim_publikasi")
    etree.SubElement(lane, bpmn + "flowNodeRef").text = "eskalasi"


def _unexplained_interpretation(root):
    prop(by_id(root, "mulai_permohonan"), "alur.tafsiran").set("value", " ")


def process_of(root):
    return root.find("bpmn:process", NS)


ROW4 = "s04_produksi_konten"   # its Kelengkapan and Output are numbered lists (sop.daftar.* "angka")
END = "selesai_dipublikasikan"


MUTATIONS = {
    "unknown list style": (lambda root: set_prop(by_id(root, ROW4), "sop.daftar.kelengkapan", "nomor"),
                           [("warning", "daftar-style-unknown", ROW4)]),
    "list style of a field that is no list": (lambda root: set_prop(by_id(root, ROW4), "sop.daftar.no", "angka"),
                                              [("warning", "daftar-field-unknown", ROW4)]),
    "unknown identity list style": (lambda root: set_prop(process_of(root), "sop.daftar.dasar_hukum", "romawi"),
                                    [("warning", "daftar-style-unknown", PID)]),
    "table number that is no number": (lambda root: (set_prop(process_of(root), "sop.dokumen", "kemenpora-humas"),
                                                     set_prop(process_of(root), "sop.dokumen.tabel", "satu")),
                                       [("error", "dokumen-tabel-invalid", PID)]),
    "table number zero": (lambda root: (set_prop(process_of(root), "sop.dokumen", "kemenpora-humas"),
                                        set_prop(process_of(root), "sop.dokumen.tabel", "0")),
                          [("error", "dokumen-tabel-invalid", PID)]),
    "table number without a document": (lambda root: set_prop(process_of(root), "sop.dokumen.tabel", "2"),
                                        [("warning", "dokumen-missing", PID)]),
    "terminator in a row that does not exist": (lambda root: set_prop(by_id(root, END), "sop.baris", "9"),
                                                [("warning", "baris-unknown", END)]),
    "printed row number on a gateway": (lambda root: set_prop(by_id(root, "g06_disetujui"), "sop.no.cetak", "6"),
                                        [("warning", "sheet-property-misplaced", "g06_disetujui")]),
    "terminator row on a task": (lambda root: set_prop(by_id(root, TASK), "sop.baris", "3"),
                                 [("warning", "sheet-property-misplaced", TASK)]),
    "heading of a column the table has not": (lambda root: set_prop(process_of(root), "sop.kolom.catatan", "Catatan"),
                                              [("warning", "sheet-property-unknown", PID)]),
    "label of a field the identity has not": (lambda root: set_prop(process_of(root), "sop.label.penanggung_jawab",
                                                                    "Penanggung Jawab"),
                                              [("warning", "sheet-property-unknown", PID)]),
    "table heading on a task": (lambda root: set_prop(by_id(root, TASK), "sop.kolom.kegiatan", "Uraian Prosedur"),
                                [("warning", "sheet-property-misplaced", TASK)]),
    "waktu BOGUS": (_bogus_waktu, [("error", "waktu-kode-invalid", TASK)]),
    "unnamed gateway flow": (_unnamed_flow, [("error", "gateway-flow-unnamed", NO_FLOW)]),
    "task outside every lane": (_task_outside_lanes, [("error", "task-outside-lane", TASK)]),
    "missing form": (_missing_form, [("error", "form-missing", TASK)]),
    "form path does not exist": (_form_path_missing, [("error", "form-not-found", TASK),
                                                      ("warning", "form-path-convention", TASK)]),
    "form path outside forms/": (_form_path_outside, [("error", "form-invalid", TASK),
                                                      ("warning", "form-path-convention", TASK)]),
    "unsafe expression": (_unsafe_expression, [("error", "expression-rejected", NO_FLOW)]),
    "ids Start and End": (_reserved_ids, [("error", "id-reserved", "End"), ("error", "id-reserved", "Start")]),
    "flow without condition": (_no_condition, [("error", "gateway-flow-no-condition", NO_FLOW)]),
    "condition on an unknown label": (_unknown_label, [("error", "decision-labels", "g06_disetujui"),
                                                       ("warning", "decision-flow-name", NO_FLOW)]),
    "H+1 without acuan": (_relative_without_acuan, [("error", "waktu-acuan-invalid", TASK)]),
    "interrupting deadline timer": (_interrupting_timer, [("error", "deadline-timer-invalid", f"batas_{TASK}")]),
    "timer to an Eskalasi end": (_timer_with_eskalasi, [("warning", "deadline-timer-path", f"batas_{TASK}"),
                                                        ("warning", "deadline-timer-label", f"batas_{TASK}"),
                                                        ("warning", "di-missing", "eskalasi"),
                                                        ("warning", "di-missing", "f_eskalasi")]),
    "interpretation without a reason": (_unexplained_interpretation,
                                        [("warning", "interpretation-unexplained", "mulai_permohonan")]),
    "unknown escalation lane": (_unknown_eskalasi, [("error", "eskalasi-lane-unknown", PID)]),
    "duplicate lane name": (_duplicate_lane_name, [("error", "lane-name-duplicate", "lane_ketua_tim_publikasi")]),
    "dangling flow": (_dangling_flow, [("error", "flow-ref-unknown", "f_s07_s08")]),
    "refused by the engine only": (_no_target_namespace, [("error", "engine-rejected", PID)]),
    "no documentation": (_no_documentation, [("warning", "task-no-documentation", TASK)]),
    "no Mutu Baku Output": (_no_output, [("warning", "sop-property-missing", TASK)]),
    "task shape dragged out of its lane": (_shape_moved, [("warning", "shape-outside-lane", TASK),
                                                          ("warning", "edge-detached", "f_s02_s03"),
                                                          ("warning", "edge-detached", "f_s03_s04"),
                                                          ("warning", "boundary-detached", f"batas_{TASK}")]),
}


@pytest.mark.parametrize("mutate, expected", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_each_mutation_gives_exactly_its_finding(mutate, expected, forms):
    root = seed_root()
    mutate(root)
    findings = lint(serialise(root), SEED.name, forms)
    assert summary(findings) == sorted(expected)
    for f in findings:
        assert f.message_id and f.message_en and f.message_id != f.message_en


def test_sheet_properties_that_are_right_give_no_finding(forms):
    """The other side of the sheet mutations: the same properties, well set, lint clean."""
    root = seed_root()
    process = process_of(root)
    set_prop(process, "sop.dokumen", "kemenpora-humas")
    set_prop(process, "sop.dokumen.tabel", "2")
    set_prop(process, "sop.kolom.keterangan", "")          # no Keterangan column
    set_prop(process, "sop.label.tanggal_efektif", "Tgl. Pengesahan")
    set_prop(process, "sop.daftar.peringatan", "")
    set_prop(by_id(root, ROW4), "sop.daftar.keterangan", "huruf")
    set_prop(by_id(root, TASK), "sop.no.cetak", "3a")
    set_prop(by_id(root, END), "sop.baris", "8")
    set_prop(by_id(root, "mulai_permohonan"), "sop.baris", "1")
    assert lint(serialise(root), SEED.name, forms) == []


def test_sheet_finding_on_the_process_reads_as_a_sentence(forms):
    root = seed_root()
    set_prop(process_of(root), "sop.daftar.dasar_hukum", "romawi")
    (finding,) = lint(serialise(root), SEED.name, forms)
    assert finding.message_id.startswith("Proses: sop.daftar.dasar_hukum \"romawi\" bukan gaya daftar")
    assert finding.message_en.startswith("Process: sop.daftar.dasar_hukum \"romawi\" is not a list style")


def test_waktu_finding_names_the_task_in_words(forms):
    root = seed_root()
    _bogus_waktu(root)
    (finding,) = lint(serialise(root), SEED.name, forms)
    assert finding.as_dict() == {
        "element_id": TASK, "severity": "error", "code": "waktu-kode-invalid",
        "message_id": finding.message_id, "message_en": finding.message_en}
    assert '"Melakukan pembahasan konsep konten"' in finding.message_id
    assert "BOGUS" in finding.message_id and "BOGUS" in finding.message_en
    assert finding.message_id.startswith("Tugas ") and finding.message_en.startswith("Task ")


def test_all_findings_are_collected_at_once(forms):
    root = seed_root()
    for mutate in (_bogus_waktu, _unnamed_flow, _missing_form, _unknown_eskalasi):
        mutate(root)
    prop(by_id(root, "s04_produksi_konten"), "sop.waktu.kode").set("value", "P2X")
    by_id(root, "f_g06_s07").find("bpmn:conditionExpression", NS).text = "open('/etc/passwd')"
    _unsafe_expression(root)
    assert summary(lint(serialise(root), SEED.name, forms)) == sorted([
        ("error", "waktu-kode-invalid", TASK),
        ("error", "waktu-kode-invalid", "s04_produksi_konten"),
        ("error", "gateway-flow-unnamed", NO_FLOW),
        ("error", "form-missing", TASK),
        ("error", "eskalasi-lane-unknown", PID),
        ("error", "expression-rejected", "f_g06_s07"),
        ("error", "expression-rejected", NO_FLOW),
    ])


def test_timer_start_without_a_recurrence_is_never_scheduled(forms):
    root = seed_root(REPORT_SEED)
    prop(by_id(root, "mulai_tiap_bulan"), "sop.waktu.kode").set("value", "P1D")
    assert summary(lint(serialise(root), REPORT_SEED.name, forms)) == [
        ("error", "timer-start-unscheduled", "mulai_tiap_bulan")]


# -- forms read from a folder of our own ------------------------------------------------------

@pytest.fixture
def own_forms(tmp_path):
    shutil.copytree(REPO / "forms", tmp_path / "forms")
    return tmp_path / "forms"


def test_invalid_json_schema(own_forms):
    (own_forms / PID / f"{TASK}.schema.json").write_text(
        json.dumps({"type": "object", "properties": {"catatan": {"type": 12}}}), encoding="utf-8")
    (finding,) = lint(SEED.read_bytes(), SEED.name, FormCatalog(own_forms))
    assert (finding.severity, finding.code, finding.element_id) == ("error", "form-invalid", TASK)
    assert f"forms/{PID}/{TASK}.schema.json" in finding.message_en


def test_form_that_is_not_json(own_forms):
    (own_forms / PID / f"{TASK}.schema.json").write_text("{not json", encoding="utf-8")
    assert summary(lint(SEED.read_bytes(), SEED.name, FormCatalog(own_forms))) == [("error", "form-invalid", TASK)]


def test_form_deleted_from_the_folder(own_forms):
    (own_forms / PID / f"{TASK}.schema.json").unlink()
    assert summary(lint(SEED.read_bytes(), SEED.name, FormCatalog(own_forms))) == [
        ("error", "form-not-found", TASK)]


def test_decision_form_without_required_keputusan(own_forms):
    path = own_forms / PID / "s06_putuskan_persetujuan.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["required"].remove("keputusan")
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert summary(lint(SEED.read_bytes(), SEED.name, FormCatalog(own_forms))) == [
        ("error", "decision-field", "s06_putuskan_persetujuan")]


def test_without_a_catalog_form_files_are_not_read():
    root = seed_root()
    _form_path_missing(root)
    assert summary(lint(serialise(root), SEED.name, None)) == [("warning", "form-path-convention", TASK)]
    _missing_form(root)
    assert summary(lint(serialise(root), SEED.name, None)) == [("error", "form-missing", TASK)]


# -- files that are not diagrams ---------------------------------------------------------------

DOCTYPE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY lol "lol">]>\n'
BAD_FILES = {
    "DOCTYPE": (DOCTYPE + SEED.read_bytes().split(b"?>", 1)[1], "xml-unsafe"),
    "external entity": (b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>', "xml-unsafe"),
    "garbage bytes": (bytes(range(256)) * 4, "xml-malformed"),
    "empty": (b"", "xml-malformed"),
    "truncated": (SEED.read_bytes()[:500], "xml-malformed"),
    "not BPMN": (b"<html><body>hello</body></html>", "not-bpmn"),
    "too large": (b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>", "file-too-large"),
    "no process": (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
                   "process-missing"),
}


@pytest.mark.parametrize("data, code", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_become_one_file_level_error(data, code, forms):
    assert summary(lint(data, "upload.bpmn", forms)) == [("error", code, None)]


def test_not_executable_process(forms):
    root = seed_root()
    root.find("bpmn:process", NS).set("isExecutable", "false")
    assert summary(lint(serialise(root), SEED.name, forms)) == [("error", "process-not-executable", PID)]


@pytest.mark.parametrize("data", [None, 42, "<not closed", b"\xff\xfe<\x00", "<bpmn:definitions/>"])
def test_lint_never_raises(data, forms):
    findings = lint(data, "x.bpmn", forms)
    assert errors(findings) and all(isinstance(f, Finding) for f in findings)
