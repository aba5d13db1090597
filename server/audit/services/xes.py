"""Event logs as XES (IEEE 1849-2016), written streaming with lxml's incremental writer, so a log
of any size is never built in memory: the header, then one trace element at a time.

What a written log holds, in the order the standard gives:
- `<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">` (no `xes.features`: the
  log uses no optional feature, no nested attributes);
- the extensions whose attributes it uses: Concept, Time, Lifecycle, Organizational (name,
  prefix and URI as their definitions at xes-standard.org give them);
- global attributes, trace then event scope: only attributes every trace / every event of the
  log carries (the standard has no null value: a missing value is an omitted attribute, and an
  attribute that may be omitted cannot be global): concept:name for traces; concept:name,
  lifecycle:transition, time:timestamp for events, and whatever the caller guarantees more
  (`event_globals`, `trace_globals`: checked on every element written);
- classifiers over global event attributes: "Activity" (concept:name) and "Activity and
  transition" (concept:name lifecycle:transition);
- the log's own attributes (concept:name: the SOP's name; lifecycle:model "standard");
- traces, each with its concept:name (the case) and its events in order.

Alur's own attributes have keys without a colon, prefixed `alur_` (alur_row: the SOP row number,
alur_waktu, alur_element, alur_task, alur_user, alur_due, alur_state; on traces alur_instance
and alur_<name> per trace attribute): a key with a colon names the prefix of a declared
extension, and Alur declares none of its own (an extension's URI must resolve to its
definition file). Dates are xs:dateTime with milliseconds and the offset of `tz` (the agency's
zone by default in the exports; UTC when none is given).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import IO, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from lxml import etree

from .event_log import LogEvent, LogTrace

XES_NS = "http://www.xes-standard.org/"
XES_VERSION = "1849-2016"
EXTENSIONS = (("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
              ("Time", "time", "http://www.xes-standard.org/time.xesext"),
              ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
              ("Organizational", "org", "http://www.xes-standard.org/org.xesext"))
# The standard transactional model of the Lifecycle extension (lifecycle:model "standard").
LIFECYCLE_STANDARD = ("schedule", "assign", "withdraw", "reassign", "start", "suspend", "resume", "pi_abort",
                      "ate_abort", "complete", "autoskip", "manualskip", "unknown")
_TRANSITIONS = frozenset(LIFECYCLE_STANDARD)
CLASSIFIERS = (("Activity", "concept:name"), ("Activity and transition", "concept:name lifecycle:transition"))
OWN = "alur_"
# LogEvent field -> (XES key, type) beyond concept:name, lifecycle:transition, time:timestamp.
EVENT_FIELDS = (("resource", "org:resource", "string"), ("role", "org:role", "string"),
                ("element_id", "alur_element", "string"), ("row", "alur_row", "string"),
                ("waktu", "alur_waktu", "string"), ("resource_id", "alur_user", "int"),
                ("task_id", "alur_task", "int"), ("due_at", "alur_due", "date"),
                ("task_state", "alur_state", "string"))
EPOCH = "1970-01-01T00:00:00.000+00:00"
# A global attribute's value is the default the standard asks for; every element of its scope
# carries its own, so these are never read as data (concept:name's is the usual "__INVALID__").
DEFAULTS = {"string": "", "int": "0", "date": EPOCH, "float": "0.0", "boolean": "false"}
DEFAULT_OF = {"concept:name": "__INVALID__", "lifecycle:transition": "complete"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._\-]*$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FLUSH_EVERY = 50          # at most this many traces per chunk of the streaming form,
CHUNK_BYTES = 64 * 1024   # and a chunk goes out once it holds this much


def own_key(name: str) -> str:
    """A trace or log attribute's name as Alur's XES key: alur_<name>, invalid characters as '_'."""
    key = OWN + re.sub(r"[^A-Za-z0-9._\-]", "_", str(name))
    return key if _NAME.match(key) else OWN + "attribute"


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """Text XML 1.0 can carry (control characters become U+FFFD); cached: names, lanes and
    people repeat on every trace."""
    return _NOT_XML.sub("\ufffd", value)


def typed(value, zone) -> tuple[str, str] | None:
    """(element type, lexical value) of an attribute value; None for None (omitted)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "float", "NaN"
        if math.isinf(value):
            return "float", "INF" if value > 0 else "-INF"
        return "float", repr(value)
    if isinstance(value, datetime):
        return "date", xs_datetime(value, zone)
    if isinstance(value, date):
        return "string", value.isoformat()
    return "string", _text(str(value))


def xs_datetime(moment: datetime, zone=timezone.utc) -> str:
    """An aware datetime as xs:dateTime with milliseconds and the zone's offset."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in an event log")
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _attribute(parent, kind: str, key: str, value: str) -> None:
    etree.SubElement(parent, kind, key=key, value=value)


# --- the log ------------------------------------------------------------------------------------

class _Sink:
    """What the incremental writer writes to: bytes collected until taken."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))
        self.size += len(data)

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return out


