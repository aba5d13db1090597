"""A new SOP: from the template (pool, one lane per actor in order, start in the first, end, full
layout, identity block) it lints without a finding and deploys once a task is added; as a copy
of another SOP under a new key; refused field by field; not startable before its first deploy."""
from __future__ import annotations

from lxml import etree

from server.modeling import lint
from server.modeling.services import creation
from tests.modeling.helpers import KEY, XML

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}
OWNER = "kemenpora.pemilik"
LANES = ["Kepala Biro", "Ketua Tim", "Staf Publikasi"]


def _props(el) -> dict:
    return {p.get("name"): p.get("value") for p in el.iterfind(".//spiffworkflow:property", NS)}


def test_the_template_is_complete_and_lints_without_a_finding(seeded):
    xml = creation.template("publikasi_berita", "Publikasi Berita", "12/HUMAS/2026", LANES, "kemenpora",
                            "Kementerian Pemuda dan Olahraga")
    root = etree.fromstring(xml.encode())
    process = root.find("bpmn:process", NS)
    assert process.get("id") == "publikasi_berita" and process.get("isExecutable") == "true"
    assert root.find("bpmn:collaboration/bpmn:participant", NS).get("processRef") == "publikasi_berita"
    lanes = process.findall(".//bpmn:lane", NS)
    assert [lane.get("name") for lane in lanes] == LANES
    assert [r.text for r in lanes[0].findall("bpmn:flowNodeRef", NS)] == ["mulai", "selesai"]
    props = _props(process)
    assert (props["sop.nama"], props["sop.nomor"], props["alur.agency"]) == \
        ("Publikasi Berita", "12/HUMAS/2026", "kemenpora")
    drawn = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    assert drawn == {"pool_publikasi_berita", "mulai", "selesai", *(lane.get("id") for lane in lanes)}
    # an empty SOP (start -> end) may be deployed as it is: no error, no warning
    assert lint.lint(xml.encode(), "baru.bpmn", seeded.forms) == []


def _with_task(xml: str, lane_index: int = 1) -> bytes:
    """The template with one user task between start and end, in the given lane, drawn."""
    root = etree.fromstring(xml.encode())
    process = root.find("bpmn:process", NS)
    flow = process.find("bpmn:sequenceFlow", NS)
    flow.set("targetRef", "s01_periksa")
    task = etree.SubElement(process, f"{{{NS['bpmn']}}}userTask", id="s01_periksa", name="Memeriksa naskah")
    etree.SubElement(task, f"{{{NS['bpmn']}}}documentation").text = "Memeriksa naskah berita"
    for name, value in (("sop.no", "1"), ("sop.kelengkapan", "Naskah"), ("sop.waktu", ""), ("sop.waktu.kode", ""),
                        ("sop.output", "Naskah diperiksa"),
                        ("formJsonSchemaFilename", f"{KEY}/s03_bahas_konsep_konten.schema.json")):
        creation.set_property(task, name, value)
    etree.SubElement(process, f"{{{NS['bpmn']}}}sequenceFlow", id="f_s01_selesai", sourceRef="s01_periksa",
                     targetRef="selesai")
    lane = process.findall(".//bpmn:lane", NS)[lane_index]
    etree.SubElement(lane, f"{{{NS['bpmn']}}}flowNodeRef").text = "s01_periksa"
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    lane_box = plane.find(f"bpmndi:BPMNShape[@bpmnElement='{lane.get('id')}']/dc:Bounds", NS)
    y = float(lane_box.get("y")) + 60
    shape = etree.SubElement(plane, f"{{{NS['bpmndi']}}}BPMNShape", id="s01_di", bpmnElement="s01_periksa")
    etree.SubElement(shape, f"{{{NS['dc']}}}Bounds", x="600", y=str(y), width="100", height="80")
    start = plane.find("bpmndi:BPMNShape[@bpmnElement='mulai']/dc:Bounds", NS)
    end = plane.find("bpmndi:BPMNShape[@bpmnElement='selesai']/dc:Bounds", NS)
    sy, ey = float(start.get("y")) + 18, float(end.get("y")) + 18
    edge = plane.find("bpmndi:BPMNEdge[@bpmnElement='f_mulai_selesai']", NS)
    for p in list(edge):
        edge.remove(p)
    for x, yy in ((float(start.get("x")) + 36, sy), (650, sy), (650, y)):
        etree.SubElement(edge, f"{{{NS['di']}}}waypoint", x=str(x), y=str(yy))
    back = etree.SubElement(plane, f"{{{NS['bpmndi']}}}BPMNEdge", id="f_s01_selesai_di", bpmnElement="f_s01_selesai")
    for x, yy in ((700, y + 40), (float(end.get("x")) + 18, y + 40), (float(end.get("x")) + 18, ey + 18)):
        etree.SubElement(back, f"{{{NS['di']}}}waypoint", x=str(x), y=str(yy))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_new_sop_gets_a_draft_and_deploys_once_it_has_a_task(login):
    owner = login(OWNER)
    r = owner.post("/processes", json={"name": "Publikasi Berita (Website)", "nomor": "12/2026", "lanes": LANES})
    assert r.status_code == 201, r.get_json()
    assert r.get_json() == {"key": "publikasi_berita_website", "agency": "kemenpora"}
    key = r.get_json()["key"]
    again = owner.post("/processes", json={"name": "Publikasi Berita (Website)", "lanes": ["Staf"]})
    assert again.get_json()["key"] == "publikasi_berita_website_2"

    draft = owner.get(f"/processes/{key}/draft")
    assert draft.status_code == 200 and draft.headers["ETag"].endswith('.1"')
    assert [lane.get("name") for lane in etree.fromstring(draft.data).iterfind(".//bpmn:lane", NS)] == LANES
    assert owner.get(f"/processes/{key}/versions").get_json() == {"items": []}
    assert key not in {p["key"] for p in owner.get("/processes").get_json()["items"]}  # nothing to start yet

    with_task = _with_task(draft.get_data(as_text=True))
    linted = owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=with_task).get_json()
    assert linted["errors"] == 0, linted["findings"]
    saved = owner.client.put(f"/api/v1/processes/{key}/draft", data=with_task,
                             headers={**owner.headers, **XML, "If-Match": draft.headers["ETag"]})
    assert saved.status_code == 200
    deployed = owner.post(f"/processes/{key}/versions", json={"bpmn": with_task.decode(), "note": "Versi pertama"})
    assert deployed.status_code == 201, deployed.get_json()
    assert deployed.get_json()["version"] == 1
    listed = {p["key"]: p for p in owner.get("/processes").get_json()["items"]}
    assert listed[key]["lanes"] == LANES and listed[key]["sop_nomor"] == "12/2026"


