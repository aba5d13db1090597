"""The XES reader of an imported event log (see log_import for the entry point).

Read streaming with lxml's iterparse, each trace dropped from the tree once read, so a big log
is never held whole. The parser is hardened: a DOCTYPE or entity declaration is refused before
any parser runs (XXE, billion laughs; the byte scan is the BPMN upload's, safe_xml), no DTD is
loaded, no entity resolved, nothing fetched from the network, no huge-tree mode; only
ASCII-compatible encodings (UTF-8 and the single-byte ones), so the byte scan sees every
declaration. The root must be XES's <log> (in its namespace, or in none).
"""
from __future__ import annotations

import io
import re
import sys

from lxml import etree

from ...engine.safe_xml import dtd_declaration_at
from ...errors import InvalidInput
from .event_log import LogEvent, LogTrace
from .log_reading import KEPT, Caps, ImportedLog, Skipped, finish, parse_moment, refused, transition_of
from .xes import OWN, XES_NS

_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso-8859-15",
                     "windows-1252", "cp1252"}
_ATTRIBUTE_TAGS = {"string", "date", "int", "float", "boolean", "id", "list", "container"}


def _check_xml_bytes(data: bytes) -> None:
    """Refuses what could make the parser read files, the network or endless entities, before it runs."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in data[:200]:
        raise refused("pengodean UTF-16/UTF-32 tidak didukung; simpan log sebagai UTF-8.",
                      "UTF-16/UTF-32 is not supported; save the log as UTF-8.")
    head = data[:2048].lower()
    if b"<!doctype html" in head or re.search(rb"^\s*(\xef\xbb\xbf)?\s*<html[\s>]", head):
        raise refused("berkas ini halaman HTML, bukan log XES.", "this file is an HTML page, not an XES log.")
    at = dtd_declaration_at(data)
    if at is not None:
        line = data.count(b"\n", 0, at) + 1
        raise refused(f"berkas memuat deklarasi DOCTYPE/entitas (baris {line}), yang tidak diizinkan demi "
                      "keamanan (XXE).",
                      f"the file contains a DOCTYPE/entity declaration (line {line}), which is not allowed "
                      "for security reasons (XXE).", line=line)
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode("ascii").lower() not in _ASCII_COMPATIBLE:
        enc = declared.group(1).decode("ascii")
        raise refused(f"pengodean '{enc}' tidak didukung; simpan log sebagai UTF-8.",
                      f"the encoding '{enc}' is not supported; save the log as UTF-8.")


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _attributes(element) -> dict[str, tuple[str, str | None]]:
    """key -> (element type, value) of an element's own attributes (nested ones are not read)."""
    out = {}
    for child in element:
        kind = _local(child.tag)
        if kind in _ATTRIBUTE_TAGS:
            key = child.get("key")
            if key is not None and key not in out:
                out[key] = (kind, child.get("value"))
    return out


def _values(element) -> dict[str, str | None]:
    """key -> value of an event's own attributes (the hot path: no types)."""
    return {child.get("key"): child.get("value") for child in element}


_SAFE = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
             remove_comments=True, remove_pis=True)


def _xml_refusal(exc: etree.XMLSyntaxError) -> InvalidInput:
    line = exc.lineno or (exc.position[0] if exc.position else None)
    detail = (exc.msg or str(exc)).strip()
    return refused(f"XML tidak sah (baris {line}): {detail}", f"not well-formed XML (line {line}): {detail}",
                   line=line)


