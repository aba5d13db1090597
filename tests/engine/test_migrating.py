"""Moving a running Kemenpora instance to another version of its diagram (server/engine/migrating.py):
SpiffWorkflow's diff decides what matches, Alur decides what an open step may carry, and a moved
instance runs to its end on the new diagram. No database: the engine alone, real SpiffWorkflow.

The variants of the seed diagram are made here (and reused by tests/monitoring/test_migration.py):
a step removed (its flows joined), a step added after another (a copy of it, same lane and form),
a step renamed, a step moved to another lane.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from lxml import etree

from server.clock import FixedClock
from server.engine import ProcessEngine
from server.engine.migrating import NotMovable

KEY = "kemenpora_publikasi_media_sosial"
SEED = Path(__file__).resolve().parents[2] / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
S = {"s01": "s01_disposisi_pembuatan_konten", "s02": "s02_perintahkan_pembahasan_konsep",
     "s03": "s03_bahas_konsep_konten", "s04": "s04_produksi_konten", "s05": "s05_sampaikan_hasil_produksi",
     "s06": "s06_putuskan_persetujuan", "s07": "s07_perintahkan_publikasi", "s08": "s08_publikasi_dan_laporan"}


# --- variants of the seed diagram --------------------------------------------------------------
def seed_xml() -> str:
    return SEED.read_text(encoding="utf-8")


def _q(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def _by_id(root, element_id: str):
    found = root.xpath("//*[@id=$id]", id=element_id)
    assert found, element_id
    return found[0]


def _process(root):
    return root.find(_q("process"))


def _drop_drawing(root, element_id: str) -> None:
    for shape in root.iter(f"{{{DI}}}BPMNShape", f"{{{DI}}}BPMNEdge"):
        if shape.get("bpmnElement") == element_id:
            shape.getparent().remove(shape)


def _rewire(root) -> str:
    """Writes every node's <incoming>/<outgoing> again from the sequence flows (in XSD order:
    after documentation and extensionElements) and returns the diagram."""
    proc = _process(root)
    flows = proc.findall(_q("sequenceFlow"))
    for node in proc:
        if node.get("id") is None or node.tag in (_q("sequenceFlow"), _q("laneSet")):
            continue
        for ref in node.findall(_q("incoming")) + node.findall(_q("outgoing")):
            node.remove(ref)
        head = [c for c in node if c.tag in (_q("documentation"), _q("extensionElements"))]
        at = node.index(head[-1]) + 1 if head else 0
        refs = [("incoming", f.get("id")) for f in flows if f.get("targetRef") == node.get("id")] + \
               [("outgoing", f.get("id")) for f in flows if f.get("sourceRef") == node.get("id")]
        for offset, (tag, flow_id) in enumerate(refs):
            ref = etree.Element(_q(tag))
            ref.text = flow_id
            node.insert(at + offset, ref)
    return etree.tostring(root, encoding="unicode")


def without_step(xml: str, step: str) -> str:
    """The diagram with user task `step` (and its deadline marker) removed, its flows joined."""
    root = etree.fromstring(xml.encode())
    proc = _process(root)
    task = _by_id(root, step)
    [out_flow] = [f for f in proc.findall(_q("sequenceFlow")) if f.get("sourceRef") == step]
    target = out_flow.get("targetRef")
    for flow in [f for f in proc.findall(_q("sequenceFlow")) if f.get("targetRef") == step]:
        flow.set("targetRef", target)
    for gone in [task, out_flow, *[b for b in proc.findall(_q("boundaryEvent")) if b.get("attachedToRef") == step]]:
        gone_id = gone.get("id")
        gone.getparent().remove(gone)
        _drop_drawing(root, gone_id)
        for ref in list(root.iter(_q("flowNodeRef"))):
            if ref.text == gone_id:
                ref.getparent().remove(ref)
    return _rewire(root)


def with_step_after(xml: str, step: str, new_id: str, name: str, sop_no: str) -> str:
    """A new user task after `step`: a copy of it (same lane, form and Waktu) named `name`."""
    root = etree.fromstring(xml.encode())
    proc = _process(root)
    task = _by_id(root, step)
    [out_flow] = [f for f in proc.findall(_q("sequenceFlow")) if f.get("sourceRef") == step]
    new = copy.deepcopy(task)
    new.set("id", new_id)
    new.set("name", name)
    for prop in new.iter(f"{{{SPIFF}}}property"):
        if prop.get("name") == "sop.no":
            prop.set("value", sop_no)
    new.find(_q("documentation")).text = name
    task.addnext(new)
    link = etree.Element(_q("sequenceFlow"), id=f"f_{step[:3]}_{new_id}", sourceRef=step, targetRef=new_id)
    out_flow.addprevious(link)
    out_flow.set("sourceRef", new_id)
    marker = next(b for b in proc.findall(_q("boundaryEvent")) if b.get("attachedToRef") == step)
    new_marker = copy.deepcopy(marker)
    new_marker.set("id", f"batas_{new_id}")
    new_marker.set("attachedToRef", new_id)
    timer = new_marker.find(_q("timerEventDefinition"))
    timer.set("id", f"timer_batas_{new_id}")
    timer.find(_q("timeDate")).text = f'tenggat("{new_id}")'
    new.addnext(new_marker)
    for ref in list(root.iter(_q("flowNodeRef"))):
        if ref.text == step:
            for added in (f"batas_{new_id}", new_id):
                node = etree.Element(_q("flowNodeRef"))
                node.text = added
                ref.addnext(node)
    _draw_after(root, step, new_id, link.get("id"), out_flow.get("id"))
    return _rewire(root)


def _draw_after(root, step: str, new_id: str, link_id: str, out_id: str, shift: float = 160) -> None:
    """Draws the task added after `step` beside it (`shift` to the right, with its marker), the
    flow into it, and the flow out of it from its bottom edge to where that flow went."""
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{DI}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{DI}}}BPMNEdge")}
    bounds = "{http://www.omg.org/spec/DD/20100524/DC}Bounds"
    waypoint = "{http://www.omg.org/spec/DD/20100524/DI}waypoint"
    for old, new in ((step, new_id), (f"batas_{step}", f"batas_{new_id}")):
        shape = copy.deepcopy(shapes[old])
        shape.set("id", f"{new}_di")
        shape.set("bpmnElement", new)
        box = shape.find(bounds)
        box.set("x", str(float(box.get("x")) + shift))
        shapes[old].addnext(shape)
    box = shapes[step].find(bounds)
    x, y, w, h = (float(box.get(k)) for k in ("x", "y", "width", "height"))
    link = etree.Element(f"{{{DI}}}BPMNEdge", id=f"{link_id}_di", bpmnElement=link_id)
    for px in (x + w, x + shift):
        etree.SubElement(link, waypoint, x=str(px), y=str(y + h / 2))
    edges[out_id].addprevious(link)
    points = edges[out_id].findall(waypoint)
    for point in points[:-1]:
        point.getparent().remove(point)
    start = etree.Element(waypoint, x=points[-1].get("x"), y=str(y + h))
    points[-1].addprevious(start)


def renamed(xml: str, step: str, name: str) -> str:
    root = etree.fromstring(xml.encode())
    _by_id(root, step).set("name", name)
    return etree.tostring(root, encoding="unicode")


def in_lane(xml: str, step: str, lane_name: str) -> str:
    """`step` (and its marker) moved to the lane named `lane_name`."""
    root = etree.fromstring(xml.encode())
    for ref in list(root.iter(_q("flowNodeRef"))):
        if ref.text in (step, f"batas_{step}"):
            ref.getparent().remove(ref)
    lane = next(lane for lane in root.iter(_q("lane")) if lane.get("name") == lane_name)
    for moved in (step, f"batas_{step}"):
        node = etree.SubElement(lane, _q("flowNodeRef"))
        node.text = moved
    return etree.tostring(root, encoding="unicode")


def replaced(xml: str, step: str, new_id: str) -> str:
    """`step` under another id (same neighbours): SpiffWorkflow aligns it by its position."""
    return xml.replace(f'"{step}"', f'"{new_id}"').replace(f">{step}<", f">{new_id}<")


# The version the monitoring tests deploy too: step 3 removed, step 4 renamed, a review step after 4.
RENAMED_S04 = "Memproduksi konten (poster, video, atau siaran)"
ADDED = "s04b_periksa_hasil_produksi"
ADDED_NAME = "Memeriksa hasil produksi konten"


def second_version(xml: str | None = None) -> str:
    xml = without_step(xml or seed_xml(), S["s03"])
    xml = renamed(xml, S["s04"], RENAMED_S04)
    return with_step_after(xml, S["s04"], ADDED, ADDED_NAME, "4a")


# --- driving the engine -----------------------------------------------------------------------
@pytest.fixture
def engine():
    return ProcessEngine(FixedClock())


def _start(engine, xml: str, key=1):
    return engine.start(key, KEY, lambda: xml, {"judul": "Publikasi Hari Olahraga Nasional"})


def _step(run, decision: str = "Ya") -> str:
    """Completes the one open task (a decision as given); returns its element id."""
    [task] = run.ready_user_tasks()
    data = {f"isi_{task.element_id[:3]}": task.element_id}
    if task.element_id == S["s06"]:
        data["keputusan"] = decision
    run.complete(task.id, data)
    return task.element_id


def _walk_to(run, element_id: str, rejections: int = 0):
    """Completes steps until `element_id` waits, rejecting at step 6 `rejections` times first."""
    while True:
        [task] = run.ready_user_tasks()
        if task.element_id == element_id and (rejections == 0 or element_id != S["s05"]):
            return run
        if task.element_id == S["s06"] and rejections:
            _step(run, "Tidak")
            rejections -= 1
        else:
            _step(run)


def _finish(run) -> list[str]:
    done = []
    while not run.completed:
        done.append(_step(run))
    return done


def _migration(engine, new_xml: str, new_key=2, old_xml: str | None = None):
    old_xml = old_xml or seed_xml()
    return engine.migration(1, new_key, KEY, lambda: old_xml, lambda: new_xml, to_label=str(new_key))


# --- the tests ----------------------------------------------------------------------------------
def test_an_instance_at_step_2_moves_and_runs_to_the_end_on_the_new_diagram(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s02"])
    [before] = run.ready_user_tasks()
    migration = _migration(engine, second_version())

    verdict = migration.check(run.dump())
    assert verdict.movable and verdict.reasons == []
    assert [(c.element_id, c.waiting) for c in verdict.current] == [(S["s02"], False)]
    moved = migration.migrate(run.dump())

    [after] = moved.ready_user_tasks()
    assert (after.id, after.element_id, after.lane) == (before.id, before.element_id, before.lane)  # same task row
    assert after.data == before.data  # the data of step 1 is kept (a reset would take the root's)
    assert moved.workflow.spec is engine.specs.get(2, KEY, lambda: "")[0]
    done = _finish(moved)
    # step 3 is gone, step 4 has its new name, the review step runs after it
    assert done == [S["s02"], S["s04"], ADDED, S["s05"], S["s06"], S["s07"], S["s08"]]
    assert moved.end_event() == "selesai_dipublikasikan"
    assert moved.data["isi_s01"] == S["s01"] and moved.data["isi_s04"] == ADDED  # data carried to the end


def test_the_renamed_step_carries_its_new_name(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s04"])
    migration = _migration(engine, second_version())
    verdict = migration.check(run.dump())
    assert verdict.movable
    assert any(RENAMED_S04 in n[0] and RENAMED_S04 in n[1] for n in verdict.notes)
    moved = migration.migrate(run.dump())
    [task] = moved.ready_user_tasks()
    assert (task.element_id, task.name) == (S["s04"], RENAMED_S04)
    assert _finish(moved)[:2] == [S["s04"], ADDED]


def test_an_instance_whose_current_step_was_removed_does_not_move(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s03"])
    state = run.dump()
    migration = _migration(engine, second_version())
    verdict = migration.check(state)
    assert not verdict.movable
    [(message_id, message_en)] = verdict.reasons
    assert S["s03"] in message_id and "dihapus di versi 2" in message_id
    assert S["s03"] in message_en and "removed in version 2" in message_en
    assert verdict.current[0].element_id == S["s03"]
    with pytest.raises(NotMovable) as refused:
        migration.migrate(state)
    assert refused.value.reasons == verdict.reasons
    assert run.dump() == state  # the check and the refusal leave the state as it was


def test_after_reject_loops_the_pruned_instance_moves(engine):
    """Three rejections at step 6: the engine's history was pruned at every step; what is left
    (the root and the open step 5) is all the diff sees, and the move keeps the loop's data."""
    run = _walk_to(_start(engine, seed_xml()), S["s05"], rejections=3)
    assert len(run.workflow.tasks) < 15  # pruned: not 3 loops of history
    assert run.data["keputusan"] == "Tidak"
    migration = _migration(engine, second_version())
    assert migration.check(run.dump()).movable
    moved = migration.migrate(run.dump())
    assert moved.data["keputusan"] == "Tidak"
    assert _step(moved) == S["s05"]
    assert _step(moved, "Tidak") == S["s06"]  # the loop still works on the new version
    assert _finish(moved) == [S["s05"], S["s06"], S["s07"], S["s08"]]


