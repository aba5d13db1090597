"""The semantic diff of two versions: a changed Waktu with its old and new values, a removed task
(its tenggat marker folded into it, not listed as an element), flows re-routed, form fields
added, removed and changed, layout-only moves; through the API and on the diagrams alone."""
from __future__ import annotations

import copy
import json

from lxml import etree

from server.modeling.services import creation
from server.modeling.services.diff import semantic_diff
from tests.modeling.helpers import KEMENPORA, KEY, ROOT

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "alur": "urn:alur:bpmn:1.0"}
OWNER = "kemenpora.pemilik"
S02, S03, S04 = "s02_perintahkan_pembahasan_konsep", "s03_bahas_konsep_konten", "s04_produksi_konten"


def _root(xml: bytes = KEMENPORA):
    return etree.fromstring(xml)


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _node(root, element_id: str):
    return root.find(f".//*[@id='{element_id}']")


def _set(root, element_id: str, name: str, value: str) -> None:
    creation.set_property(_node(root, element_id), name, value)


def remove_task(root, task_id: str) -> None:
    """Removes a task with one way in and one out: its incoming flow goes on to its successor; its
    boundary events (and what only they lead to), lane references and drawings go with it."""
    process = _node(root, task_id).getparent()
    flows = process.findall("bpmn:sequenceFlow", NS)
    [out] = [f for f in flows if f.get("sourceRef") == task_id]
    successor = out.get("targetRef")
    gone = {task_id, out.get("id")}
    for event in process.findall("bpmn:boundaryEvent", NS):
        if event.get("attachedToRef") == task_id:
            gone.add(event.get("id"))
            for f in flows:
                if f.get("sourceRef") == event.get("id"):
                    gone |= {f.get("id"), f.get("targetRef")}
    for f in flows:
        if f.get("targetRef") == task_id:
            f.set("targetRef", successor)
            for ref in _node(root, successor).findall("bpmn:incoming", NS):
                if ref.text == out.get("id"):
                    ref.text = f.get("id")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.get("id") in gone or el.get("bpmnElement") in gone or \
                (etree.QName(el).localname in ("flowNodeRef", "incoming", "outgoing") and el.text in gone):
            el.getparent().remove(el)


def embed_form(root, element_id: str, schema: dict) -> None:
    ext = _node(root, element_id).find("bpmn:extensionElements", NS)
    for old in ext.findall("alur:form", NS):
        ext.remove(old)
    etree.SubElement(ext, f"{{{NS['alur']}}}form").text = json.dumps(schema, ensure_ascii=False)


def _deploy(owner, root, note: str):
    r = owner.post(f"/processes/{KEY}/versions", json={"bpmn": _xml(root).decode("utf-8"), "note": note})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["version"]


def _changes(diff: dict, element_id: str) -> dict:
    entry = next(e for e in diff["changed"] if e["id"] == element_id)
    return {c["property"]: (c["old"], c["new"]) for c in entry["changes"]}


def test_a_changed_waktu_and_a_removed_task_in_the_diff(login):
    owner = login(OWNER)
    root = _root()
    old_waktu = _node(root, S02).find(".//spiffworkflow:property[@name='sop.waktu']", NS).get("value")
    old_kode = _node(root, S02).find(".//spiffworkflow:property[@name='sop.waktu.kode']", NS).get("value")
    _set(root, S02, "sop.waktu", "2 jam")
    _set(root, S02, "sop.waktu.kode", "PT2H")
    incoming = next(f.get("id") for f in root.iterfind(".//bpmn:sequenceFlow", NS) if f.get("targetRef") == S03)
    remove_task(root, S03)
    assert _deploy(owner, root, "Waktu langkah 2 dua jam; langkah 3 dihapus") == 2

    r = owner.get(f"/processes/{KEY}/diff?from=1&to=2")
    assert r.status_code == 200
    diff = r.get_json()
    assert (diff["from"], diff["to"]) == (1, 2)
    changes = _changes(diff, S02)
    assert changes["sop.waktu"] == (old_waktu, "2 jam")
    assert changes["sop.waktu.kode"] == (old_kode, "PT2H")
    removed = {e["id"]: e for e in diff["removed"]}
    assert removed[S03]["type"] == "userTask" and removed[S03]["name"]
    assert f"batas_{S03}" not in removed  # the tenggat marker is part of its task, not an element
    assert _changes(diff, incoming)["target"] == (S03, S04)
    assert not diff["added"]
    assert owner.get(f"/processes/{KEY}/diff?from=2&to=1").get_json()["added"][0]["id"] == S03


