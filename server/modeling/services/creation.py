"""A new SOP: from the template (a pool, one lane per actor column, a start and an end event,
laid out so that the SOP lint's layout checks pass) or as a copy of another SOP. Either way the
SOP starts as a draft of a new process model; its first deploy makes version 1."""
from __future__ import annotations

import re

from lxml import etree
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ...kernel import access, audit
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency, ProcessDraft, ProcessModel, ProcessVersion
from ...sop.identity import NAME_MAX, PROPERTIES
from ...sop.slugs import fresh, key_of
from ..lint_rules import BPMN, NS
from . import diagrams
from .lookup import owned_agencies, owned_model

SPIFF = NS["spiffworkflow"]
BPMNDI, DC, DI = NS["bpmndi"], NS["dc"], NS["di"]
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ALUR = "urn:alur:bpmn:1.0"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "spiffworkflow": SPIFF, "alur": ALUR}

NOMOR_MAX, LANE_MAX, LANES_MAX, KEY_MAX = 200, 300, 30, 60
# The template's own element ids; a key equal to one of them gets a suffix.
TEMPLATE_IDS = {"mulai", "selesai", "f_mulai_selesai"}

# Layout (pixels): the pool's label band, each lane's height, the pool's width.
POOL_X, POOL_Y, BAND, LANE_H, WIDTH, EVENT = 160, 80, 30, 200, 1200, 36


def create(alur: Alur, actor: Actor, name: str, nomor: str = "", lanes: list | None = None,
           agency: str | None = None, copy_of: str | None = None, copy_agency: str | None = None) -> dict:
    """{key, agency} of the new SOP; 422 with a message per field, nothing created. `copy_of`:
    the key of the SOP to copy (of `copy_agency`, else of the target agency or the owner's only one).
    The values as a request carried them: their types are checked here, after the access policy."""
    errors = {field: _field("Harus berupa teks.", "Must be text.")
              for field, value in (("name", name), ("nomor", nomor), ("agency", agency), ("copy_of", copy_of),
                                   ("copy_agency", copy_agency))
              if value is not None and not isinstance(value, str)}
    if lanes is not None and not (isinstance(lanes, list) and all(isinstance(lane, str) for lane in lanes)):
        errors["lanes"] = _field("Harus daftar teks, satu per pelaksana.", "Must be a list of texts, one per actor.")
    name, nomor = [_text(v) if isinstance(v, str) else "" for v in (name, nomor)]
    agency, copy_of, copy_agency = [v.strip() if isinstance(v, str) and v.strip() else None
                                    for v in (agency, copy_of, copy_agency)]
    lanes = [_text(lane) for lane in lanes if _text(lane)] if "lanes" not in errors and lanes else []
    errors = {**_check(name, nomor, lanes, template=not copy_of), **errors}
    now = alur.clock.now()
    try:
        with alur.db.transaction() as s:
            target = target_agency(s, actor, agency, errors)
            source = _source(s, actor, copy_of, copy_agency or (target.slug if target else None), errors) \
                if copy_of else None
            if errors:
                raise refused_fields(errors)
            key = _unique_key(s, target.id, name, taken=source[2] if source else set())
            if source:
                xml = _copy(source[0], source[1], key, name, nomor, target)
            else:
                xml = template(key, name, nomor, lanes, target.slug, target.name)
            model = ProcessModel(agency_id=target.id, key=key, name=name, created_at=now)
            s.add(model)
            s.flush()
            s.add(ProcessDraft(process_model_id=model.id, xml=xml, revision=1, saved_by_id=actor.id, saved_at=now))
            audit.record(s, now, "process.created", actor_id=actor.id, agency_id=target.id,
                         after={"key": key, "name": name, "nomor": nomor, "lanes": lanes,
                                "copy_of": source[3] if source else None})
    except IntegrityError:  # another owner created the same key at the same moment
        raise Conflict("SOP dengan nama yang sama baru saja dibuat; coba lagi.",
                       "An SOP with the same name was created just now; try again.") from None
    return {"key": key, "agency": target.slug}


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _field(message_id: str, message_en: str) -> list[dict]:
    return [{"id": message_id, "en": message_en}]


