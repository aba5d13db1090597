"""Engine state as JSON, without the process definition.

SpiffWorkflow's serializer embeds the whole spec in every serialized workflow (more than half
of a small instance's record, and a large share of each deserialization). Alur stores the
diagram once per deployed version, so the state keeps only tasks and data, and the cached
spec objects are handed back in when the state is read.

A state is also bounded: it is read and written on every step and held in one row, so a
diagram or a form that piles up data must stop the step, not the server (see dump_state).
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .expressions import MAX_DATA_DEPTH

FORMAT = "alur-state-1"
MAX_STATE_BYTES = 1024 * 1024  # one instance's serialized state, by default
# Levels the engine's own records (workflow, subprocess, task, delta) add above task data.
_RECORD_DEPTH = 10
_SCALARS = (int, float, bool, type(None))


class StateRefused(Exception):
    """The state cannot be stored; says why in both languages (the caller makes it a fault)."""

    def __init__(self, message_id: str, message_en: str):
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en


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


def dump_state(workflow: BpmnWorkflow, limit: int = MAX_STATE_BYTES) -> str:
    """The state as JSON, at most `limit` bytes, or StateRefused.

    The JSON text is only built once a cheap lower bound of its size fits: task data may hold
    the same large value under many names, and the text would repeat it each time.
    """
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct["format"] = FORMAT
        if _lower_bound(dct, limit) > limit:
            raise _too_large(limit)
        # ASCII only, so the length in characters is the length in bytes.
        text = json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"), ensure_ascii=True)
    except RecursionError:
        raise _too_deep() from None
    except (TypeError, ValueError) as exc:  # a value JSON cannot hold: a date, a tuple key, a cycle
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise StateRefused(
            f"Data proses memuat nilai yang tidak dapat disimpan ({detail}); langkah dihentikan.",
            f"The process data holds a value that cannot be stored ({detail}); the step was stopped.",
        ) from exc
    if len(text) > limit:
        raise _too_large(limit)
    return text


def _lower_bound(obj, limit: int) -> int:
    """At most the length of obj's JSON text, found without building it; stops once past
    limit. Read level by level, so a cycle or deep nesting ends at the depth limit."""
    total, level, depth = 0, [obj], 0
    max_depth = MAX_DATA_DEPTH + _RECORD_DEPTH
    while level:
        depth += 1
        if depth > max_depth:
            raise _too_deep()
        below = []
        for item in level:
            if isinstance(item, dict):
                total += 1 + 2 * len(item)           # braces, colons, commas
                total += sum(len(key) + 2 if isinstance(key, str) else 3 for key in item)
                total += _leaves(item.values(), below)
            elif isinstance(item, (list, tuple, set, frozenset)):
                total += 1 + len(item) + _leaves(item, below)  # brackets, commas
            elif isinstance(item, str):
                total += len(item) + 2
            else:                                    # a number, or an object the encoder converts
                total += 1
            if total > limit:
                return total
        level = below
    return total


def _leaves(values, below: list) -> int:
    """The JSON length of the strings and scalars among `values`; containers go to `below`."""
    total = 0
    for value in values:
        if isinstance(value, str):
            total += len(value) + 2
        elif isinstance(value, _SCALARS):
            total += 1
        else:
            below.append(value)
    return total


def _size(limit: int) -> str:
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if limit >= unit and limit % unit == 0:
            return f"{limit // unit} {name}"
    return f"{limit} byte"


def _too_large(limit: int) -> StateRefused:
    return StateRefused(f"Data proses melebihi batas {_size(limit)}; langkah dihentikan.",
                        f"The process data exceeds the {_size(limit)} limit; the step was stopped.")


def _too_deep() -> StateRefused:
    return StateRefused(
        f"Data proses bersarang lebih dari {MAX_DATA_DEPTH} tingkat (atau memuat dirinya sendiri); "
        "langkah dihentikan.",
        f"The process data is nested more than {MAX_DATA_DEPTH} levels deep (or contains itself); "
        "the step was stopped.")


def load_state(text: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(text)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown engine state format")
    workflow = _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow
