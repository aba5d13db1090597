"""Alur's due-time marker in a diagram, recognised with lxml alone: the engine adapter leaves
markers out of what SpiffWorkflow runs, the lint and the diff name them, the conformance net
leaves them out."""
from __future__ import annotations

import re

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TENGGAT = re.compile(r"""\s*tenggat\(\s*["']([^"']*)["']\s*\)\s*""")  # tenggat("<task id>")


def is_deadline_marker(event: etree._Element) -> bool:
    """A task's due-time timer as the modeler draws it: non-interrupting, `tenggat("<its task>")`,
    leading nowhere. Alur's deadline service enforces it (the task's due time and the overdue
    sweep), so the engine need not carry it: a timer per task made every step 3-4x dearer."""
    date = event.find(f"{{{BPMN}}}timerEventDefinition/{{{BPMN}}}timeDate")
    match = TENGGAT.fullmatch(date.text or "") if date is not None else None
    return bool(match and match[1] == event.get("attachedToRef") and event.get("cancelActivity") == "false"
                and event.find(f"{{{BPMN}}}outgoing") is None
                and not event.getparent().xpath("./*[local-name()='sequenceFlow'][@sourceRef=$id]",
                                                id=event.get("id")))
