"""The semantic diff of two versions of an SOP: what the official SOP would show as changed.

Elements are matched by id. An element present on one side only is added or removed; one on
both sides is changed when any of its properties differs: its name, its Kegiatan
(documentation), its lane, every `sop.*`/`alur.*` property, a flow's source, target and
condition, a task's tenggat marker (the due-time timer that follows from its Waktu: shown as the
task's `tenggat`, never as an element of its own) and the fields of its embedded form
(`form.<field>` added or removed, `form.<field>.<attribute>` changed). An element whose drawing
alone moved is in `layout_changed`.
"""
from __future__ import annotations

import json


from ...sop.markers import is_deadline_marker
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...sop.embedded_forms import form_text, parse_form
from ..lint_rules import BPMN, FLOW_NODES, NS, local, properties
from . import diagrams, versions
from .lookup import owned_model

FORM_ATTRIBUTES = ("title", "type", "maxLength", "required", "enum", "x-alur-widget", "x-alur-accept",
                   "minItems", "maxItems")


def diff_versions(alur: Alur, actor: Actor, key: str, old: int, new: int, agency: str | None = None,
                  with_names: bool = False) -> dict:
    """The diff between versions `old` and `new` of SOP `key` (either order). `with_names` adds
    `names` (element id -> name, of both versions) for a page that shows a flow's ends by name."""
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        old_xml = versions.find_version(s, model.id, key, old).bpmn_xml
        new_xml = versions.find_version(s, model.id, key, new).bpmn_xml
    return {"from": old, "to": new, **semantic_diff(old_xml, new_xml, with_names)}


def semantic_diff(old_xml: bytes | str, new_xml: bytes | str, with_names: bool = False) -> dict:
    """{added, removed, changed, layout_changed} between two diagrams (parsed safely: deployed
    versions are trusted, but no XML is read any other way)."""
    old_root, new_root = diagrams.parse(old_xml), diagrams.parse(new_xml)
    before, after = _elements(old_root), _elements(new_root)
    added = [_summary(after[i]) for i in after if i not in before]
    removed = [_summary(before[i]) for i in before if i not in after]
    changed = []
    for element_id in (i for i in after if i in before):
        old_props, new_props = before[element_id]["props"], after[element_id]["props"]
        owners = {**before[element_id]["owners"], **after[element_id]["owners"]}
        changes = [{"property": name, "old": old_props.get(name), "new": new_props.get(name)}
                   for name in _names(old_props, new_props)
                   if old_props.get(name) != new_props.get(name) and _shown(owners.get(name), old_props, new_props)]
        if changes:
            changed.append({**_summary(after[element_id]), "changes": changes})
    touched = {e["id"] for e in [*added, *removed, *changed]}
    old_layout, new_layout = _layout(old_root), _layout(new_root)
    layout_changed = [i for i in after if i in before and i not in touched
                      and old_layout.get(i) != new_layout.get(i)]
    found = {"added": added, "removed": removed, "changed": changed, "layout_changed": layout_changed}
    if with_names:
        found["names"] = {i: e["props"]["name"] for i, e in {**before, **after}.items() if e["props"].get("name")}
    return found


def _shown(field: str | None, old: dict, new: dict) -> bool:
    """A form field added or removed is one change (`form.<field>`), not one per attribute;
    `field` is the field an attribute's property belongs to (None for other properties)."""
    return field is None or (field in old and field in new)


def _names(old: dict, new: dict) -> list[str]:
    """Property names in a stable order: the old element's first, then those only the new has."""
    return [*old, *(name for name in new if name not in old)]


def _summary(element: dict) -> dict:
    return {"id": element["id"], "type": element["type"], "name": element["props"].get("name")}


