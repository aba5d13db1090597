"""Each diagram matches its seed SOP, as written down in tests/diagrams/expected/*.json.

An expectation file names the lanes, each SOP row's task with its Mutu Baku, the decisions, and
paths through the procedure. The Mutu Baku strings must be the seed's own words, the diagram must
carry them, and the engine must walk every path with form-valid data from lane to lane. The lead's
API tests drive the same paths, so the data here doubles as their input.
"""
import html
import json
import os
import re
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from server.engine.expressions import make_script_engine

REPO = Path(__file__).resolve().parents[2]
EXPECTED = sorted((Path(__file__).parent / "expected").glob("*.json"))
SHARED = Path(os.environ.get("ALUR_SHARED_DIR") or REPO.parent / "shared")
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
PLACEHOLDER = re.compile(r"\$(images|videos|files):(\d+)")
# The diagrams' deadline timers (`tenggat("<task>")`) ask Alur for the task's due time; here it
# lies far ahead, so no deadline passes during a walk.
FAR_FUTURE = "2099-01-01T00:00:00+07:00"
SCRIPT_ENGINE = make_script_engine({"tenggat": lambda element_id: FAR_FUTURE})

params = pytest.mark.parametrize("exp_path", EXPECTED, ids=[p.stem for p in EXPECTED])


@lru_cache(maxsize=None)
def expected(exp_path):
    return json.loads(exp_path.read_text(encoding="utf-8"))


class Diagram:
    """The parts of one BPMN file these tests look at."""

    def __init__(self, path):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        self.root = etree.parse(str(path), parser).getroot()
        self.process = self.root.find("bpmn:process[@isExecutable='true']", NS)
        self.path = path
        self.lanes = self.process.findall(".//bpmn:lane", NS)
        self.lane_of = {ref.text.strip(): lane.get("name")
                        for lane in self.lanes for ref in lane.findall("bpmn:flowNodeRef", NS)}
        self.flows = self.process.findall("bpmn:sequenceFlow", NS)

    def element(self, element_id):
        if element_id == self.process.get("id"):
            return self.process
        return self.process.find(f".//*[@id='{element_id}']")

    def properties(self, element_id):
        el = self.element(element_id)
        props = el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        return {p.get("name"): p.get("value") for p in props}

    def form(self, element_id):
        name = self.properties(element_id).get("formJsonSchemaFilename")
        return json.loads((REPO / "forms" / name).read_text(encoding="utf-8")) if name else None

    def ids(self, tag):
        return [el.get("id") for el in self.process.iter(f"{{{NS['bpmn']}}}{tag}")]

    def outcomes(self):
        """The end events: every one is an outcome of the procedure (tenggat markers lead nowhere)."""
        return self.ids("endEvent")

    def deadline_timers(self, task_id=None):
        """Ids of the boundary timers, all of them or those attached to one task."""
        return [el.get("id") for el in self.process.iter(f"{{{NS['bpmn']}}}boundaryEvent")
                if el.find("bpmn:timerEventDefinition", NS) is not None
                and task_id in (None, el.get("attachedToRef"))]

    def workflow(self):
        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_xml(self.root, filename=self.path.name)
        pid = self.process.get("id")
        return BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid), script_engine=SCRIPT_ENGINE)


@lru_cache(maxsize=None)
def diagram(exp_path):
    return Diagram(REPO / "bpmn" / expected(exp_path)["file"])


def normalize(text):
    text = re.sub(r"<[^>]+>", " ", html.unescape(text))
    return re.sub(r"\s+", " ", text).strip()


def fill(value):
    """Replace "$images:N" / "$videos:N" / "$files:N" with N fake attachment ids."""
    if isinstance(value, str) and PLACEHOLDER.fullmatch(value):
        return [str(uuid.uuid4()) for _ in range(int(PLACEHOLDER.fullmatch(value).group(2)))]
    if isinstance(value, dict):
        return {k: fill(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v) for v in value]
    return value


def validate(schema, data, where):
    errors = list(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(data))
    assert not errors, f"{where}: " + "; ".join(e.message for e in errors)


@params
def test_process_and_lanes(exp_path):
    exp, d = expected(exp_path), diagram(exp_path)
    assert d.process.get("id") == exp["process_id"]
    assert exp["file"].startswith(exp["seed"] + "_")
    assert d.properties(exp["process_id"]).get("alur.agency") == exp["agency"]
    assert [lane.get("name") for lane in d.lanes] == exp["lanes"]
    # ...and drawn top to bottom in the table's order.
    ys = [float(d.root.find(f".//bpmndi:BPMNShape[@bpmnElement='{lane.get('id')}']/dc:Bounds", NS).get("y"))
          for lane in d.lanes]
    assert ys == sorted(ys)