def _check(name: str, nomor: str, lanes: list[str], template: bool) -> dict:
    errors: dict = {}
    if not name:
        errors["name"] = _field("Wajib diisi.", "This field is required.")
    elif len(name) > NAME_MAX:
        errors["name"] = _field(f"Paling panjang {NAME_MAX} karakter.", f"At most {NAME_MAX} characters.")
    if len(nomor) > NOMOR_MAX:
        errors["nomor"] = _field(f"Paling panjang {NOMOR_MAX} karakter.", f"At most {NOMOR_MAX} characters.")
    if template:
        seen = [lane.casefold() for lane in lanes]
        if not lanes:
            errors["lanes"] = _field("Tulis paling sedikit satu pelaksana (satu per baris).",
                                     "Write at least one actor (one per line).")
        elif len(lanes) > LANES_MAX:
            errors["lanes"] = _field(f"Paling banyak {LANES_MAX} pelaksana.", f"At most {LANES_MAX} actors.")
        elif any(len(lane) > LANE_MAX for lane in lanes):
            errors["lanes"] = _field(f"Nama pelaksana paling panjang {LANE_MAX} karakter.",
                                     f"An actor's name is at most {LANE_MAX} characters.")
        elif len(set(seen)) != len(seen):
            twice = next(lane for lane in lanes if seen.count(lane.casefold()) > 1)
            errors["lanes"] = _field(f"Pelaksana \"{twice}\" tertulis lebih dari sekali.",
                                     f"The actor \"{twice}\" is written more than once.")
    return errors


def refused_fields(errors: dict) -> InvalidInput:
    return InvalidInput("Periksa isian yang ditandai; SOP belum dibuat.",
                        "Check the marked fields; the SOP was not created.", fields=errors)


def target_agency(s, actor: Actor, slug: str | None, errors: dict) -> Agency | None:
    """The agency a new SOP belongs to: the one named, or the owner's only one (403 for someone who
    owns none; a message in `errors["agency"]` when the name is unknown or the choice is open)."""
    owned = owned_agencies(s, actor)
    if not owned:
        raise Forbidden(*access.RULES["model.edit"][1:])
    if slug:
        found = next((a for a in owned if a.slug == slug), None)
        if found is None:
            other = s.scalar(select(Agency.id).where(Agency.slug == slug))
            if other is not None:
                access.require(actor, "model.edit", access.Facts(other))
            errors["agency"] = _field(f"Instansi '{slug}' tidak dikenal.", f"Unknown agency '{slug}'.")
        return found
    if len(owned) > 1:
        errors["agency"] = _field("Pilih instansinya.", "Choose the agency.")
        return None
    return owned[0]


def _source(s, actor: Actor, copy_of: str, agency: str | None, errors: dict):
    """(the source's XML, its key, its element ids, what the audit says) of the SOP to copy:
    its active version, or its draft when it was never deployed."""
    try:
        model, found = owned_model(s, actor, copy_of, agency)
    except NotFound:
        try:
            model, found = owned_model(s, actor, copy_of)
        except NotFound:
            errors["copy_of"] = _field(f"SOP '{copy_of}' tidak ditemukan.", f"SOP '{copy_of}' not found.")
            return None
    version = s.execute(select(ProcessVersion.bpmn_xml, ProcessVersion.version)
                        .where(ProcessVersion.process_model_id == model.id, ProcessVersion.active.is_(True))
                        ).one_or_none()
    xml = version.bpmn_xml if version else s.scalar(select(ProcessDraft.xml)
                                                    .where(ProcessDraft.process_model_id == model.id))
    if xml is None:
        errors["copy_of"] = _field("SOP itu belum memiliki diagram.", "That SOP has no diagram yet.")
        return None
    ids = {el.get("id") for el in diagrams.parse(xml).iter(etree.Element) if el.get("id")}
    return xml, model.key, ids, {"key": model.key, "agency": found.slug,
                                 "version": version.version if version else None}


def slug_of(text: str) -> str:
    """An ASCII id from a name, as an imported SOP's: 'Publikasi Berita (Website)' -> 'publikasi_berita_website'."""
    return key_of(text, KEY_MAX)


def _unique_key(s, agency_id: int, name: str, taken: set) -> str:
    base = slug_of(name)
    used = set(s.scalars(select(ProcessModel.key).where(ProcessModel.agency_id == agency_id,
                                                        ProcessModel.key.startswith(base))))
    return fresh(base, used | set(taken) | TEMPLATE_IDS)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent, ns: str, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, _q(ns, tag), {k: str(v) for k, v in attrs.items()})


def set_property(el, name: str, value: str) -> None:
    """Sets the spiffworkflow property `name` of `el` (made where missing)."""
    ext = el.find("bpmn:extensionElements", NS)
    if ext is None:
        ext = etree.Element(_q(BPMN, "extensionElements"))
        docs = el.findall("bpmn:documentation", NS)
        el.insert(el.index(docs[-1]) + 1 if docs else 0, ext)
    props = ext.find("spiffworkflow:properties", NS)
    if props is None:
        props = _sub(ext, SPIFF, "properties")
    found = props.find(f"spiffworkflow:property[@name='{name}']", NS)
    if found is None:
        found = _sub(props, SPIFF, "property", name=name)
    found.set("value", value)