def _elements(root) -> dict[str, dict]:
    """id -> {id, type, props} for every process, pool, lane, flow node and flow; tenggat markers
    become their task's `tenggat` property."""
    out: dict[str, dict] = {}
    for pool in root.iterfind("bpmn:collaboration/bpmn:participant", NS):
        if pool.get("id"):
            out[pool.get("id")] = _element(pool, {"name": _clean(pool.get("name"))})
    for process in root.iterfind("bpmn:process", NS):
        if process.get("id"):
            out[process.get("id")] = _element(process, _common(process))
        lane_of = {}
        for lane in process.iter(f"{{{BPMN}}}lane"):
            if lane.get("id"):
                out[lane.get("id")] = _element(lane, _common(lane))
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                lane_of[(ref.text or "").strip()] = _clean(lane.get("name")) or lane.get("id")
        markers = {}
        for node in process:
            if isinstance(node.tag, str) and local(node) == "boundaryEvent" and is_deadline_marker(node):
                markers[node.get("attachedToRef")] = _timer(node)
        for node in process:
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            kind = local(node)
            if kind == "boundaryEvent" and is_deadline_marker(node):
                continue
            owners = {}
            if kind == "sequenceFlow":
                cond = node.find("bpmn:conditionExpression", NS)
                props = {**_common(node), "source": node.get("sourceRef"), "target": node.get("targetRef"),
                         "condition": _clean(cond.text if cond is not None else None)}
            elif kind in FLOW_NODES:
                props = {**_common(node), "lane": lane_of.get(node.get("id"))}
                if kind == "boundaryEvent":
                    props["attached_to"] = node.get("attachedToRef")
                    props["timer"] = _timer(node)
                if kind.endswith("Task") or kind == "task":
                    props["tenggat"] = markers.get(node.get("id"))
                form, owners = _form(node)
                props.update(form)
            else:
                continue
            out[node.get("id")] = _element(node, props, owners)
    return out


def _element(el, props: dict, owners: dict | None = None) -> dict:
    return {"id": el.get("id"), "type": local(el), "props": {k: v for k, v in props.items() if v is not None},
            "owners": owners or {}}


def _clean(text: str | None) -> str | None:
    """Whitespace as a reader sees it; empty is absent (clearing a cell and deleting it agree)."""
    text = " ".join((text or "").split())
    return text or None


def _common(el) -> dict:
    doc = el.find("bpmn:documentation", NS)
    props = {"name": _clean(el.get("name")), "kegiatan": _clean(doc.text if doc is not None else None)}
    for name, value in properties(el).items():
        if name and name.startswith(("sop.", "alur.")):
            props[name] = _clean(value)
    return props


def _timer(event) -> str | None:
    date = event.find("bpmn:timerEventDefinition/*", NS)
    return _clean(date.text) if date is not None else None


def _form(node) -> tuple[dict, dict]:
    """`form.<field>` (its title) and `form.<field>.<attribute>` of the node's embedded form, and
    which field each attribute belongs to (a field's name may hold dots: never split back)."""
    text, owners = form_text(node), {}
    if text is None:
        return {}, owners
    try:
        schema = parse_form(text)
    except (ValueError, RecursionError):
        return {"form": _clean(text)}, owners  # unreadable: compared as text
    fields = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    out = {}
    for name, field in fields.items():
        field = field if isinstance(field, dict) else {}
        items = field.get("items") if isinstance(field.get("items"), dict) else {}
        out[f"form.{name}"] = str(field.get("title") or name)
        values = {**{attr: field.get(attr) for attr in FORM_ATTRIBUTES}, "required": name in required}
        if values["enum"] is None and "enum" in items:  # a multiple choice keeps its values in items
            values["enum"] = items["enum"]
        for attr, value in values.items():
            if value is not None:
                owners[f"form.{name}.{attr}"] = f"form.{name}"
                out[f"form.{name}.{attr}"] = value if isinstance(value, (str, int, float, bool)) \
                    else json.dumps(value, ensure_ascii=False)
    return out, owners


def _layout(root) -> dict[str, tuple]:
    """bpmnElement -> its bounds or waypoints (and label bounds), as numbers."""
    out = {}
    for el in root.iter(f"{{{NS['bpmndi']}}}BPMNShape", f"{{{NS['bpmndi']}}}BPMNEdge"):
        coords = tuple(tuple(_num(b.get(k)) for k in ("x", "y", "width", "height"))
                       for b in el.iter(f"{{{NS['dc']}}}Bounds")) + \
            tuple((_num(p.get("x")), _num(p.get("y"))) for p in el.iter(f"{{{NS['di']}}}waypoint"))
        out[el.get("bpmnElement")] = coords
    return out


def _num(value) -> float | None:
    try:
        return round(float(value), 1)
    except (TypeError, ValueError):
        return None


