"""Moving a running instance's token to another step ("redo step 3", "skip a step done outside Alur").

Why not SpiffWorkflow's own reset (`BpmnWorkflow.reset_from_task_id`): it rewinds to a task that
is still in the tree, and Alur prunes finished history after every step (see pruning), so the
task of an earlier step is usually gone, and a later step was never there but as a prediction.
Instead the move replaces the token: the task that holds the instance's open work (a ready user
task, the BoundaryEventSplit wrapping one, a waiting event, a running subprocess) is removed with
its predicted children, its waiting events and its subprocesses, and a fresh task for the target
(or for the target's BoundaryEventSplit, when the target has boundary events) is hung under the
same parent, carrying the data the instance had. The engine then runs its steps as after any
step (Run.move_to), and `verify` checks the outcome before anything is written.

Only a one-token instance moves, and only to a user or manual task of its top-level process that
lies outside every parallel split..join: one token placed inside a parallel region would wait
forever at the join for branches that never started. Refusals raise Conflict or InvalidInput
with both languages, before the workflow is touched.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from ..errors import Conflict, InvalidInput

_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_CONCURRENT = (ParallelGateway, InclusiveGateway)  # gateways whose split makes several tokens


@dataclass(frozen=True)
class Token:
    """The task holding all of the instance's open work, and what it stands at."""

    host: object                 # a Task of the top-level workflow
    elements: tuple[str, ...]    # element ids it stands at: ready user tasks, waiting events
    data: dict                   # the instance's data as the token has it


# --- what may move where -------------------------------------------------------------------------
def current_token(workflow: BpmnWorkflow) -> Token:
    """The instance's one token, or Conflict (409) when it has several (parallel branches) or none."""
    live = _unfinished(workflow)
    active = [t for t in live if t.has_state(_ACTIVE)]
    hosts = {_host(t).id: _host(t) for t in active}
    subtrees = {host_id: _subtree_ids(h) for host_id, h in hosts.items()}
    # a host inside another's subtree is part of that token (e.g. a fired escalation timer's path
    # waiting at the end for its task); two ready tasks there are still two tokens (checked below)
    hosts = {host_id: h for host_id, h in hosts.items()
             if not any(host_id in ids for other, ids in subtrees.items() if other != host_id)}
    if len(hosts) != 1:
        if not hosts:
            raise Conflict("Instans ini tidak sedang menunggu di langkah mana pun; tidak dapat dipindahkan.",
                           "This instance is not waiting at any step; it cannot be moved.")
        raise _several_tokens()
    [host] = hosts.values()
    inside = _subtree_ids(host)
    if any(t.id not in inside for t in live):  # e.g. a branch waiting at a join elsewhere
        raise _several_tokens()
    ready = [t for t in _all_tasks(workflow, host) if t.has_state(TaskState.READY) and t.task_spec.manual]
    if len(ready) > 1:
        raise _several_tokens()
    waiting = [t for t in _all_tasks(workflow, host)
               if t.has_state(TaskState.WAITING) and isinstance(t.task_spec, CatchingEvent)
               and not isinstance(t.task_spec, BoundaryEvent)]
    elements = tuple(t.task_spec.bpmn_id for t in ready + waiting if t.task_spec.bpmn_id)
    data = (ready[0] if ready else host).data
    return Token(host, elements, copy.deepcopy(data))


def target_spec(workflow: BpmnWorkflow, element_id: str):
    """The spec of the target step, or a refusal: InvalidInput (422) when it is not a user or manual
    task of the top-level process, Conflict (409) when it lies inside a parallel split..join."""
    spec = workflow.spec.task_specs.get(element_id)
    if isinstance(spec, LoopTask) and spec.bpmn_id == element_id:
        raise Conflict(f"Langkah '{element_id}' diulang (multi-instance atau perulangan); instans tidak dapat "
                       "dipindahkan ke sana.",
                       f"Step '{element_id}' repeats (multi-instance or loop); an instance cannot be moved there.")
    if spec is None or spec.bpmn_id != element_id or not isinstance(spec, (UserTask, ManualTask)):
        raise InvalidInput(
            f"'{element_id}' bukan langkah (tugas pengguna atau tugas manual) pada proses utama SOP ini.",
            f"'{element_id}' is not a step (a user or manual task) of this SOP's main process.",
            fields={"to_element": [{"id": "Bukan langkah SOP ini.", "en": "Not a step of this SOP."}]})
    if element_id in parallel_region(workflow.spec):
        raise Conflict(f"Langkah '{element_id}' berada di antara percabangan paralel dan penggabungannya; "
                       "instans tidak dapat dipindahkan ke sana.",
                       f"Step '{element_id}' lies between a parallel split and its join; an instance cannot "
                       "be moved there.")
    return spec


