"""Engine state as JSON, without the process definition.

SpiffWorkflow's serializer embeds the whole spec in every serialized workflow (more than half
of a small instance's record, and a large share of each deserialization). Alur stores the
diagram once per deployed version, so the state keeps only tasks and data, and the cached
spec objects are handed back in when the state is read.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

FORMAT = "alur-state-1"


class _StateOnlyConverter(BpmnWorkflowConverter):
    """Converts a workflow's runtime state and leaves its specs out."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateOnlyConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _make_serializer()


def dump_state(workflow: BpmnWorkflow) -> str:
    dct = _SERIALIZER.to_dict(workflow)
    dct["format"] = FORMAT
    return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))


def load_state(text: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(text)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown engine state format")
    workflow = _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow
