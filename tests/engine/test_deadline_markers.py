"""A task's tenggat marker (a due-time timer leading nowhere) is Alur's to enforce, not the engine's:
the stored diagram keeps it, the spec the engine runs leaves it out; an older timer that leads to an
"Eskalasi" end is still run by the engine."""
from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from server.clock import FixedClock
from server.engine import ProcessEngine, load_diagram

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def diagram(marker: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Staf">
      <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>s01</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>batas_s01</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="s01" name="Kerjakan"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    {marker}
    <bpmn:endEvent id="selesai"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="s01"/>
    <bpmn:sequenceFlow id="f2" sourceRef="s01" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


TIMER = ('<bpmn:timerEventDefinition id="t"><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
         'tenggat("s01")</bpmn:timeDate></bpmn:timerEventDefinition>')
MARKER = f'<bpmn:boundaryEvent id="batas_s01" attachedToRef="s01" cancelActivity="false">{TIMER}</bpmn:boundaryEvent>'
OLD_STYLE = (f'<bpmn:boundaryEvent id="batas_s01" name="Lewat tenggat" attachedToRef="s01" cancelActivity="false">'
             f'<bpmn:outgoing>f3</bpmn:outgoing>{TIMER}</bpmn:boundaryEvent>'
             '<bpmn:endEvent id="eskalasi_s01" name="Eskalasi"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>'
             '<bpmn:sequenceFlow id="f3" sourceRef="batas_s01" targetRef="eskalasi_s01"/>')
DUE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _run(xml: bytes):
    loaded = load_diagram(xml)
    engine = ProcessEngine(FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)))
    run = engine.start(("v", xml), "p", lambda: loaded.xml, deadlines=lambda element_id, data: DUE)
    return loaded, run


def test_a_marker_stays_in_the_stored_diagram_and_out_of_the_engine():
    loaded, run = _run(diagram(MARKER))
    assert etree.fromstring(loaded.xml.encode()).find(f".//{{{BPMN}}}boundaryEvent").get("id") == "batas_s01"
    assert [t.element_id for t in run.ready_user_tasks()] == ["s01"]
    assert run.next_timer_due() is None  # nothing for the engine's timer scan: the due-time sweep has it
    assert "batas_s01" not in {t.task_spec.bpmn_id for t in run.workflow.tasks.values()}


def test_a_timer_that_leads_somewhere_is_still_the_engines():
    _, run = _run(diagram(OLD_STYLE))
    assert run.next_timer_due() == DUE