def movable_elements(workflow: BpmnWorkflow) -> list[str]:
    """Element ids of the top-level user and manual tasks a one-token instance may be moved to."""
    inside = parallel_region(workflow.spec)
    return [s.bpmn_id for s in workflow.spec.task_specs.values()
            if isinstance(s, (UserTask, ManualTask)) and not isinstance(s, LoopTask)
            and s.bpmn_id and s.bpmn_id == s.name and s.bpmn_id not in inside]


def allowed_targets(workflow: BpmnWorkflow) -> list[str]:
    """Where the instance may be moved now: [] when it may not move at all (several tokens)."""
    try:
        token = current_token(workflow)
    except Conflict:
        return []
    return [e for e in movable_elements(workflow) if e not in token.elements]


_REGIONS: WeakKeyDictionary = WeakKeyDictionary()


def parallel_region(process_spec) -> frozenset[str]:
    """Element ids between a parallel (or inclusive) split and its join, found on the spec graph:
    from each split, follow the flows, one level deeper at each further split and one level up at
    each join, stopping where the level falls back to zero. A split whose branches never join
    leaves everything after it inside (conservative). Cached per spec (specs are cached per version)."""
    found = _REGIONS.get(process_spec)
    if found is not None:
        return found
    specs = list(process_spec.task_specs.values())
    limit = 1 + sum(isinstance(s, _CONCURRENT) for s in specs)
    inside: set[str] = set()
    for split in specs:
        if not (isinstance(split, _CONCURRENT) and len(split.outputs) > 1):
            continue
        stack = [(out, 1) for out in split.outputs]
        seen = set()
        while stack:
            spec, level = stack.pop()
            if (spec.name, level) in seen:
                continue
            seen.add((spec.name, level))
            if isinstance(spec, _CONCURRENT) and len(spec.inputs) > 1:
                level -= 1
                if level == 0:
                    continue
            if isinstance(spec, _CONCURRENT) and len(spec.outputs) > 1:
                level = min(level + 1, limit)
            if spec.bpmn_id:
                inside.add(spec.bpmn_id)
            stack.extend((out, level) for out in spec.outputs)
    found = frozenset(inside)
    _REGIONS[process_spec] = found
    return found


# --- the move -----------------------------------------------------------------------------------
def place(workflow: BpmnWorkflow, token: Token, spec) -> None:
    """Replaces the token by a fresh task for `spec` (or its BoundaryEventSplit) under the same
    parent, carrying the token's data. The engine's steps (run by the caller) do the rest."""
    parent = token.host.parent
    _remove(workflow, token.host)
    wrapper = workflow.spec.task_specs.get(f"{spec.name}.BoundaryEventSplit")
    new_spec = wrapper if isinstance(wrapper, BoundaryEventSplit) and spec in wrapper.outputs else spec
    task = parent._add_child(new_spec, TaskState.FUTURE)
    task.data = copy.deepcopy(token.data)
    # The new task inherits its parent's data when it becomes ready (parent values win over its
    # own): the parent is finished history, so it lends the token's data for that moment only.
    kept, parent.data = parent.data, copy.deepcopy(token.data)
    try:
        new_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
        new_spec._update(task)
    finally:
        parent.data = kept


def _remove(workflow: BpmnWorkflow, host) -> None:
    """Takes the host and everything under it out of the workflow: tasks, subprocesses, events."""
    ids = _subtree_ids(host)
    for task_id in list(ids):
        if task_id in workflow.subprocesses:
            for sub in workflow.delete_subprocess(workflow.tasks[task_id]):
                workflow.event_manager.tasks.pop(sub.id, None)
    for task_id in ids:
        workflow.event_manager.tasks.pop(task_id, None)
    workflow._remove_task(host.id)
    if workflow.last_task is not None and workflow.last_task.id in ids:
        workflow.last_task = None


