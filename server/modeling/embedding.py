"""A diagram as deploy stores it: its forms/ files embedded (`<alur:form>`, see server/sop/embedded_forms.py),
so that the version holds its forms and never changes when a file under forms/ does."""
from __future__ import annotations

from lxml import etree

from server.engine import safe_xml
from server.errors import DiagramRejected
from server.sop import embed_forms


def with_forms_embedded(data: bytes, forms) -> bytes:
    """`data` with every form it names by filename embedded, read afresh through `forms` (the FormCatalog).
    Unchanged when there is nothing to embed or the file cannot be read (the lint then says why);
    a form file that cannot be used stays named, for the lint to report on its element."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = safe_xml.parse_bpmn(data)
    except (DiagramRejected, TypeError, ValueError):
        return data
    if not embed_forms(root, forms.read):
        return data
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
