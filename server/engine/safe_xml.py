"""Safe reading of uploaded BPMN files.

Whoever can upload a diagram must not be able to read server files, reach the network or
exhaust memory through the XML parser (XXE, billion laughs), nor deploy a file the engine
would mis-run. Everything here refuses with DiagramRejected, in Indonesian and English.
"""
from __future__ import annotations

import re

from lxml import etree

from server.errors import DiagramRejected

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# Element ids that SpiffWorkflow uses for its own internal task specs.
RESERVED_IDS = ("Start", "End")

# Markup that declares a DTD or entities. Looked for in the raw bytes, before any parser
# runs, in the encodings an XML file may legally use without a declaration (UTF-8 and
# UTF-16 both byte orders); any other encoding is refused below.
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST", b"<!NOTATION")
_DTD_PATTERNS = tuple(
    re.compile(re.escape(marker.decode("ascii").encode(enc)), re.IGNORECASE)
    for marker in _DTD_MARKERS
    for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ALLOWED_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii"}


def dtd_declaration_at(data: bytes) -> int | None:
    """The offset of the first DTD or entity declaration in raw XML bytes, or None.

    The byte scan above for other readers of uploaded XML (imported event logs), which refuse
    with their own message and may name the line.
    """
    starts = [found.start() for pattern in _DTD_PATTERNS if (found := pattern.search(data))]
    return min(starts, default=None)


def _reject_dtd() -> DiagramRejected:
    return DiagramRejected(
        "Diagram ditolak: berkas memuat deklarasi DOCTYPE/entitas, yang tidak diizinkan demi keamanan.",
        "Diagram rejected: the file contains a DOCTYPE/entity declaration, which is not allowed for security reasons.",
    )


def _make_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not meant to be shared.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        recover=False,
    )


def parse_bpmn(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse an uploaded BPMN file and return its root element, refusing anything unsafe.

    DTDs and entities are refused from the raw bytes before lxml sees them, and checked again
    on the parsed tree, so no entity is ever expanded and no external resource is fetched.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError("parse_bpmn expects bytes")
    if len(data) > max_bytes:
        raise DiagramRejected(
            f"Diagram ditolak: ukuran berkas {len(data)} bita melebihi batas {max_bytes} bita.",
            f"Diagram rejected: the file is {len(data)} bytes, over the limit of {max_bytes} bytes.",
        )
    if not data.strip():
        raise _not_xml("berkas kosong", "the file is empty")
    if not data.lstrip().startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or \
            data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        # Only UTF-8 and UTF-16 documents: exotic encodings (UTF-32, EBCDIC) that libxml2
        # detects on its own would slip past the byte scan below.
        raise _not_xml("pengodean tidak dikenal; simpan sebagai UTF-8",
                       "unknown encoding; save it as UTF-8")
    if any(p.search(data) for p in _DTD_PATTERNS):
        raise _reject_dtd()
    declared = _XML_DECL_ENCODING.match(data)
    if declared and declared.group(1).decode("ascii").lower() not in _ALLOWED_ENCODINGS:
        # Another encoding could hide a DOCTYPE from the byte scan above.
        enc = declared.group(1).decode("ascii")
        raise DiagramRejected(
            f"Diagram ditolak: pengodean berkas '{enc}' tidak didukung; simpan sebagai UTF-8.",
            f"Diagram rejected: the file encoding '{enc}' is not supported; save it as UTF-8.",
        )

    try:
        root = etree.fromstring(data, _make_parser())
    except etree.XMLSyntaxError as exc:
        raise _not_xml(str(exc), str(exc)) from None
    except ValueError as exc:  # e.g. lxml refusing odd input
        raise _not_xml(str(exc), str(exc)) from None
    if root is None:
        raise _not_xml("tidak ada elemen akar", "no root element")

    # Second line of defence, on what the parser actually produced.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _reject_dtd()
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise _reject_dtd()

    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DiagramRejected(
            "Diagram ditolak: elemen akar bukan bpmn:definitions; berkas ini bukan diagram BPMN 2.0.",
            f"Diagram rejected: the root element is {_display_tag(root.tag)}, not bpmn:definitions; "
            "this is not a BPMN 2.0 diagram.",
        )
    return root


def check_executable(root: etree._Element) -> list[str]:
    """Return the ids of the executable processes, refusing ids the engine would mis-handle.

    Refuses a diagram with no process marked isExecutable="true", duplicate ids (the engine
    keys tasks by id), and the ids "Start"/"End", which collide with SpiffWorkflow's own
    internal task names and break the instance only when it is created.
    """
    seen: dict[str, str] = {}
    for el in root.iter(etree.Element):
        el_id = el.get("id")
        if el_id is None:
            continue
        tag = _display_tag(el.tag)
        if el_id in RESERVED_IDS:
            raise DiagramRejected(
                f"Diagram ditolak: elemen {tag} memakai id \"{el_id}\". Id \"Start\" dan \"End\" "
                "dipakai oleh mesin alur kerja untuk keperluan internal; ganti dengan id lain, "
                "misalnya \"mulai_permohonan\" atau \"selesai_dipublikasikan\".",
                f"Diagram rejected: element {tag} uses the id \"{el_id}\". The ids \"Start\" and \"End\" "
                "are used internally by the workflow engine; use another id, e.g. "
                "\"mulai_permohonan\" or \"selesai_dipublikasikan\".",
                element_id=el_id,
            )
        if el_id in seen:
            raise DiagramRejected(
                f"Diagram ditolak: id \"{el_id}\" dipakai lebih dari sekali ({seen[el_id]} dan {tag}); "
                "setiap elemen harus memiliki id yang unik.",
                f"Diagram rejected: the id \"{el_id}\" is used more than once ({seen[el_id]} and {tag}); "
                "every element needs a unique id.",
                element_id=el_id,
            )
        seen[el_id] = tag

    executable = [
        p.get("id")
        for p in root.iter(f"{{{BPMN_NS}}}process")
        if p.get("isExecutable") == "true" and p.get("id")
    ]
    if not executable:
        raise DiagramRejected(
            "Diagram ditolak: tidak ada proses yang ditandai dapat dijalankan "
            "(isExecutable=\"true\"); tandai proses yang akan dijalankan.",
            "Diagram rejected: no process is marked executable (isExecutable=\"true\"); "
            "mark the process that should run.",
        )
    return executable


def _not_xml(detail_id: str, detail_en: str) -> DiagramRejected:
    return DiagramRejected(
        f"Diagram ditolak: berkas bukan XML yang sah ({detail_id}).",
        f"Diagram rejected: the file is not well-formed XML ({detail_en}).",
    )


def _display_tag(tag) -> str:
    """bpmn:userTask rather than {http://www.omg.org/...}userTask, for messages."""
    if not isinstance(tag, str):
        return str(tag)
    qname = etree.QName(tag)
    if qname.namespace == BPMN_NS:
        return f"bpmn:{qname.localname}"
    return qname.localname