# --- the check afterwards -----------------------------------------------------------------------
def verify(workflow: BpmnWorkflow, element_id: str, reloaded: BpmnWorkflow | None = None) -> None:
    """After the move and the engine's steps: the target is the one ready user task, everything
    unfinished belongs to it (its wrapper, its predicted children, its waiting boundary events),
    and (given `reloaded`, the stored state read back) the state round-trips. Else Conflict."""
    problems = _problems(workflow, element_id)
    if not problems and reloaded is not None:
        problems = _problems(reloaded, element_id)
        if not problems and _shape(reloaded) != _shape(workflow):
            problems = ["the stored state reads back differently"]
    if problems:
        raise Conflict("Pemindahan menghasilkan keadaan yang tidak konsisten, jadi dibatalkan; tidak ada yang "
                       f"diubah ({'; '.join(problems)}).",
                       f"The move led to an inconsistent state, so it was undone; nothing changed "
                       f"({'; '.join(problems)}).")


def _problems(workflow: BpmnWorkflow, element_id: str) -> list[str]:
    if workflow.is_completed():
        return ["the instance reports itself completed"]
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if [t.task_spec.bpmn_id for t in ready] != [element_id] or ready[0].workflow is not workflow:
        return [f"ready: {[t.task_spec.bpmn_id for t in ready]}"]
    task = ready[0]
    host = task.parent if isinstance(task.parent.task_spec, BoundaryEventSplit) else task
    inside = _subtree_ids(host)
    problems = []
    for other in _unfinished(workflow):
        if other.id not in inside:
            problems.append(f"{other.task_spec.name} is open outside the moved step")
        elif other is not task and other.has_state(TaskState.READY | TaskState.STARTED):
            problems.append(f"{other.task_spec.name} is {TaskState.get_name(other.state)}")
        elif other.has_state(TaskState.WAITING) and not (
                isinstance(other.task_spec, BoundaryEvent) and other.parent is host):
            problems.append(f"{other.task_spec.name} waits")
    if any(not sp.completed for sp in workflow.subprocesses.values()):
        problems.append("a subprocess is still open")
    stray = [t for t in workflow.event_manager.tasks.values() if t.id not in inside]
    if stray:
        problems.append(f"events wait outside the moved step: {[t.task_spec.name for t in stray]}")
    return problems


def _shape(workflow: BpmnWorkflow) -> tuple:
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    return (sorted((str(t.id), t.task_spec.name, _canonical(t.data)) for t in ready),
            sorted((str(t.id), t.task_spec.name, TaskState.get_name(t.state)) for t in _unfinished(workflow)),
            sorted((e.name, str(e.event_type), str(e.value)) for e in workflow.waiting_events()))


def _canonical(data: dict) -> str:
    return repr(sorted((str(k), repr(v)) for k, v in data.items()))


# --- helpers ------------------------------------------------------------------------------------
def _unfinished(workflow: BpmnWorkflow) -> list:
    """Unfinished tasks of the top-level workflow, without a tree walk (no depth limit)."""
    return [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]


def _host(task):
    """The top-level task a token lives in: the task itself, the BoundaryEventSplit wrapping it
    with its boundary events, or (the same for) the subprocess task that runs it."""
    while task.workflow is not task.workflow.top_workflow:
        task = task.workflow.top_workflow.get_task_from_id(task.workflow.parent_task_id)
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        return parent
    return task


def _subtree_ids(task) -> set:
    ids, stack = set(), [task]
    while stack:
        current = stack.pop()
        ids.add(current.id)
        stack.extend(current.children)
    return ids


def _all_tasks(workflow: BpmnWorkflow, host) -> list:
    """The host's subtree, with the tasks of any subprocess running inside it."""
    out = []
    for task_id in _subtree_ids(host):
        task = workflow.tasks[task_id]
        out.append(task)
        sub = workflow.subprocesses.get(task_id)
        if sub is not None:
            out.extend(_subprocess_tasks(workflow, sub))
    return out


def _subprocess_tasks(workflow: BpmnWorkflow, sub) -> list:
    out = []
    for task in sub.tasks.values():
        out.append(task)
        nested = workflow.subprocesses.get(task.id)
        if nested is not None:
            out.extend(_subprocess_tasks(workflow, nested))
    return out


def _several_tokens() -> Conflict:
    return Conflict("Instans ini sedang berjalan di beberapa cabang sekaligus (paralel); instans hanya dapat "
                    "dipindahkan saat menunggu di satu langkah.",
                    "This instance runs in several branches at once (parallel); it can only be moved while it "
                    "waits at a single step.")