def test_the_new_state_round_trips_with_the_new_version(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s02"])
    new_xml = second_version()
    moved = _migration(engine, new_xml).migrate(run.dump())
    text = moved.dump()
    assert "spec" not in json.loads(text)  # state only: the spec lives once per version
    again = engine.resume(2, KEY, lambda: new_xml, text)
    assert [(t.id, t.element_id, t.data) for t in again.ready_user_tasks()] == \
           [(t.id, t.element_id, t.data) for t in moved.ready_user_tasks()]
    assert again.dump() == text
    assert _finish(again)[-1] == S["s08"]
    # a state of the new version: every task names a spec of it, the way ahead the added step
    named = {task["task_spec"] for task in json.loads(text)["tasks"].values()}
    assert ADDED in named and S["s03"] not in named
    assert named <= set(engine.specs.get(2, KEY, lambda: "")[0].task_specs)


def test_a_step_moved_to_another_lane_moves_with_a_note(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s02"])
    migration = _migration(engine, in_lane(seed_xml(), S["s02"], "Ketua Tim Publikasi"))
    verdict = migration.check(run.dump())
    assert verdict.movable
    assert any("Ketua Tim Publikasi" in n[0] for n in verdict.notes)
    [task] = migration.migrate(run.dump()).ready_user_tasks()
    assert task.lane == "Ketua Tim Publikasi"


def test_a_current_step_replaced_by_another_element_does_not_move(engine):
    """SpiffWorkflow aligns a step under a new id with the old one by its neighbours; for an open
    step Alur refuses that: the step the task was opened for is no longer in the diagram."""
    run = _walk_to(_start(engine, seed_xml()), S["s02"])
    migration = _migration(engine, replaced(seed_xml(), S["s02"], "s02_perintah_baru"))
    assert migration.diff.alignment[run.workflow.spec.task_specs[S["s02"]]].name == "s02_perintah_baru"
    verdict = migration.check(run.dump())
    assert not verdict.movable
    assert "s02_perintah_baru" in verdict.reasons[0][1] and "replaced" in verdict.reasons[0][1]
    # an instance past that step moves: the replaced step is behind it (pruned history)
    later = _walk_to(_start(engine, seed_xml()), S["s04"])
    assert migration.check(later.dump()).movable


def test_a_step_that_became_another_kind_of_element_does_not_move(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s02"])
    manual = seed_xml().replace(f'<bpmn:userTask id="{S["s02"]}"', f'<bpmn:manualTask id="{S["s02"]}"', 1)
    manual = manual.replace("</bpmn:userTask>\n    <bpmn:boundaryEvent id=\"batas_s02",
                            "</bpmn:manualTask>\n    <bpmn:boundaryEvent id=\"batas_s02", 1)
    verdict = _migration(engine, manual).check(run.dump())
    assert not verdict.movable and "UserTask -> ManualTask" in verdict.reasons[0][1]


def test_an_unchanged_version_moves_everything(engine):
    run = _walk_to(_start(engine, seed_xml()), S["s06"])
    moved = _migration(engine, seed_xml()).migrate(run.dump())
    assert _finish(moved) == [S["s06"], S["s07"], S["s08"]]


# A waiting timer: an intermediate timer event between two user tasks.
TIMER_FLOW = """<bpmn:intermediateCatchEvent id="tunggu"><bpmn:incoming>fa</bpmn:incoming>
  <bpmn:outgoing>fb</bpmn:outgoing><bpmn:timerEventDefinition id="td">
  <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"{duration}"</bpmn:timeDuration>
  </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""


def _timer_diagram(duration: str = "P3D", timer: bool = True) -> str:
    catch = TIMER_FLOW.format(duration=duration) if timer else \
        '<bpmn:task id="tunggu"><bpmn:incoming>fa</bpmn:incoming><bpmn:outgoing>fb</bpmn:outgoing></bpmn:task>'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d"
    targetNamespace="http://alur.test">
  <bpmn:process id="{KEY}" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="Admin"><bpmn:flowNodeRef>mulai</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>tunggu</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>b</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="a" name="Ajukan"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>fa</bpmn:outgoing></bpmn:userTask>
    {catch}
    <bpmn:userTask id="b" name="Putuskan"><bpmn:incoming>fb</bpmn:incoming><bpmn:outgoing>fc</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="selesai"><bpmn:incoming>fc</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="mulai" targetRef="a"/>
    <bpmn:sequenceFlow id="fa" sourceRef="a" targetRef="tunggu"/>
    <bpmn:sequenceFlow id="fb" sourceRef="tunggu" targetRef="b"/>
    <bpmn:sequenceFlow id="fc" sourceRef="b" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_waiting_timer_keeps_its_due_time_and_a_changed_one_does_not_move(engine):
    old = _timer_diagram()
    run = _start(engine, old)
    _step(run)
    due = run.next_timer_due()
    assert due is not None and run.ready_user_tasks() == []
    renamed_b = _timer_diagram().replace('name="Putuskan"', 'name="Putuskan permohonan"')
    migration = engine.migration(1, 2, KEY, lambda: old, lambda: renamed_b, to_label="2")
    verdict = migration.check(run.dump())
    assert verdict.movable and [(c.element_id, c.waiting) for c in verdict.current] == [("tunggu", True)]
    moved = migration.migrate(run.dump())
    assert moved.next_timer_due() == due  # the timer was not started again
    # the timer's duration changed, or the timer became a plain task: it cannot move
    for key, new, words in ((3, _timer_diagram("P5D"), "event_definition"), (4, _timer_diagram(timer=False), "kind")):
        verdict = engine.migration(1, key, KEY, lambda: old, lambda: new, to_label=str(key)).check(run.dump())
        assert not verdict.movable and words in verdict.reasons[0][1], verdict.reasons


def _parallel_diagram(branches=("a", "b"), after_name="Tutup") -> str:
    tasks = "".join(f'<bpmn:userTask id="{b}" name="Cabang {b}"><bpmn:incoming>in_{b}</bpmn:incoming>'
                    f'<bpmn:outgoing>out_{b}</bpmn:outgoing></bpmn:userTask>' for b in branches)
    flows = "".join(f'<bpmn:sequenceFlow id="in_{b}" sourceRef="pisah" targetRef="{b}"/>'
                    f'<bpmn:sequenceFlow id="out_{b}" sourceRef="{b}" targetRef="gabung"/>' for b in branches)
    split_out = "".join(f"<bpmn:outgoing>in_{b}</bpmn:outgoing>" for b in branches)
    join_in = "".join(f"<bpmn:incoming>out_{b}</bpmn:incoming>" for b in branches)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN}" id="d" targetNamespace="http://alur.test">
  <bpmn:process id="{KEY}" isExecutable="true">
    <bpmn:startEvent id="mulai"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="pisah"><bpmn:incoming>f0</bpmn:incoming>{split_out}</bpmn:parallelGateway>
    {tasks}
    <bpmn:parallelGateway id="gabung">{join_in}<bpmn:outgoing>f1</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="c" name="{after_name}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="selesai"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="mulai" targetRef="pisah"/>{flows}
    <bpmn:sequenceFlow id="f1" sourceRef="gabung" targetRef="c"/>
    <bpmn:sequenceFlow id="f2" sourceRef="c" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_waiting_join_moves_unless_what_it_waits_for_changed(engine):
    old = _parallel_diagram()
    run = _start(engine, old)
    first = next(t for t in run.ready_user_tasks() if t.element_id == "a")
    run.complete(first.id, {"isi_a": 1})
    assert [t.element_id for t in run.ready_user_tasks()] == ["b"]  # the join waits for b
    renamed_c = _parallel_diagram(after_name="Tutup permohonan")
    moved = engine.migration(1, 2, KEY, lambda: old, lambda: renamed_c, to_label="2").migrate(run.dump())
    assert _finish(moved) == ["b", "c"] and moved.data["isi_a"] == 1
    third = _parallel_diagram(branches=("a", "b", "x"))
    verdict = engine.migration(1, 3, KEY, lambda: old, lambda: third, to_label="3").check(run.dump())
    assert not verdict.movable and "gabung" in verdict.reasons[0][1] and "inputs" in verdict.reasons[0][1]