@params
def test_start_event(exp_path):
    exp, d = expected(exp_path), diagram(exp_path)
    assert exp["start_event"] in d.ids("startEvent")
    assert d.lane_of[exp["start_event"]] == exp["start_lane"]


@params
def test_rows(exp_path):
    exp, d = expected(exp_path), diagram(exp_path)
    tasks = d.ids("userTask") + d.ids("serviceTask")
    assert sorted(tasks) == sorted(row["task"] for row in exp["rows"]), "one task per expected row"
    for row in exp["rows"]:
        props = d.properties(row["task"])
        assert d.lane_of[row["task"]] == row["lane"], row["task"]
        for key in ("no", "kelengkapan", "waktu", "output"):
            assert props.get(f"sop.{key}") == row[key], f"{row['task']} sop.{key}"
        assert props.get("sop.keterangan", "") == row["keterangan"], f"{row['task']} sop.keterangan"
        assert props.get("sop.no.cetak") == row.get("no_cetak"), f"{row['task']} sop.no.cetak"
        assert daftar(props) == row.get("daftar", {}), f"{row['task']} sop.daftar.*"


def daftar(props):
    """The list styles an element's properties give: {"kelengkapan": "angka", ...}."""
    return {name[len("sop.daftar."):]: value for name, value in props.items() if name.startswith("sop.daftar.")}


def seed_text(exp):
    """The seed's extracted text, raw; skips the test when ../shared is not there."""
    seeds = sorted(SHARED.glob(f"seeds/{exp['seed']}_*.txt"))
    if not seeds:
        pytest.skip(f"seed {exp['seed']} not found under {SHARED}")
    return seeds[0].read_text(encoding="utf-8")


def items(key, value):
    """A cell's items: one per line. A Waktu of clauses keeps "; " between its clauses (the time
    parser, server/timeplan parse_clauses, splits it there), so its clauses are its items."""
    lines = [line for line in value.split("\n") if line.strip()]
    if key == "waktu" and value.lower().startswith("untuk "):
        lines = [part for line in lines for part in line.split("; ")]
    return lines


@params
def test_rows_use_the_seeds_words(exp_path):
    """Lists are one item per line (conventions), so each item must appear in the seed text."""
    exp = expected(exp_path)
    seed = normalize(seed_text(exp))
    for row in exp["rows"]:
        for key in ("kelengkapan", "waktu", "output", "keterangan"):
            for item in items(key, row[key]):
                assert normalize(item).rstrip(".") in seed, f"{row['task']} {key}: {item!r} is not the seed's text"


MARKERS = {"angka": r"\d+\.?", "strip": r"-", "huruf": r"[a-z]\."}


def assert_listed(seed, where, value, style):
    """Each item of a list stands in the seed after the marker of its style: "1. ", "- ", "a. "."""
    assert style in MARKERS, f"{where}: unknown list style {style!r}"
    found = items("", value)
    assert found, f"{where}: a list style on an empty value"
    for n, item in enumerate(found):
        marker = {"angka": rf"{n + 1}\.?", "huruf": rf"{'abcdefghij'[n]}\."}.get(style, MARKERS[style])
        pattern = rf"(?:^|\s){marker}\s*{re.escape(normalize(item))}"
        assert re.search(pattern, seed), f"{where}: {item!r} is not printed as item {n + 1} of a list styled {style}"


@params
def test_lists_keep_their_style(exp_path):
    """A cell or identity field printed as a list says so (sop.daftar.*), and a row's cell of
    several lines is always such a list: the seed printed its items with their markers."""
    exp, d = expected(exp_path), diagram(exp_path)
    seed = normalize(seed_text(exp))
    for row in exp["rows"]:
        props = d.properties(row["task"])
        for key, style in daftar(props).items():
            assert key in ("kelengkapan", "output", "waktu", "keterangan"), f"{row['task']} sop.daftar.{key}"
            assert_listed(seed, f"{row['task']} {key}", props[f"sop.{key}"], style)
        for key in ("kelengkapan", "output", "keterangan"):
            if "\n" in props.get(f"sop.{key}", ""):
                assert key in daftar(props), f"{row['task']} {key}: several lines but no sop.daftar.{key}"
    process = d.properties(exp["process_id"])
    for key, style in daftar(process).items():
        assert f"sop.{key}" in process, f"sop.daftar.{key} styles no identity field"
        assert_listed(seed, f"sop.{key}", process[f"sop.{key}"], style)


