"""A running workflow: start it, see its ready user tasks, complete one, persist it.

Every call that moves the engine ends with `_settle`, which runs engine steps, cuts finished
history (see pruning), refuses to believe a "complete" that is not, and serializes the new
state, refusing one larger than the instance may keep (state.MAX_STATE_BYTES).
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import UUID

from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent, StartEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ..errors import ExpressionRejected
from . import pruning, state
from .expressions import current_data
from .engine_time import engine_time


class EngineFault(Exception):
    """The instance cannot go on; carries a message for the supervisor in both languages."""

    def __init__(self, message_id: str, message_en: str):
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en


@dataclass(frozen=True)
class Passage:
    """An element reached in a step, and the element it was reached from (None: a boundary
    event, a start, or a token put there by hand). Alur keeps these (kernel.trail): the engine
    forgets its finished history (pruning)."""
    element_id: str
    source_id: str | None


# A task counts as reached once it leaves the engine's predictions; a boundary event only when
# it fires (it waits, unfired, beside every task it is attached to).
_REACHED = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR


@dataclass(frozen=True)
class ReadyTask:
    id: str
    element_id: str
    name: str
    lane: str | None
    properties: dict
    data: dict


_deadlines: ContextVar = ContextVar("alur_deadlines", default=None)
NEVER = "9999-12-31T00:00:00+00:00"  # a timer with no due time (its reference date is missing)


def tenggat(element_id: str) -> str:
    """Diagram function: the due time of a task, as ISO 8601, from its SOP Waktu.

    The host (Alur's services) knows the agency calendar and the instance; it hands a resolver
    to each engine call, and timer expressions such as `tenggat("s05_...")` ask it here.
    """
    resolver = _deadlines.get()
    due = resolver(str(element_id), current_data()) if resolver else None
    return due.isoformat() if due else NEVER


ENGINE_FUNCTIONS = {"tenggat": tenggat}


def _reached(task) -> bool:
    if isinstance(task.task_spec, BoundaryEvent):
        return task.has_state(TaskState.COMPLETED)
    return task.has_state(_REACHED)


def _source(task) -> str | None:
    """The element the token came from: the nearest ancestor that is a diagram element (the
    engine's own wrappers, e.g. a task's boundary-event split, have no bpmn id)."""
    if isinstance(task.task_spec, BoundaryEvent):
        return None
    parent = task.parent
    while parent is not None and not parent.task_spec.bpmn_id:
        parent = parent.parent
    return parent.task_spec.bpmn_id if parent is not None else None


def _boundary_host(task) -> str | None:
    siblings = task.parent.children if task.parent else []
    return next((t.task_spec.bpmn_id for t in siblings if t.task_spec.manual), None)


class Run:
    """One workflow in memory, between reading its state and writing it back."""

    def __init__(self, workflow: BpmnWorkflow, clock, deadlines=None,
                 max_state_bytes: int = state.MAX_STATE_BYTES):
        self.workflow = workflow
        self.clock = clock
        self.deadlines = deadlines
        self.max_state_bytes = max_state_bytes
        self._state: str | None = None  # serialized by the last step, see dump()
        self.escalated: list[str] = []  # tasks whose due-time boundary timer fired in this run
        self.passages: list[Passage] = []  # elements reached by this run's steps, in order
        self._reached = {t.id for t in self._all_tasks() if _reached(t)}

    # --- reading -------------------------------------------------------------------------
    def ready_user_tasks(self) -> list[ReadyTask]:
        out = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            props = (getattr(spec, "extensions", None) or {}).get("properties", {})
            out.append(ReadyTask(str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id,
                                 spec.lane, dict(props), task.data))
        return out

    def active_elements(self) -> list[str]:
        """Where the tokens are now: the elements of ready user tasks and waiting events."""
        wanted = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        return sorted({t.task_spec.bpmn_id for t in self._all_tasks()
                       if t.has_state(wanted) and t.task_spec.bpmn_id
                       and not (isinstance(t.task_spec, BoundaryEvent) and not t.has_state(TaskState.READY))})

    def _all_tasks(self):
        yield from self.workflow.tasks.values()
        for sub in self.workflow.subprocesses.values():
            yield from sub.tasks.values()

    @property
    def completed(self) -> bool:
        return self.workflow.is_completed()

    @property
    def data(self) -> dict:
        if self.workflow.is_completed():
            return dict(self.workflow.data)
        ready = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return dict(ready[0].data) if ready else dict(self.workflow.data)

    def end_event(self) -> str | None:
        """The id of the end event the instance finished at, if it did."""
        ends = [t for t in self.workflow.tasks.values()
                if isinstance(t.task_spec, EndEvent) and t.has_state(TaskState.COMPLETED)]
        if not ends:
            return None
        return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id

    def next_timer_due(self) -> datetime | None:
        """When the earliest waiting timer falls due (kept in an indexed column for the scheduler)."""
        due = []
        for event in self.workflow.waiting_events():
            value = event.value
            if "Time" not in str(event.event_type) or not isinstance(value, str):  # TimeDate, *Timer*
                continue
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            due.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        return min(due) if due else None

    def dump(self) -> str:
        """The state to store, as the last step left it.

        The step itself serialized it (in _settle), so an oversized state is an EngineFault of
        the step, raised where callers already expect faults; this returns that text.
        """
        if self._state is None:  # no step ran since the state was read
            self._state = self._serialize()
        return self._state

    def _serialize(self) -> str:
        try:
            return state.dump_state(self.workflow, self.max_state_bytes)
        except state.StateRefused as exc:
            raise EngineFault(exc.message_id, exc.message_en) from exc

    # --- moving --------------------------------------------------------------------------
    def complete(self, task_id: str, data: dict) -> None:
        task = self.workflow.get_task_from_id(UUID(task_id))
        if task is None or not task.has_state(TaskState.READY) or not task.task_spec.manual:
            raise EngineFault("Tugas ini tidak sedang menunggu.", "This task is not waiting.")
        task.data.update(data)
        self._guarded(task.run)
        self._settle()

    def start(self) -> None:
        self._settle()

    def fire_start_timers(self) -> None:
        """Fires a waiting timer start event now: Alur's scheduler decided its time has come
        (by the SOP's recurrence on the agency's calendar), so the engine need not wait for it."""
        past = (self.clock.now() - timedelta(seconds=1)).isoformat()
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            if not isinstance(task.task_spec, StartEvent):
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):  # a cycle: {"cycles", "next", "duration"}
                value["next"] = past
            elif value is not None:
                task.internal_data["event_value"] = past
        self.refresh_timers()

    def refresh_timers(self) -> None:
        self._guarded(self.workflow.refresh_timers)
        self._settle()

    def cancel(self) -> None:
        """Ends the workflow as cancelled: every unfinished task (waiting user tasks, timers)
        is cancelled, so nothing is ready and no timer waits any more. No engine steps run."""
        def stop() -> None:
            self.workflow.cancel()
            for task in pruning.unfinished_tasks(self.workflow):  # beyond the tree walk's depth limit
                task.cancel()
        self._guarded(stop)
        self._state = self._serialize()

    def move_to(self, element_id: str) -> list[str]:
        """Moves the instance's one token to the user task `element_id` (see engine.moving), with
        the instance's data; returns the elements it stood at. Refusals and an outcome that fails
        the consistency check (or an engine fault on the way) are a Conflict or InvalidInput: the
        caller's step is rolled back and the instance stays as it was, not in error."""
        from ..errors import Conflict
        from . import moving  # imported here: the move is a rare supervisor action
        spec = moving.target_spec(self.workflow, element_id)
        token = moving.current_token(self.workflow)
        if element_id in token.elements:
            raise Conflict("Instans ini sudah berada di langkah tersebut.", "The instance is already at that step.")
        try:
            self._guarded(lambda: moving.place(self.workflow, token, spec))
            self._settle()
            reloaded = state.load_state(self._state, self.workflow.spec, self.workflow.subprocess_specs,
                                        self.workflow.script_engine)
        except EngineFault as fault:
            raise Conflict(f"Instans tidak dapat dipindahkan: {fault.message_id}",
                           f"The instance cannot be moved: {fault.message_en}") from fault
        moving.verify(self.workflow, element_id, reloaded)
        return list(token.elements)

    def _note_passages(self) -> list:
        """Adds the elements reached since the last look to `passages`, oldest first; the tasks
        newly reached (a boundary event is reached when it fired)."""
        new = sorted((t for t in self._all_tasks() if t.id not in self._reached and _reached(t)),
                     key=lambda t: t.last_state_change)
        for task in new:
            self._reached.add(task.id)
            if task.task_spec.bpmn_id:
                self.passages.append(Passage(task.task_spec.bpmn_id, _source(task)))
        return new

    def _settle(self) -> None:
        self._guarded(self.workflow.do_engine_steps)
        fired = [t for t in self._note_passages()
                 if isinstance(t.task_spec, BoundaryEvent) and t.workflow is self.workflow]
        self.escalated += [h for h in map(_boundary_host, fired) if h]
        pruning.prune(self.workflow)
        self._reached &= {t.id for t in self._all_tasks()}
        if self.workflow.is_completed() and pruning.unfinished_tasks(self.workflow):
            raise EngineFault(
                "Mesin proses melaporkan selesai padahal masih ada tugas menunggu; instans dihentikan.",
                "The engine reported completion while a task still waits; the instance was stopped.",
            )
        self._state = self._serialize()

    def _guarded(self, action) -> None:
        self._state = None  # the workflow is about to change
        token = _deadlines.set(self.deadlines)
        try:
            with engine_time(self.clock):
                action()
        except RecursionError as exc:
            raise EngineFault(
                "Riwayat instans terlalu dalam untuk mesin proses; instans dihentikan.",
                "The instance's history is too deep for the engine; the instance was stopped.",
            ) from exc
        except SpiffWorkflowException as exc:
            where = getattr(getattr(exc, "task_spec", None), "bpmn_id", None) or ""
            detail = str(exc).splitlines()[0][:300]
            raise EngineFault(
                f"Kesalahan pada diagram {where}: {detail}".strip(),
                f"Diagram error {where}: {detail}".strip(),
            ) from exc
        except ExpressionRejected as exc:
            # An expression of the diagram hit a limit of the evaluator (data, steps, time) while
            # the instance ran: like any other diagram error, the step fails and the instance stops.
            failed = self.workflow.get_tasks(state=TaskState.ERROR)
            where = f" {failed[0].task_spec.bpmn_id}" if failed else ""
            raise EngineFault(f"Kesalahan pada diagram{where}: {exc.message_id}",
                              f"Diagram error{where}: {exc.message_en}") from exc
        finally:
            _deadlines.reset(token)


class ProcessEngine:
    """Starts and resumes runs; the only door from Alur into SpiffWorkflow."""

    def __init__(self, clock, functions: dict | None = None, spec_cache_size: int = 512,
                 max_state_bytes: int = state.MAX_STATE_BYTES):
        from .expressions import make_script_engine
        from .specs import SpecCache

        self.clock = clock
        self.max_state_bytes = max_state_bytes
        self.script_engine = make_script_engine({**ENGINE_FUNCTIONS, **(functions or {})})
        self.specs = SpecCache(spec_cache_size)

    def start(self, version_key, process_id: str, load_xml, data: dict | None = None, deadlines=None) -> Run:
        spec, subprocess_specs = self.specs.get(version_key, process_id, load_xml)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        if data:
            workflow.task_tree.data.update(data)
            for task in workflow.get_tasks():
                task.data.update(data)
        run = Run(workflow, self.clock, deadlines, self.max_state_bytes)
        run.start()
        return run

    def resume(self, version_key, process_id: str, load_xml, engine_state: str, deadlines=None) -> Run:
        spec, subprocess_specs = self.specs.get(version_key, process_id, load_xml)
        return Run(state.load_state(engine_state, spec, subprocess_specs, self.script_engine), self.clock,
                   deadlines, self.max_state_bytes)

    def migration(self, old_key, new_key, process_id: str, load_old, load_new, to_label: str = ""):
        """From version `old_key` to `new_key` (both from the spec cache): a `migrating.Migration`
        whose `check(state)` says whether an instance can move and `migrate(state)` moves it.
        `to_label`: how the new version is named in the reasons (e.g. its number)."""
        from .migrating import Migration
        return Migration(self.specs.get(old_key, process_id, load_old), self.specs.get(new_key, process_id, load_new),
                         self.script_engine, self.clock, self.max_state_bytes, to_label)
