"""The extension properties of a BPMN element (<spiffworkflow:property name=... value=...> under
bpmn:extensionElements/spiffworkflow:properties), read and set the same way in every test.

    from tests.bpmn_props import properties, properties_of, prop, set_prop

    properties(el)                    # {name: value} of an lxml element ("" for a missing value)
    properties_of(root, "s03_x")      # the same for the element with that id in a document
    prop(el, "sop.waktu.kode")        # the <spiffworkflow:property> element itself, or None
    set_prop(el, "sop.no.cetak", "5") # set one, creating the containers where missing
"""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
_PATH = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"


def properties(el) -> dict[str, str]:
    """The element's own properties by name (a later duplicate wins)."""
    return {p.get("name"): p.get("value", "") for p in el.findall(_PATH, NS)}


def by_id(root, element_id: str):
    """The one element of the document with that id."""
    (el,) = root.xpath("//*[@id=$id]", id=element_id)
    return el


def properties_of(root, element_id: str) -> dict[str, str]:
    """The properties of the element with that id (root: an lxml tree, or the XML as str/bytes)."""
    if isinstance(root, (str, bytes)):
        root = etree.fromstring(root.encode("utf-8") if isinstance(root, str) else root)
    return properties(by_id(root, element_id))


def prop(el, name: str):
    """The <spiffworkflow:property> element of that name, or None."""
    found = el.xpath(f"./{_PATH}[@name=$n]", namespaces=NS, n=name)
    return found[0] if found else None


def set_prop(el, name: str, value: str) -> None:
    """Set a property, creating extensionElements and spiffworkflow:properties where missing."""
    found = prop(el, name)
    if found is not None:
        found.set("value", value)
        return
    ext = el.find("bpmn:extensionElements", NS)
    if ext is None:
        ext = etree.Element(f"{{{BPMN}}}extensionElements")
        el.insert(1 if el.find("bpmn:documentation", NS) is not None else 0, ext)
    container = ext.find("spiffworkflow:properties", NS)
    if container is None:
        container = etree.SubElement(ext, f"{{{SPIFF}}}properties")
    etree.SubElement(container, f"{{{SPIFF}}}property", name=name, value=value)
