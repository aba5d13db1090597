"""Reading a diagram a process owner sends: the engine's safe parser (no DTD, no entities, size
cap, exactly as deploy), the process it must be, and the text kept in the database."""
from __future__ import annotations

from lxml import etree

from ...engine import safe_xml
from ...errors import InvalidInput
from ..lint_rules import BPMN


def parse(data: bytes | str) -> etree._Element:
    """The root of a BPMN document; DiagramRejected (422) for anything unsafe or malformed."""
    return safe_xml.parse_bpmn(data.encode("utf-8") if isinstance(data, str) else data)


def require_process(root: etree._Element, key: str) -> etree._Element:
    """The diagram's process must be the SOP's own (its id is the SOP's key)."""
    ids = [p.get("id") for p in root.findall(f"{{{BPMN}}}process")]
    if key not in ids:
        found = ", ".join(str(i) for i in ids) or "-"
        raise InvalidInput(f"Id proses dalam diagram harus '{key}' (ditemukan: {found}).",
                           f"The process id in the diagram must be '{key}' (found: {found}).")
    return root.find(f"{{{BPMN}}}process[@id='{key}']")


def as_text(data: bytes | str, root: etree._Element) -> str:
    """The document as stored: the bytes as sent when they are UTF-8, else re-serialized."""
    if isinstance(data, str):
        return data
    if b"\x00" not in data:  # UTF-16 has NUL bytes; UTF-8 XML never does
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    return etree.tostring(root.getroottree(), encoding="unicode")