def xes_chunks(traces: Iterable[LogTrace], *, log_name: str, tz: str | None = None,
               log_attributes: dict | None = None, event_globals: Sequence[str] = (),
               trace_globals: Sequence[str] = (), every: int = FLUSH_EVERY) -> Iterator[bytes]:
    """The XES document as byte chunks (a generator, e.g. for a streamed response): the header,
    then a chunk every `every` traces, or sooner once CHUNK_BYTES are written. `tz`: the zone of
    the dates' offsets (None: UTC). `event_globals`: LogEvent fields every event carries (e.g.
    "element_id", "task_id"), declared global; `trace_globals`: trace attribute names (or
    "instance_id") every trace carries. A trace or event without one of them is a caller's bug:
    ValueError."""
    zone = ZoneInfo(tz) if tz else timezone.utc
    event_extra = [(name, key, kind) for name, key, kind in EVENT_FIELDS if name in event_globals]
    unknown = set(event_globals) - {name for name, _, _ in EVENT_FIELDS}
    if unknown:
        raise ValueError(f"not an event field: {sorted(unknown)}")
    sink = _Sink()
    with etree.xmlfile(sink, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{XES_NS}}}log", {"xes.version": XES_VERSION}, nsmap={None: XES_NS}):
            xf.write("\n")
            # Children are built without a namespace: inside <log xmlns="..."> they are in the XES
            # namespace, and the writer declares it once instead of on every trace.
            for name, prefix, uri in EXTENSIONS:
                xf.write(etree.Element("extension", name=name, prefix=prefix, uri=uri), pretty_print=True)
            xf.write(_global("trace", [("string", "concept:name")]
                             + [(_trace_global_kind(name), _trace_key(name)) for name in trace_globals]),
                     pretty_print=True)
            xf.write(_global("event", [("string", "concept:name"), ("string", "lifecycle:transition"),
                                       ("date", "time:timestamp")]
                             + [(kind, key) for _, key, kind in event_extra]), pretty_print=True)
            for name, keys in CLASSIFIERS:
                xf.write(etree.Element("classifier", name=name, keys=keys), pretty_print=True)
            header = etree.Element("header")
            _attribute(header, "string", "concept:name", _text(log_name))
            _attribute(header, "string", "lifecycle:model", "standard")
            for name, value in (log_attributes or {}).items():
                found = typed(value, zone)
                if found:
                    _attribute(header, found[0], own_key(name), found[1])
            for child in header:
                xf.write(child, pretty_print=True)
            for n, trace in enumerate(traces, 1):
                xf.write(trace_element(trace, zone, event_extra, trace_globals), pretty_print=True)
                if n % every == 0 or sink.size >= CHUNK_BYTES:
                    xf.flush()
                    yield sink.take()
    yield sink.take()


def write_xes(traces: Iterable[LogTrace], out: IO[bytes], *, log_name: str, **options) -> None:
    """The XES document written to a binary file-like object (see `xes_chunks` for the options)."""
    for chunk in xes_chunks(traces, log_name=log_name, **options):
        out.write(chunk)


def _global(scope: str, attributes: list[tuple[str, str]]):
    element = etree.Element("global", scope=scope)
    for kind, key in attributes:
        _attribute(element, kind, key, DEFAULT_OF.get(key, DEFAULTS[kind]))
    return element


def _trace_key(name: str) -> str:
    return "alur_instance" if name == "instance_id" else own_key(name)


def _trace_global_kind(name: str) -> str:
    """The type of one of Alur's own trace attributes declared global (checked on every trace)."""
    return {"instance_id": "int", "version": "int", "started_at": "date", "ended_at": "date"}.get(name, "string")


def trace_element(trace: LogTrace, zone, event_extra=(), trace_globals: Sequence[str] = ()):
    """One <trace> with its attributes and events (no namespace: written inside <log>)."""
    element = etree.Element("trace")
    sub = etree.SubElement
    sub(element, "string", key="concept:name", value=_text(str(trace.case)))
    used = {"concept:name"}
    if trace.instance_id is not None:
        sub(element, "int", key="alur_instance", value=str(trace.instance_id))
        used.add("alur_instance")
    for name, value in trace.attributes.items():
        found, key = typed(value, zone), own_key(name)
        if found and key not in used:  # keys are unique per element
            sub(element, found[0], key=key, value=found[1])
            used.add(key)
    for name in trace_globals:
        value = trace.instance_id if name == "instance_id" else trace.attributes.get(name)
        if value is None or typed(value, zone)[0] != _trace_global_kind(name):
            raise ValueError(f"trace {trace.case} lacks its global attribute {name} (or has another type)")
    for event in trace.events:
        element.append(event_element(event, zone, event_extra))
    return element


def event_element(event: LogEvent, zone, event_extra=()):
    element = etree.Element("event")
    sub = etree.SubElement
    sub(element, "string", key="concept:name", value=_text(event.activity))
    if event.transition not in _TRANSITIONS:
        raise ValueError(f"lifecycle transition {event.transition!r} is not in the standard model")
    sub(element, "string", key="lifecycle:transition", value=event.transition)
    sub(element, "date", key="time:timestamp", value=xs_datetime(event.at, zone))
    for name, key, kind in EVENT_FIELDS:
        value = getattr(event, name)
        if value is None:
            continue
        if kind == "date":
            sub(element, "date", key=key, value=xs_datetime(value, zone))
        elif kind == "int":
            sub(element, "int", key=key, value=str(value))
        else:
            sub(element, "string", key=key, value=_text(str(value)))
    for name, key, _ in event_extra:
        if getattr(event, name) is None:
            raise ValueError(f"an event of {event.activity} lacks its global attribute {key}")
    return element