@params
def test_the_sheet_as_printed(exp_path):
    """Headings, labels, title and signer as the seed prints them; the signer in three parts."""
    exp, d = expected(exp_path), diagram(exp_path)
    sheet, props = exp["sheet"], d.properties(exp["process_id"])
    seed = normalize(seed_text(exp))
    assert {k[len("sop.kolom."):]: v for k, v in props.items() if k.startswith("sop.kolom.")} == sheet["kolom"]
    assert {k[len("sop.label."):]: v for k, v in props.items() if k.startswith("sop.label.")} == sheet["label"]
    assert props.get("sop.judul_tabel", "") == sheet["judul_tabel"]
    assert daftar(props) == sheet["daftar"]
    signer = sheet["disahkan_oleh"]
    assert (props["sop.disahkan_oleh"], props["sop.disahkan_oleh.nama"], props["sop.disahkan_oleh.nip"]) == (
        signer["jabatan"], signer["nama"], signer["nip"])
    assert "\n" not in props["sop.disahkan_oleh"] and "NIP" not in props["sop.disahkan_oleh"], "position only"
    printed = [*sheet["kolom"].values(), *sheet["label"].values(), sheet["judul_tabel"], *signer.values()]
    for text in filter(None, printed):
        assert normalize(text) in seed, f"{text!r} is not printed in the seed"
    assert signer["nip"] == "" or f"NIP {signer['nip']}" in seed or f"NIP. {signer['nip']}" in seed
    # a field to confirm names a property the process has (moved with the parts it concerns)
    for name in props:
        if name.startswith("alur.konfirmasi."):
            assert name[len("alur.konfirmasi."):] in props, f"{name} concerns no property"


def seed_row(seed, printed, kegiatan):
    """The seed's line for a row: it starts with the printed number (maybe with a dot), then the Kegiatan."""
    start = normalize(kegiatan)[:40]
    for line in seed.splitlines():
        cells = line.split("\t")
        if cells[0].strip().rstrip(".") == printed and len(cells) > 1 and normalize(cells[1]).startswith(start):
            return cells
    return None


@params
def test_rows_numbered_as_printed(exp_path):
    """sop.no.cetak where the seed's number differs (DKI prints "5" twice); else sop.no is printed."""
    exp, d = expected(exp_path), diagram(exp_path)
    seed = seed_text(exp)
    for row in exp["rows"]:
        doc = d.element(row["task"]).find("bpmn:documentation", NS).text
        printed = row.get("no_cetak") or row["no"]
        assert seed_row(seed, printed, doc), f"{row['task']}: no row {printed} \"{doc[:40]}...\" in the seed"
        assert row.get("no_cetak") != row["no"], "sop.no.cetak only where it differs"


@params
def test_terminators_stand_in_their_rows(exp_path):
    """sop.baris puts a start or end in a row's band: in the seed that row holds the terminator's
    word (mulai, selesai) in the column of the event's lane."""
    exp, d = expected(exp_path), diagram(exp_path)
    events = d.ids("startEvent") + d.ids("endEvent")
    found = {e: d.properties(e)["sop.baris"] for e in events if "sop.baris" in d.properties(e)}
    assert found == exp["sheet"]["terminator_baris"]
    if not found:
        return
    seed, lanes = seed_text(exp), [lane.get("name") for lane in d.lanes]
    for event, baris in found.items():
        (row,) = [r for r in exp["rows"] if r["no"] == baris]
        doc = d.element(row["task"]).find("bpmn:documentation", NS).text
        cells = seed_row(seed, row.get("no_cetak") or baris, doc)
        word = "mulai" if event in d.ids("startEvent") else "selesai"
        assert word in cells[2 + lanes.index(d.lane_of[event])].lower(), f"{event}: no {word} in row {baris}"


def test_one_document_of_several_processes():
    """Nomporejo's two tables are one document: each table's processes merge into rows 1..n, and
    all its processes carry the same identity block and headings."""
    documents = {}
    for exp_path in EXPECTED:
        exp = expected(exp_path)
        doc = exp["sheet"].get("dokumen")
        props = diagram(exp_path).properties(exp["process_id"])
        assert (props.get("sop.dokumen"), props.get("sop.dokumen.tabel")) == (
            (doc["id"], doc["tabel"]) if doc else (None, None))
        if doc:
            documents.setdefault(doc["id"], []).append((exp, props))
    assert set(documents) == {"nomporejo-produksi-konten"}
    for members in documents.values():
        shared = [{k: v for k, v in props.items() if k.startswith("sop.") and not k.startswith("sop.dokumen")}
                  for _, props in members]
        assert all(s == shared[0] for s in shared), "one identity block and one set of headings"
        tables = {}
        for exp, props in members:
            tables.setdefault(props["sop.dokumen.tabel"], []).extend(int(r["no"]) for r in exp["rows"])
        assert sorted(tables) == ["1", "2"]
        for numbers in tables.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), "rows 1..n, none twice"


