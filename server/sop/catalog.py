"""Reads the SOP facts kept in a diagram (see docs/authoring-sops.md) into plain data.

Read once at deploy time and stored with the version, so that the inbox, the API and the
audit can show "step 6, Kegiatan ..., Waktu 30 menit" without parsing BPMN on a request.
"""
from __future__ import annotations

from lxml import etree

from .embedded_forms import embedded_forms

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

_TASK_TAGS = ("userTask", "manualTask", "serviceTask", "scriptTask", "task", "sendTask", "receiveTask")
_KIND = {"startEvent": "start", "endEvent": "end", "exclusiveGateway": "gateway",
         "parallelGateway": "gateway", "inclusiveGateway": "gateway", "boundaryEvent": "boundary",
         "intermediateCatchEvent": "event", "intermediateThrowEvent": "event"}


def _properties(element) -> dict[str, str]:
    return {p.get("name"): p.get("value", "")
            for p in element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                   namespaces=NS)}


def _list_styles(props: dict[str, str]) -> dict[str, str]:
    """Which Mutu Baku and Keterangan cells are lists (one item per line), and how the SOP
    prints them: {"kelengkapan": "angka"}; a cell that is absent here is plain lines."""
    return {field: props[f"sop.daftar.{field}"].strip() for field in ("kelengkapan", "waktu", "output", "keterangan")
            if props.get(f"sop.daftar.{field}", "").strip()}


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _lanes(process) -> tuple[list[str], dict[str, str]]:
    names, by_node = [], {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        if lane.find(f"{{{BPMN}}}childLaneSet") is not None:
            continue
        name = lane.get("name") or lane.get("id")
        names.append(name)
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            by_node[(ref.text or "").strip()] = name
    return names, by_node


def read_catalog(root: etree._Element, process_id: str) -> dict:
    """Everything the server shows about a process without running it."""
    process = root.find(f"{{{BPMN}}}process[@id='{process_id}']")
    if process is None:
        raise KeyError(process_id)
    lanes, lane_of = _lanes(process)
    identity = {k: v for k, v in _properties(process).items() if k.startswith(("sop.", "alur."))}
    forms = embedded_forms(process)
    steps, starts, ends = {}, [], {}
    for element in process:
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        element_id = element.get("id")
        props = _properties(element)
        # a form embedded at deploy is named by its element id; a filename is what a version
        # deployed before forms were embedded named (server/kernel/versions.py reads both)
        form = element_id if element_id in forms else props.get("formJsonSchemaFilename")
        if tag in _TASK_TAGS:
            steps[element_id] = {
                "element_id": element_id,
                "type": tag,
                "name": element.get("name") or element_id,
                "kegiatan": _text(element, "bpmn:documentation") or element.get("name") or "",
                "lane": lane_of.get(element_id),
                "no": props.get("sop.no", ""),
                "no_cetak": props.get("sop.no.cetak", "") or props.get("sop.no", ""),
                "kelengkapan": props.get("sop.kelengkapan", ""),
                "waktu": props.get("sop.waktu", ""),
                "waktu_kode": props.get("sop.waktu.kode", ""),
                "waktu_acuan": props.get("sop.waktu.acuan", ""),
                "output": props.get("sop.output", ""),
                "keterangan": props.get("sop.keterangan", ""),
                "daftar": _list_styles(props),
                "form": form,
            }
        elif _KIND.get(tag) == "start":
            starts.append({
                "element_id": element_id,
                "name": element.get("name") or "",
                "lane": lane_of.get(element_id),
                "form": form,
                "timer": element.find(f"{{{BPMN}}}timerEventDefinition") is not None,
                "waktu_kode": props.get("sop.waktu.kode", ""),
            })
        elif _KIND.get(tag) == "end":
            ends[element_id] = element.get("name") or element_id
    return {
        "process_id": process_id,
        "name": process.get("name") or identity.get("sop.nama") or process_id,
        "identity": identity,
        "lanes": lanes,
        "starts": starts,
        "steps": steps,
        "ends": ends,
        "forms": forms,
    }