def test_a_copy_of_another_sop_has_its_own_key(login):
    owner = login(OWNER)
    r = owner.post("/processes", json={"name": "Publikasi Media Sosial Unit", "nomor": "5/2026", "copy_of": KEY})
    assert r.status_code == 201, r.get_json()
    key = r.get_json()["key"]
    root = etree.fromstring(owner.get(f"/processes/{key}/draft").data)
    process = root.find("bpmn:process", NS)
    assert process.get("id") == key and process.get("name") == "Publikasi Media Sosial Unit"
    assert root.find("bpmn:collaboration/bpmn:participant", NS).get("processRef") == key
    assert _props(process)["sop.nomor"] == "5/2026" and _props(process)["sop.nama"] == "Publikasi Media Sosial Unit"
    source = etree.fromstring(owner.get(f"/processes/{KEY}/versions/1/bpmn").data)
    assert len(root.findall(".//bpmn:userTask", NS)) == len(source.findall(".//bpmn:userTask", NS))
    deployed = owner.post(f"/processes/{key}/versions",
                          json={"bpmn": etree.tostring(root).decode(), "note": "Salinan"})
    assert deployed.status_code == 201, deployed.get_json()


def test_a_new_sop_is_refused_field_by_field_and_nothing_is_made(login):
    owner = login(OWNER)
    r = owner.post("/processes", json={"name": "", "lanes": []})
    assert r.status_code == 422 and {"name", "lanes"} <= set(r.get_json()["fields"])
    twice = owner.post("/processes", json={"name": "Uji", "lanes": ["Staf", "staf"]})
    assert twice.status_code == 422 and "lanes" in twice.get_json()["fields"]
    assert owner.post("/processes", json={"name": "Uji", "lanes": "Staf"}).status_code == 422
    assert owner.post("/processes", json={"name": "Uji", "copy_of": "tidak_ada"}).status_code == 422
    assert owner.post("/processes", json={"name": "Uji", "lanes": ["A"], "agency": "bsip"}).status_code == 403
    assert owner.post("/processes", json={"name": "Uji", "lanes": ["A"], "agency": "tidak-ada"}).status_code == 422
    assert owner.get("/processes/uji/draft").status_code == 404


def test_only_a_process_owner_makes_a_new_sop(login, client):
    for username in ("kemenpora.karo", "kemenpora.pengawas", "kemenpora.admin_instansi", "inspektorat"):
        assert login(username).post("/processes", json={"name": "Uji", "lanes": ["A"]}).status_code == 403
    # a process owner of another agency may not copy Kemenpora's SOP
    assert login("bsip.pemilik").post("/processes", json={"name": "Uji", "copy_of": KEY}).status_code == 403
    assert client.post("/api/v1/processes", json={"name": "Uji", "lanes": ["A"]}).status_code == 401


def test_keys_are_ascii_ids():
    assert creation.slug_of("Pengelolaan Publikasi Média Sosial") == "pengelolaan_publikasi_media_sosial"
    assert creation.slug_of("2024: Laporan") == "sop_2024_laporan"
    assert creation.slug_of("???") == "sop"
    assert len(creation.slug_of("kata " * 40)) <= creation.KEY_MAX
