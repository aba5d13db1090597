"""Reading diagrams into SpiffWorkflow specs: checked once at deploy, cached per version."""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser, VALIDATOR

from ..errors import DiagramRejected
from ..sop.markers import is_deadline_marker
from . import expressions, safe_xml


# The functions Alur puts into every diagram's expressions (see runtime.ENGINE_FUNCTIONS).
DIAGRAM_FUNCTIONS = ("tenggat",)


@dataclass(frozen=True)
class Diagram:
    """A diagram that passed every check: safe XML, executable, valid for the engine."""

    root: etree._Element
    process_ids: list[str]
    xml: str


_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _without_deadline_markers(root: etree._Element) -> etree._Element:
    """The diagram the engine runs: `root` itself when it has no marker, else a copy without them."""
    markers = [e for e in root.iter(f"{{{_BPMN}}}boundaryEvent") if is_deadline_marker(e)]
    if not markers:
        return root
    root = copy.deepcopy(root)
    ids = set()
    for event in [e for e in root.iter(f"{{{_BPMN}}}boundaryEvent") if is_deadline_marker(e)]:
        ids.add(event.get("id"))
        event.getparent().remove(event)
    for ref in list(root.iter(f"{{{_BPMN}}}flowNodeRef")):
        if (ref.text or "").strip() in ids:
            ref.getparent().remove(ref)
    return root


def _parse_specs(root: etree._Element, filename: str, process_id: str):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(_without_deadline_markers(root), filename=filename)
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def load_diagram(data: bytes, filename: str = "diagram.bpmn") -> Diagram:
    """Parses untrusted BPMN bytes and refuses, with a clear message, what Alur cannot run safely."""
    root = safe_xml.parse_bpmn(data)
    process_ids = safe_xml.check_executable(root)
    expressions.check_diagram_expressions(root, functions=DIAGRAM_FUNCTIONS)
    for process_id in process_ids:
        try:
            spec, subprocess_specs = _parse_specs(root, filename, process_id)
            BpmnWorkflow(spec, subprocess_specs)  # catches structural faults the parser lets through
        except ValidationException as exc:
            raise DiagramRejected(
                f"Diagram ditolak: tidak sesuai BPMN 2.0 ({_short(exc)}).",
                f"Diagram rejected: not valid BPMN 2.0 ({_short(exc)}).",
            ) from exc
        except (SpiffWorkflowException, KeyError, ValueError, TypeError) as exc:
            raise DiagramRejected(
                f"Diagram ditolak: proses '{process_id}' tidak dapat dijalankan ({_short(exc)}).",
                f"Diagram rejected: process '{process_id}' cannot run ({_short(exc)}).",
            ) from exc
    xml = etree.tostring(root, encoding="unicode")
    return Diagram(root=root, process_ids=process_ids, xml=xml)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


class SpecCache:
    """Parsed specs by deployed version. A version never changes, so entries never go stale."""

    def __init__(self, size: int = 512):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, process_id: str, load_xml):
        """`load_xml()` is called only on a miss, to fetch the version's stored XML."""
        cache_key = (key, process_id)
        with self._lock:
            found = self._items.get(cache_key)
            if found is not None:
                self._items.move_to_end(cache_key)
                return found
        xml = load_xml()
        root = safe_xml.parse_bpmn(xml.encode("utf-8") if isinstance(xml, str) else xml)
        found = _parse_specs(root, f"{process_id}.bpmn", process_id)
        with self._lock:
            self._items[cache_key] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found