def read_xes(data: bytes, zone, caps: Caps) -> ImportedLog:
    """Traces and events are taken as their end tags are parsed (lxml filters the other
    elements in C), each trace dropped from the tree once read."""
    _check_xml_bytes(data)
    try:
        _, first = next(etree.iterparse(io.BytesIO(data), events=("start",), **_SAFE))
    except etree.XMLSyntaxError as exc:
        raise _xml_refusal(exc) from None
    except StopIteration:
        raise refused("berkas bukan XML.", "the file is not XML.") from None
    _check_root(first)
    namespace = _namespace(first.tag)
    trace_tag, event_tag = (f"{{{namespace}}}trace", f"{{{namespace}}}event") if namespace else ("trace", "event")
    log = ImportedLog([], "xes")
    skipped, unnamed, loose, n_events, events = Skipped(), 0, 0, 0, []
    parser = etree.iterparse(io.BytesIO(data), events=("end",), tag=(trace_tag, event_tag), **_SAFE)
    try:
        for _, element in parser:
            parent = element.getparent()
            if element.tag == event_tag:
                grandparent = parent.getparent() if parent is not None else None
                if grandparent is None or parent.tag != trace_tag or grandparent.getparent() is not None:
                    loose += 1  # not in a trace of the log
                else:
                    n_events += 1
                    caps.check(len(log.traces) + 1, n_events, element.sourceline)
                    found = _event(element, zone, skipped)
                    if found is not None:
                        events.append(found)
                element.clear()
                continue
            if parent is None or parent.getparent() is not None:
                continue  # a trace inside something else than the log
            attributes = _attributes(element)
            case = attributes.get("concept:name", ("", None))[1]
            if not case:
                unnamed += 1
                case = str(len(log.traces) + 1)
            log.traces.append(LogTrace(case, events, None, _trace_attributes(attributes, zone)))
            events = []
            element.clear()
            while element.getprevious() is not None:
                _log_attribute(log, parent[0])
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _xml_refusal(exc) from None
    if log.name is None and parser.root is not None:
        for child in parser.root:
            _log_attribute(log, child)
    if unnamed:
        log.warn(f"{unnamed} trace tanpa concept:name diberi nomor urut sebagai kasusnya.",
                 f"{unnamed} trace(s) without concept:name were given their position as case.")
    if loose:
        log.warn(f"{loose} peristiwa di luar trace dilewati.", f"{loose} event(s) outside any trace were skipped.")
    skipped.warn(log)
    if not any(t.events for t in log.traces):
        raise refused("log tidak memuat satu peristiwa start/complete pun.",
                      "the log holds no start or complete event at all.")
    return finish(log)


def _log_attribute(log: ImportedLog, element) -> None:
    """The log's name, from its concept:name (a child of <log> before the traces)."""
    if log.name is None and element.get("key") == "concept:name" and _local(element.tag) in _ATTRIBUTE_TAGS:
        log.name = element.get("value")


def _check_root(element) -> None:
    local, namespace = _local(element.tag), _namespace(element.tag)
    if local == "log" and namespace in ("", XES_NS):
        return
    if local == "definitions" and "BPMN" in namespace.upper():
        raise refused("berkas ini diagram BPMN, bukan log XES; unggah log peristiwa (XES atau CSV).",
                      "this file is a BPMN diagram, not an XES log; upload an event log (XES or CSV).")
    shown = f"<{local}>" + (f" ({namespace})" if namespace else "")
    raise refused(f"bukan log XES: elemen akarnya {shown}, bukan <log> dari {XES_NS}.",
                  f"not an XES log: its root element is {shown}, not <log> of {XES_NS}.")


def _event(element, zone, skipped: Skipped) -> LogEvent | None:
    a = _values(element)
    line = element.sourceline
    transition = transition_of(a.get("lifecycle:transition"))
    if transition not in KEPT:
        skipped.count[transition] += 1
        return None
    activity = (a.get("concept:name") or "").strip()
    if not activity:
        raise refused(f"peristiwa pada baris {line} tidak memiliki concept:name (nama kegiatan).",
                      f"the event on line {line} has no concept:name (activity name).", line=line)
    stamp = a.get("time:timestamp")
    if not stamp:
        raise refused(f"peristiwa '{activity[:80]}' pada baris {line} tidak memiliki time:timestamp.",
                      f"the event '{activity[:80]}' on line {line} has no time:timestamp.", line=line)
    at = parse_moment(stamp, zone)
    if at is None:
        raise refused(f"tanggal '{stamp[:60]}' pada baris {line} tidak dikenali (xs:dateTime, mis. "
                      "2026-11-23T09:30:00.000+07:00).",
                      f"the date '{stamp[:60]}' on line {line} cannot be read (xs:dateTime, e.g. "
                      "2026-11-23T09:30:00.000+07:00).", line=line)
    due = a.get(OWN + "due")
    return LogEvent(sys.intern(activity), transition, at, _word(a, "org:resource"), _word(a, "org:role"),
                    _word(a, OWN + "element"), _word(a, OWN + "row"), _word(a, OWN + "waktu"),
                    due_at=parse_moment(due, zone) if due else None, task_state=_word(a, OWN + "state"))


def _word(values: dict, key: str) -> str | None:
    value = values.get(key)
    return sys.intern(value) if value else None


def _trace_attributes(attributes: dict, zone) -> dict:
    """A trace's other attributes, typed; Alur's own (alur_<name>) under <name>, others under their key."""
    out = {}
    for key, (kind, value) in attributes.items():
        if key == "concept:name" or value is None:
            continue
        name = key[len(OWN):] if key.startswith(OWN) else key
        out[name] = _typed(kind, value, zone)
    return out


def _typed(kind: str, value: str, zone):
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "boolean":
            return value.strip().lower() in ("true", "1")
        if kind == "date":
            return parse_moment(value, zone) or value
    except ValueError:
        pass
    return value
