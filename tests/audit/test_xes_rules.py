"""Alur's XES export checked against the rules of IEEE 1849-2016 (XES), as written down here from
the standard's text (its XML schema could not be fetched here, so the checks are ours, written
from the rules, not from the schema file).

The standard's rules checked (R):
 R1. The document is well-formed XML 1.0 in UTF-8.
 R2. The root element is `log` in the namespace http://www.xes-standard.org/; every element of
     the document is in that namespace.
 R3. `log` carries xes.version, here "1849-2016"; xes.features, when present, lists only
     features the log uses (the one feature, "nested-attributes", is attributes inside
     attributes); without it, no attribute element holds another.
 R4. The children of `log` come in this order: extension*, global*, classifier*, the log's own
     attributes, then trace* (an event may only stand inside a trace here).
 R5. Each extension declares name, prefix and uri; prefixes are unique; the standard extensions
     are declared with the names, prefixes and URIs of their definitions (Concept/concept,
     Time/time, Lifecycle/lifecycle, Organizational/org at http://www.xes-standard.org/<prefix>.xesext).
 R6. A key with a colon names, before its first colon, the prefix of a declared extension, and
     one of the attributes that extension defines for that level, with the type it defines
     (concept:name string on log, trace and event; concept:instance string on events;
     time:timestamp date on events; lifecycle:model string on the log; lifecycle:transition and
     lifecycle:state string on events; org:resource, org:role, org:group string on events).
 R7. Attribute elements are string, date, int, float, boolean, id, list or container; each has a
     non-empty key; the elementary ones have a value.
 R8. Values have the lexical form of their type: date xs:dateTime, int xs:long, float
     xs:double (INF, -INF and NaN included), boolean xs:boolean (true, false, 1, 0).
 R9. The keys of the attributes of one element (log, trace, event, global) are unique.
R10. A global element has scope "trace" or "event" (default "event"), one per scope; each of its
     attributes is present, with the same type, in every element of that scope (a global is
     guaranteed to be there: the standard has no null, a missing value is an omitted attribute).
R11. A classifier has a name and keys: a whitespace-separated list of attribute keys (a key with
     a space quoted in single quotes); each names a global attribute of the classifier's scope
     (event by default).
R12. With lifecycle:model "standard" (or no model), each lifecycle:transition value is one of
     the standard transactional model's: schedule, assign, withdraw, reassign, start, suspend,
     resume, pi_abort, ate_abort, complete, autoskip, manualskip (and unknown).
R13. A trace's events are in the order they happened: time:timestamp never decreases.

Alur's own conventions checked beside them (A):
 A1. Alur's own keys have no colon and begin with alur_ (Alur declares no extension of its own).
 A2. Every date carries an offset (or Z) and milliseconds.
 A3. A missing value is an omitted attribute: no value reads "None".
"""
from __future__ import annotations

import io
import re
import shlex
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from server.audit.services.event_log import LogEvent, LogTrace
from server.audit.services.xes import write_xes, xes_chunks

XES = "http://www.xes-standard.org/"
ATTRIBUTE_TYPES = {"string", "date", "int", "float", "boolean", "id", "list", "container"}
ELEMENTARY = {"string", "date", "int", "float", "boolean", "id"}
STANDARD_EXTENSIONS = {"concept": "Concept", "time": "Time", "lifecycle": "Lifecycle", "org": "Organizational"}
# extension prefix -> {(level, name): type}
DEFINED = {
    "concept": {("log", "name"): "string", ("trace", "name"): "string", ("event", "name"): "string",
                ("event", "instance"): "string"},
    "time": {("event", "timestamp"): "date"},
    "lifecycle": {("log", "model"): "string", ("event", "transition"): "string", ("event", "state"): "string"},
    "org": {("event", "resource"): "string", ("event", "role"): "string", ("event", "group"): "string"},
}
LIFECYCLE = {"schedule", "assign", "withdraw", "reassign", "start", "suspend", "resume", "pi_abort", "ate_abort",
             "complete", "autoskip", "manualskip", "unknown"}
