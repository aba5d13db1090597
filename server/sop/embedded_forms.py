"""Forms that live in the diagram: `<alur:form>` (a JSON Schema in forms/' format) in a flow node's
`bpmn:extensionElements`.

A deployed version must never change, so deploy embeds the forms/ files a diagram names by
`formJsonSchemaFilename` into the XML it stores; the running version then reads its forms from
itself, and editing a file under forms/ changes only what is deployed next. An embedded form wins
over the filename, which embedding drops: the stored diagram depends on no file.
"""
from __future__ import annotations

import json
from typing import Callable

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ALUR = "urn:alur:bpmn:1.0"
FORM_TAG = f"{{{ALUR}}}form"
FILENAME = "formJsonSchemaFilename"
_NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "alur": ALUR}
_FILENAME_PROPERTY = f"./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name='{FILENAME}']"


def form_text(element) -> str | None:
    """The text of the element's own `<alur:form>`, or None when it has none."""
    found = element.find("bpmn:extensionElements/alur:form", _NS)
    return None if found is None else (found.text or "")


def form_filename(element) -> str:
    """The forms/ path the element names (empty when none)."""
    found = element.xpath(_FILENAME_PROPERTY, namespaces=_NS)
    return (found[0].get("value") or "").strip() if found else ""


def parse_form(text: str) -> dict:
    """The schema of an embedded form; ValueError when it is not a JSON object."""
    schema = json.loads(text)
    if not isinstance(schema, dict):
        raise ValueError("not a JSON object")
    return schema


def dump_form(schema: dict) -> str:
    """How a schema is written into the diagram: readable, Indonesian text kept, key order kept."""
    return json.dumps(schema, indent=2, ensure_ascii=False)


def embedded_forms(container) -> dict[str, dict]:
    """{element id: schema} of the flow nodes directly in `container` (a process) with a readable
    embedded form; one that is not a JSON object is left out (the lint reports it)."""
    out = {}
    for element in container:
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        text = form_text(element)
        if text is None:
            continue
        try:
            out[element.get("id")] = parse_form(text)
        except (ValueError, RecursionError):
            continue
    return out


def embed_forms(root, load: Callable[[str], dict]) -> list[str]:
    """Embeds the forms/ file of every flow node that names one and has no `<alur:form>`, dropping
    the filename property; returns the ids of the elements changed. `load(path)` reads a schema
    (the FormCatalog's confined, checked reader); a form it refuses stays a filename, for the
    lint to report on its element."""
    changed = []
    for process in root.iter(f"{{{BPMN}}}process", f"{{{BPMN}}}subProcess"):
        for element in process:
            if not isinstance(element.tag, str) or not element.get("id") or form_text(element) is not None:
                continue
            path = form_filename(element)
            if not path:
                continue
            try:
                schema = load(path)
            except Exception:  # noqa: BLE001 - a missing or invalid file is the lint's finding
                continue
            extensions = element.find("bpmn:extensionElements", _NS)
            form = etree.SubElement(extensions, FORM_TAG)
            form.text = dump_form(schema)
            _drop_filename(element)
            changed.append(element.get("id"))
    if changed and ALUR not in root.nsmap.values():
        _declare_on_root(root)
    return changed


def _declare_on_root(root) -> None:
    """Moves the alur namespace to the root, keeping every declaration the file had (a prefix
    may be used only inside attribute values, e.g. xsi:type="bpmn:tFormalExpression")."""
    keep = sorted({prefix for el in root.iter() for prefix in el.nsmap if prefix} | {"alur"})
    etree.cleanup_namespaces(root, top_nsmap={"alur": ALUR}, keep_ns_prefixes=keep)


def _drop_filename(element) -> None:
    for prop in element.xpath(_FILENAME_PROPERTY, namespaces=_NS):
        properties = prop.getparent()
        properties.remove(prop)
        if not len(properties):
            properties.getparent().remove(properties)