def template(key: str, name: str, nomor: str, lanes: list[str], agency_slug: str, agency_name: str) -> str:
    """The new SOP's diagram: identity block, one lane per actor in order, start and end in the
    first lane joined by one flow, and the full layout (BPMN DI)."""
    root = etree.Element(_q(BPMN, "definitions"), nsmap=NSMAP, id=f"defs_{key}",
                         targetNamespace="http://bpmn.io/schema/bpmn", exporter="Alur", exporterVersion="1")
    collab = _sub(root, BPMN, "collaboration", id=f"collab_{key}")
    _sub(collab, BPMN, "participant", id=f"pool_{key}", name=name, processRef=key)
    process = _sub(root, BPMN, "process", id=key, name=name, isExecutable="true")
    identity = {prop: "" for prop in PROPERTIES}
    identity.update({"sop.instansi": agency_name, "sop.nomor": nomor, "sop.nama": name})
    for prop, value in [*identity.items(), ("alur.agency", agency_slug)]:
        set_property(process, prop, value)
    lane_set = _sub(process, BPMN, "laneSet", id=f"laneset_{key}")
    lane_ids = _lane_ids(lanes)
    for index, (lane, lane_id) in enumerate(zip(lanes, lane_ids)):
        el = _sub(lane_set, BPMN, "lane", id=lane_id, name=lane)
        if index == 0:
            _sub(el, BPMN, "flowNodeRef").text = "mulai"
            _sub(el, BPMN, "flowNodeRef").text = "selesai"
    start = _sub(process, BPMN, "startEvent", id="mulai", name="Mulai")
    _sub(start, BPMN, "outgoing").text = "f_mulai_selesai"
    end = _sub(process, BPMN, "endEvent", id="selesai", name="Selesai")
    _sub(end, BPMN, "incoming").text = "f_mulai_selesai"
    _sub(process, BPMN, "sequenceFlow", id="f_mulai_selesai", sourceRef="mulai", targetRef="selesai")
    _layout(root, key, lane_ids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _lane_ids(lanes: list[str]) -> list[str]:
    ids: list[str] = []
    taken: set[str] = set()
    for index, lane in enumerate(lanes, 1):
        base = f"lane_{slug_of(lane)}" if re.search(r"[A-Za-z0-9]", lane) else f"lane_{index}"
        ids.append(fresh(base, taken))
    return ids


def _layout(root, key: str, lane_ids: list[str]) -> None:
    diagram = _sub(root, BPMNDI, "BPMNDiagram", id=f"diagram_{key}")
    plane = _sub(diagram, BPMNDI, "BPMNPlane", id=f"plane_{key}", bpmnElement=f"collab_{key}")

    def shape(element_id: str, x, y, w, h, horizontal: bool = False, label: bool = False):
        el = _sub(plane, BPMNDI, "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id,
                  **({"isHorizontal": "true"} if horizontal else {}))
        _sub(el, DC, "Bounds", x=x, y=y, width=w, height=h)
        if label:
            _sub(_sub(el, BPMNDI, "BPMNLabel"), DC, "Bounds", x=x + w // 2 - 40, y=y + h + 6, width=80, height=14)

    shape(f"pool_{key}", POOL_X, POOL_Y, WIDTH, LANE_H * len(lane_ids), horizontal=True)
    for index, lane_id in enumerate(lane_ids):
        shape(lane_id, POOL_X + BAND, POOL_Y + index * LANE_H, WIDTH - BAND, LANE_H, horizontal=True)
    middle = POOL_Y + LANE_H // 2
    start_x, end_x = POOL_X + BAND + 60, POOL_X + WIDTH - 60 - EVENT
    shape("mulai", start_x, middle - EVENT // 2, EVENT, EVENT, label=True)
    shape("selesai", end_x, middle - EVENT // 2, EVENT, EVENT, label=True)
    edge = _sub(plane, BPMNDI, "BPMNEdge", id="f_mulai_selesai_di", bpmnElement="f_mulai_selesai")
    _sub(edge, DI, "waypoint", x=start_x + EVENT, y=middle)
    _sub(edge, DI, "waypoint", x=end_x, y=middle)


def _copy(xml: str, old_key: str, key: str, name: str, nomor: str, target: Agency) -> str:
    """The source's diagram as a new SOP: its process id is the new key, its name and number the
    new ones, its agency the target (everything else, forms included, as the source has it)."""
    root = diagrams.parse(xml)
    process = root.find(f"bpmn:process[@id='{old_key}']", NS)
    process.set("id", key)
    process.set("name", name)
    for pool in root.iterfind("bpmn:collaboration/bpmn:participant", NS):
        if pool.get("processRef") == old_key:
            pool.set("processRef", key)
            pool.set("name", name)
    for prop, value in (("sop.nama", name), ("sop.nomor", nomor), ("alur.agency", target.slug)):
        set_property(process, prop, value)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8").decode("utf-8")