XS_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
XS_DOUBLE = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|-INF|NaN)$")
XS_LONG = re.compile(r"^[+-]?\d+$")


def _local(element) -> str:
    return etree.QName(element).localname


def _parse_date(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def violations(document: bytes) -> list[str]:
    """Every rule the document breaks, as "R<n>: what" (empty: none)."""
    out: list[str] = []
    try:  # R1
        document.decode("utf-8")
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (UnicodeDecodeError, etree.XMLSyntaxError) as exc:
        return [f"R1: not well-formed UTF-8 XML: {exc}"]
    if root.tag != f"{{{XES}}}log":  # R2
        return [f"R2: root is {root.tag}"]
    out += [f"R2: {el.tag} outside the XES namespace" for el in root.iter(etree.Element)
            if etree.QName(el).namespace != XES]
    if root.get("xes.version") != "1849-2016":  # R3
        out.append(f"R3: xes.version is {root.get('xes.version')!r}")
    features = (root.get("xes.features") or "").split()
    nested = [el for el in root.iter(etree.Element) if _local(el) in ELEMENTARY and len(el)]
    if set(features) - {"nested-attributes"}:
        out.append(f"R3: unknown features {features}")
    if nested and "nested-attributes" not in features:
        out.append("R3: nested attributes without the nested-attributes feature")
    if "nested-attributes" in features and not nested:
        out.append("R3: nested-attributes declared but not used")
    rank = {"extension": 0, "global": 1, "classifier": 2, "trace": 4}  # R4
    last = -1
    for child in root:
        kind = _local(child)
        place = rank.get(kind, 3 if kind in ATTRIBUTE_TYPES else None)
        if place is None:
            out.append(f"R4: <{kind}> is not a child of log")
        elif place < last:
            out.append(f"R4: <{kind}> after a later part of the log")
        else:
            last = place
    prefixes: dict[str, str] = {}  # R5
    for ext in root.findall(f"{{{XES}}}extension"):
        name, prefix, uri = ext.get("name"), ext.get("prefix"), ext.get("uri")
        if not (name and prefix and uri):
            out.append(f"R5: extension without name, prefix or uri: {dict(ext.attrib)}")
            continue
        if prefix in prefixes:
            out.append(f"R5: prefix {prefix} declared twice")
        prefixes[prefix] = uri
        if prefix in STANDARD_EXTENSIONS and (name != STANDARD_EXTENSIONS[prefix]
                                              or uri != f"http://www.xes-standard.org/{prefix}.xesext"):
            out.append(f"R5: extension {prefix} declared as {name} {uri}")

    def attributes(element) -> list:
        return [a for a in element if _local(a) in ATTRIBUTE_TYPES]

    def check_attributes(element, level: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for a in attributes(element):
            kind, key, value = _local(a), a.get("key"), a.get("value")
            if not key or not key.strip() or re.search(r"\s", key):  # R7
                out.append(f"R7: <{kind}> with key {key!r} on {level}")
                continue
            if kind in ELEMENTARY and value is None:
                out.append(f"R7: {key} has no value")
                continue
            if key in found:  # R9
                out.append(f"R9: key {key} twice on one {level}")
            found[key] = kind
            if ":" in key:  # R6
                prefix, name = key.split(":", 1)
                if prefix not in prefixes:
                    out.append(f"R6: {key}: prefix {prefix} names no declared extension")
                elif prefix in DEFINED:
                    wanted = DEFINED[prefix].get((level, name))
                    if wanted is None:
                        out.append(f"R6: {key} is not defined by {prefix} on a {level}")
                    elif wanted != kind:
                        out.append(f"R6: {key} is a {kind}, the extension defines a {wanted}")
            elif not key.startswith("alur_"):  # A1
                out.append(f"A1: {key} is neither an extension's nor Alur's own")
            if kind == "date":  # R8, A2
                if not XS_DATETIME.match(value or ""):
                    out.append(f"R8: {key}={value!r} is not an xs:dateTime")
                elif not re.search(r"\.\d{3}(Z|[+-]\d{2}:\d{2})$", value):
                    out.append(f"A2: {key}={value!r} lacks milliseconds or an offset")
            elif kind == "int" and not (XS_LONG.match(value or "") and -2**63 <= int(value) < 2**63):
                out.append(f"R8: {key}={value!r} is not an xs:long")
            elif kind == "float" and not XS_DOUBLE.match(value or ""):
                out.append(f"R8: {key}={value!r} is not an xs:double")
            elif kind == "boolean" and value not in ("true", "false", "1", "0"):
                out.append(f"R8: {key}={value!r} is not an xs:boolean")
            if value == "None":  # A3
                out.append(f"A3: {key} reads None")
        return found

    check_attributes(root, "log")
    globals_: dict[str, dict[str, str]] = {}  # R10
    for g in root.findall(f"{{{XES}}}global"):
        scope = g.get("scope", "event")
        if scope not in ("trace", "event"):
            out.append(f"R10: global scope {scope!r}")
            continue
        if scope in globals_:
            out.append(f"R10: two globals of scope {scope}")
        globals_[scope] = check_attributes(g, scope)
    for c in root.findall(f"{{{XES}}}classifier"):  # R11
        if not c.get("name") or not c.get("keys"):
            out.append(f"R11: classifier without name or keys: {dict(c.attrib)}")
            continue
        scope = c.get("scope", "event")
        for key in shlex.split(c.get("keys")):
            if key not in globals_.get(scope, {}):
                out.append(f"R11: classifier {c.get('name')} names {key}, not a global {scope} attribute")
    model = next((a.get("value") for a in attributes(root) if a.get("key") == "lifecycle:model"), "standard")
    for trace in root.findall(f"{{{XES}}}trace"):
        trace_attributes = check_attributes(trace, "trace")
        for key, kind in globals_.get("trace", {}).items():
            if trace_attributes.get(key) != kind:
                out.append(f"R10: a trace lacks its global {kind} {key}")
        previous = None
        for event in trace.findall(f"{{{XES}}}event"):
            found = check_attributes(event, "event")
            for key, kind in globals_.get("event", {}).items():
                if found.get(key) != kind:
                    out.append(f"R10: an event lacks its global {kind} {key}")
            values = {a.get("key"): a.get("value") for a in attributes(event)}
            transition = values.get("lifecycle:transition")
            if transition is not None and model == "standard" and transition not in LIFECYCLE:  # R12
                out.append(f"R12: lifecycle:transition {transition!r} is not in the standard model")
            stamp = values.get("time:timestamp")
            if stamp and XS_DATETIME.match(stamp):  # R13
                moment = _parse_date(stamp)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=timezone.utc)
                if previous is not None and moment < previous:
                    out.append(f"R13: an event at {stamp} after a later one")
                previous = moment
        for extra in trace:
            if _local(extra) not in ATTRIBUTE_TYPES | {"event"}:
                out.append(f"R4: <{_local(extra)}> inside a trace")
    return out


# --- logs to check ----------------------------------------------------------------------------------

T0 = datetime(2026, 11, 23, 2, 30, 0, 123456, tzinfo=timezone.utc)


def sample_traces() -> list[LogTrace]:
    """Traces with every kind of value: missing ones, odd characters, cancelled and open tasks."""
    def ev(name, transition, minutes, **more):
        return LogEvent(name, transition, T0 + timedelta(minutes=minutes), **more)
    return [
        LogTrace("1", [ev("Mendisposisi <konten> & \"kutip\"", "start", 0, role="Kepala Biro", element_id="s01",
                          row="1", waktu="10 menit", task_id=1, due_at=T0 + timedelta(hours=1), task_state="completed"),
                       ev("Mendisposisi <konten> & \"kutip\"", "complete", 5, resource="kemenpora.karo",
                          role="Kepala Biro", element_id="s01", row="1", waktu="10 menit", resource_id=3, task_id=1,
                          due_at=T0 + timedelta(hours=1), task_state="completed"),
                       ev("Membahas\tkonsep\x01", "start", 5, element_id="s02", task_id=2, task_state="cancelled")],
                 1, {"title": "Judul =1+1", "status": "cancelled", "version": 2, "started_at": T0, "ended_at": None,
                     "started_by": None, "score": 0.5, "urgent": True, "ratio": float("nan")}),
        LogTrace("2", [ev("Membahas", "start", 60, element_id="s02", task_id=3, task_state="ready")], 2,
                 {"title": "B", "status": "running", "version": 1, "started_at": T0}),
        LogTrace("3", [], 3, {"title": "Tanpa langkah", "status": "running", "version": 1, "started_at": T0}),
    ]


OWN = dict(event_globals=("element_id", "task_id", "task_state"),
           trace_globals=("instance_id", "title", "status", "version", "started_at"))


ABOUT = {"process": "uji", "version": "semua", "exported_at": T0}


def _written(traces=None) -> bytes:
    out = io.BytesIO()
    write_xes(sample_traces() if traces is None else traces, out, log_name="SOP Uji", tz="Asia/Jakarta",
              log_attributes=ABOUT, **OWN)
    return out.getvalue()


def test_our_export_follows_every_rule():
    assert violations(_written()) == []


def test_our_export_in_utc_and_without_alur_globals_follows_every_rule():
    out = io.BytesIO()
    write_xes(sample_traces(), out, log_name="SOP Uji")
    document = out.getvalue()
    assert violations(document) == []
    assert b'value="2026-11-23T02:30:00.123+00:00"' in document


def test_the_real_export_of_kemenpora_cases_follows_every_rule(seeded, login):
    from ..walking import KEMENPORA, do_open_task, start_kemenpora
    first = start_kemenpora(seeded, "Kasus A")
    seeded.clock.advance(minutes=9)
    do_open_task(seeded, first)
    start_kemenpora(seeded, "Kasus B")
    document = login("kemenpora.auditor").get(f"/processes/{KEMENPORA}/log.xes").get_data()
    assert document.count(b"<event>") == 4  # A: step 1 started and done, step 2 opened; B: step 1 opened
    assert violations(document) == []


def test_the_declarations_and_their_order():
    document = _written()
    root = etree.fromstring(document)
    kinds = [_local(c) for c in root]
    assert kinds[:4] == ["extension"] * 4 and kinds[4:6] == ["global", "global"]
    assert kinds[6:8] == ["classifier", "classifier"] and kinds[-3:] == ["trace"] * 3
    assert root.get("xes.features") is None  # no feature used, none declared
    assert {(c.get("name"), c.get("keys")) for c in root.findall(f"{{{XES}}}classifier")} == {
        ("Activity", "concept:name"), ("Activity and transition", "concept:name lifecycle:transition")}
    log_name = root.find(f"{{{XES}}}string[@key='concept:name']")
    assert log_name.get("value") == "SOP Uji"


def test_missing_values_are_omitted_and_never_global():
    root = etree.fromstring(_written())
    first = root.findall(f"{{{XES}}}trace")[0]
    keys = [a.get("key") for a in first]
    assert "alur_ended_at" not in keys and "alur_started_by" not in keys  # None in the trace
    start = first.findall(f"{{{XES}}}event")[0]
    assert "org:resource" not in [a.get("key") for a in start]   # nobody claimed it
    event_globals = [a.get("key") for a in root.find(f"{{{XES}}}global[@scope='event']")]
    assert "org:resource" not in event_globals and "alur_row" not in event_globals
    values = {a.get("key"): (etree.QName(a).localname, a.get("value")) for a in first}
    assert values["alur_score"] == ("float", "0.5") and values["alur_urgent"] == ("boolean", "true")
    assert values["alur_ratio"] == ("float", "NaN") and values["alur_version"] == ("int", "2")
    assert values["alur_title"] == ("string", "Judul =1+1")
    odd = first.findall(f"{{{XES}}}event")[2].find(f"{{{XES}}}string[@key='concept:name']").get("value")
    assert odd == "Membahas\tkonsep\ufffd"  # a control character XML cannot carry


def test_the_streaming_form_gives_the_same_document_in_chunks():
    traces = sample_traces() * 40
    chunks = list(xes_chunks(traces, log_name="SOP Uji", tz="Asia/Jakarta", log_attributes=ABOUT, every=10, **OWN))
    assert len(chunks) >= 12
    assert b"".join(chunks) == _written(traces)


# --- the checks themselves can fail ---------------------------------------------------------------

BREAKAGES = [
    (lambda d: d.replace(b'xes.version="1849-2016"', b'xes.version="2.0"'), "R3"),
    (lambda d: d.replace(b'xmlns="http://www.xes-standard.org/"', b'xmlns="http://example.org/"'), "R2"),
    (lambda d: d.replace(b'<classifier name="Activity" keys="concept:name"/>', b"", 1)
     .replace(b"<extension", b'<classifier name="Activity" keys="concept:name"/><extension', 1), "R4"),
    (lambda d: d.replace(b'prefix="org"', b'prefix="orgx"'), "R6"),
    (lambda d: d.replace(b'uri="http://www.xes-standard.org/time.xesext"', b'uri="http://example.org/t"'), "R5"),
    (lambda d: d.replace(b'key="alur_row"', b'key="sop:row"', 1), "R6"),
    (lambda d: d.replace(b'key="alur_waktu"', b'key="concept:waktu"', 1), "R6"),
    (lambda d: d.replace(b'<date key="time:timestamp" value="2026-11-23T09:35', b'<string key="time:timestamp" '
                                                                            b'value="2026-11-23T09:35', 1), "R6"),
    (lambda d: d.replace(b'value="2026-11-23T09:35:00.123+07:00"', b'value="23/11/2026 09:35"', 1), "R8"),
    (lambda d: d.replace(b'<int key="alur_task" value="1"/>', b'<int key="alur_task" value="1.5"/>', 1), "R8"),
    (lambda d: d.replace(b'value="true"', b'value="yes"', 1), "R8"),
    (lambda d: d.replace(b'<string key="alur_row" value="1"/>',
                         b'<string key="alur_row" value="1"/><string key="alur_row" value="2"/>', 1), "R9"),
    (lambda d: d.replace(b'<int key="alur_task" value="3"/>', b"", 1), "R10"),
    (lambda d: d.replace(b'keys="concept:name lifecycle:transition"', b'keys="concept:name org:resource"'), "R11"),
    (lambda d: d.replace(b'key="lifecycle:transition" value="complete"/>\n    <date',
                         b'key="lifecycle:transition" value="done"/>\n    <date', 1), "R12"),
    (lambda d: d.replace(b'value="2026-11-23T09:35:00.123+07:00"', b'value="2026-11-23T08:35:00.123+07:00"', 1),
     "R13"),
    (lambda d: d.replace(b'value="2026-11-23T09:35:00.123+07:00"', b'value="2026-11-23T09:35:00+07:00"', 1), "A2"),
    (lambda d: d.replace(b'key="alur_waktu"', b'key="waktu"', 1), "A1"),
    (lambda d: d.replace(b'value="kemenpora.karo"', b'value="None"', 1), "A3"),
    (lambda d: d.replace(b"<trace>", b"<trace><trace/>", 1), "R4"),
    (lambda d: d.replace(b"</log>", b"<log>"), "R1"),
]


@pytest.mark.parametrize("breakage, rule", BREAKAGES)
def test_each_check_catches_what_breaks_its_rule(breakage, rule):
    good = _written()
    broken = breakage(good)
    assert broken != good, "the breakage did not apply"
    found = violations(broken)
    assert any(v.startswith(rule + ":") for v in found), found