@params
def test_decisions(exp_path):
    exp, d = expected(exp_path), diagram(exp_path)
    for dec in exp["decisions"]:
        out = [f for f in d.flows if f.get("sourceRef") == dec["task"]]
        assert [f.get("targetRef") for f in out] == [dec["gateway"]], f"{dec['gateway']} follows {dec['task']}"
        assert dec["gateway"] in d.ids("exclusiveGateway")
        assert d.lane_of[dec["gateway"]] == d.lane_of[dec["task"]]
        names = [f.get("name") for f in d.flows if f.get("sourceRef") == dec["gateway"]]
        assert sorted(names) == sorted(dec["labels"])


@params
def test_paths_take_every_decision_label(exp_path):
    """The approval path plus one path per rejection point: every label is walked at least once."""
    exp = expected(exp_path)
    for dec in exp["decisions"]:
        taken = {s["data"].get("keputusan") for p in exp["paths"] for s in p["steps"] if s["task"] == dec["task"]}
        assert set(dec["labels"]) <= taken, f"no path takes {set(dec['labels']) - taken} at {dec['task']}"


def fire_timers(wf):
    """The engine reads the real clock (no hook): make waiting timers due now, as a scheduler would."""
    now = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    for task in wf.get_tasks(state=TaskState.WAITING):
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):  # a cycle: {"cycles", "next", "duration"}
            value["next"] = now
        elif value is not None:  # a date or a duration, stored as its due time
            task.internal_data["event_value"] = now
    wf.refresh_timers()
    wf.do_engine_steps()


def walk_params():
    out = []
    for exp_path in EXPECTED:
        for i, path in enumerate(expected(exp_path)["paths"]):
            out.append(pytest.param(exp_path, i, id=f"{exp_path.stem}-{path['name']}"))
    return out


def armed(task):
    """Ids of the boundary events attached to a user task (its deadline timers)."""
    split = task.parent  # a task with boundary events hangs under the engine's BoundaryEventSplit
    if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
        return set()
    return {c.task_spec.bpmn_id for c in split.children if isinstance(c.task_spec, BoundaryEvent)}


@pytest.mark.parametrize("exp_path, index", walk_params())
def test_engine_walks_the_path(exp_path, index):
    exp, d = expected(exp_path), diagram(exp_path)
    path = exp["paths"][index]
    wf = d.workflow()
    start = fill(path.get("start") or {})
    start_form = d.form(exp["start_event"])
    if start_form is not None:
        validate(start_form, start, exp["start_event"])
    # The start form's data goes to the first task, the engine's own "Start", and flows on from there.
    wf.get_tasks(state=TaskState.READY)[0].set_data(**start)
    wf.do_engine_steps()
    timer_start = d.element(exp["start_event"]).find("bpmn:timerEventDefinition", NS) is not None
    if timer_start:
        fire_timers(wf)

    for n, step in enumerate(path["steps"], 1):
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        assert [t.task_spec.bpmn_id for t in ready] == [step["task"]], f"step {n}"
        task = ready[0]
        assert task.task_spec.lane == step["lane"], f"step {n}: {step['task']}"
        data = fill(step["data"])
        validate(d.form(step["task"]), data, f"step {n}: {step['task']}")
        # A task with a time standard waits with its deadline timer armed at tenggat("<task>").
        timers = [t for t in task.parent.children if isinstance(t.task_spec, BoundaryEvent)]
        assert {t.task_spec.bpmn_id for t in timers} == set(d.deadline_timers(step["task"])), f"step {n}"
        for timer in timers:
            assert isinstance(timer.task_spec.event_definition, TimeDateEventDefinition)
            assert timer.state == TaskState.WAITING, f"step {n}: {timer.task_spec.bpmn_id} is not armed"
            assert timer.internal_data.get("event_value") == FAR_FUTURE, f"step {n}: {timer.task_spec.bpmn_id}"
        task.set_data(**data)
        task.run()
        wf.do_engine_steps()
        # The deadline timer of a finished task is cancelled; one of a task still open keeps waiting.
        waiting = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.WAITING)}
        assert not waiting & armed(task), f"step {n}: {step['task']}'s deadline timer outlived it"

    assert not wf.get_tasks(state=TaskState.READY, manual=True), "tasks left after the last step"
    completed = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}
    assert not completed & set(d.deadline_timers()), "no deadline passed, so no timer fired"
    assert completed & set(d.ids("endEvent")) == {path["end"]}, "ended at the expected outcome only"
    assert path["end"] in d.outcomes()
    pending = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.NOT_FINISHED_MASK) if t.task_spec.bpmn_id}
    if timer_start:  # a cycle timer start stays armed for the next period; nothing else may wait
        assert pending <= {exp["start_event"]}
    else:
        assert wf.is_completed() and not pending
        assert all(wf.data.get(k) == v for k, v in start.items()), "start data reached the end"