def test_form_fields_in_the_diff(login):
    owner = login(OWNER)
    schema = json.loads((ROOT / "forms" / KEY / f"{S04}.schema.json").read_text(encoding="utf-8"))
    root = _root()
    embed_form(root, S04, schema)
    assert _deploy(owner, root, "Formulir tertanam") == 2
    changed = copy.deepcopy(schema)
    changed["properties"]["data_riset"]["maxLength"] = 500
    changed["properties"]["hasil_produksi"]["maxItems"] = 3
    changed["properties"]["jenis_konten"]["enum"].append("Infografis")
    del changed["properties"]["catatan"]
    changed["properties"]["tautan"] = {"type": "string", "title": "Tautan", "format": "uri"}
    changed["required"].append("data_riset")
    embed_form(root, S04, changed)
    assert _deploy(owner, root, "Formulir diubah") == 3

    diff = owner.get(f"/processes/{KEY}/diff?from=2&to=3").get_json()
    changes = _changes(diff, S04)
    assert changes["form.data_riset.maxLength"] == (2000, 500)
    assert changes["form.data_riset.required"] == (False, True)
    assert changes["form.hasil_produksi.maxItems"] == (None, 3)
    assert json.loads(changes["form.jenis_konten.enum"][1])[-1] == "Infografis"
    assert changes["form.catatan"] == ("Catatan", None)
    assert changes["form.tautan"] == (None, "Tautan")
    assert not any(p.startswith(("form.tautan.", "form.catatan.")) for p in changes)  # one change per field
    assert [e["id"] for e in diff["changed"]] == [S04]


def test_a_drawing_moved_is_layout_only():
    old = creation.template("uji", "Uji", "1", ["A", "B"], "kemenpora", "Kemenpora").encode()
    root = _root(old)
    bounds = root.find(".//bpmndi:BPMNShape[@bpmnElement='selesai']/*", NS)
    bounds.set("x", str(float(bounds.get("x")) - 100))
    diff = semantic_diff(old, _xml(root))
    assert diff == {"added": [], "removed": [], "changed": [], "layout_changed": ["selesai"]}


def test_names_kegiatan_lanes_conditions_and_identity_on_the_diagrams_alone():
    old = KEMENPORA
    root = _root()
    task = _node(root, S04)
    task.set("name", "Memproduksi konten")
    task.find("bpmn:documentation", NS).text = "Kegiatan baru"
    _set(root, root.find("bpmn:process", NS).get("id"), "sop.nomor", "9/2026")
    _set(root, S04, "alur.tafsiran", "tidak tergambar di SOP")
    condition = next(c for c in root.iterfind(".//bpmn:conditionExpression", NS))
    flow_id = condition.getparent().get("id")
    condition.text = 'keputusan == "Lain"'
    lanes = root.findall(".//bpmn:lane", NS)
    ref = next(r for lane in lanes for r in lane.findall("bpmn:flowNodeRef", NS) if r.text == S04)
    old_lane = ref.getparent().get("name")
    target = next(lane for lane in lanes if lane is not ref.getparent())
    ref.getparent().remove(ref)
    etree.SubElement(target, f"{{{NS['bpmn']}}}flowNodeRef").text = S04
    diff = semantic_diff(old, _xml(root))
    changes = _changes(diff, S04)
    assert changes["name"][1] == "Memproduksi konten" and changes["kegiatan"][1] == "Kegiatan baru"
    assert changes["lane"] == (old_lane, target.get("name"))
    assert changes["alur.tafsiran"] == (None, "tidak tergambar di SOP")
    assert _changes(diff, KEY)["sop.nomor"][1] == "9/2026"
    assert _changes(diff, flow_id)["condition"][1] == 'keputusan == "Lain"'


def test_the_tenggat_marker_follows_the_waktu():
    root = _root()
    marker = _node(root, f"batas_{S03}")  # the seed's marker (conventions, 2)
    marker.getparent().remove(marker)
    diff = semantic_diff(KEMENPORA, _xml(root))
    assert _changes(diff, S03)["tenggat"] == (f'tenggat("{S03}")', None)
    assert not diff["removed"]
