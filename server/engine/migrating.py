"""Moving a running instance from one deployed version of its diagram to another.

SpiffWorkflow does the work: `SpecDiff` aligns the task specs of two versions (by element id
first, then by position: a spec whose id is gone is matched to a new one with the same
neighbours) and lists what was added, removed and changed (attribute by attribute, through the
serializer); `WorkflowDiff` maps an instance's tasks onto that alignment; `migrate_workflow`
swaps the spec under every aligned task and resets the open ones (ready and waiting), which
predicts their way ahead again on the new diagram.

What Alur adds, and decides:

- An open task (a ready user task, a waiting timer or event) must have its element in the new
  version, under the same id, of the same kind, with only changes it can carry: its name, lane,
  documentation, SOP properties and form (`extensions`), scripts, and where it leads (`inputs`,
  `outputs`: the way ahead is predicted again; but not the inputs of a waiting join, which
  counts them). Anything else (removed, replaced by another element, another kind of element, a
  timer's definition, multi-instance settings, data inputs/outputs) makes the instance not
  movable, with the reason in both languages.
- Finished history: Alur prunes it after every step (pruning.py) and keeps it in its own tables,
  so what the engine still holds is the root and the finished tasks the open work hangs from.
  Changed ones are fine (migrate_workflow points them at the new spec); a finished task whose
  element was removed would leave a task without a spec behind (the state could not be read with
  the new version), so it makes the instance not movable.
- The open tasks keep their engine ids (the task rows stay valid), their data and their internal
  data (a waiting timer keeps its due time): `reset_branch` would take both from the parent,
  which after pruning is the root, i.e. the start data only.
- No engine steps run: a suspended instance stays held, one in error waits for its retry.
- The result is serialized and read back with the new version before it is handed out: a state
  that the new version cannot read is never written.
"""
from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from . import state
from .runtime import Run

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# Attributes of an open task's element that may change under it (see the module doc).
CARRIED = frozenset({"description", "lookahead", "inputs", "outputs", "bpmn_name", "lane", "documentation",
                     "extensions", "prescript", "postscript"})


@dataclass(frozen=True)
class Step:
    """An open task as a supervisor names it: element id, the step's name, ready or waiting."""

    element_id: str
    name: str
    waiting: bool


@dataclass(frozen=True)
class Verdict:
    movable: bool
    reasons: list = field(default_factory=list)  # (Indonesian, English) pairs, empty when movable
    current: list = field(default_factory=list)  # Step of each open task, on the old version
    notes: list = field(default_factory=list)    # (Indonesian, English): what changes for a movable one


class NotMovable(Exception):
    """The instance cannot move; `reasons` lists each cause (Indonesian, English). Not an
    EngineFault on purpose: an instance that cannot move is left as it is, never put in error."""

    def __init__(self, reasons: list):
        super().__init__("; ".join(r[1] for r in reasons))
        self.reasons = reasons


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None)
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    return f"'{name}' ({bpmn_id})" if name else f"'{bpmn_id}'"


def _open_step(task) -> Step:
    spec = task.task_spec
    return Step(getattr(spec, "bpmn_id", None) or spec.name, getattr(spec, "bpmn_name", None) or spec.name,
                task.has_state(TaskState.WAITING))


class Migration:
    """From one version's spec to another's: the spec diff is made once, then each instance's
    state is checked or moved against it (a dry run over many instances diffs the specs once)."""

    def __init__(self, old: tuple, new: tuple, script_engine, clock, max_state_bytes: int, to_label: str = ""):
        (self.old_spec, self.old_subprocesses), (self.new_spec, self.new_subprocesses) = old, new
        self.script_engine, self.clock, self.max_state_bytes = script_engine, clock, max_state_bytes
        self.to_label = to_label
        registry = state._SERIALIZER.registry  # the converters Alur's states are written with
        self.diff = SpecDiff(registry, self.old_spec, self.new_spec)
        self._sub_diffs = {name: SpecDiff(registry, spec, self.new_subprocesses[name])
                           for name, spec in self.old_subprocesses.items() if name in self.new_subprocesses}

    # --- the check and the move ----------------------------------------------------------
    def attempt(self, engine_state: str, deadlines=None) -> tuple[Verdict, Run | None]:
        """The verdict, and when movable the instance on the new version, not yet stored
        (`Run.dump()` gives the new state): one read of the state and one move serve both."""
        workflow = self._load(engine_state)
        reasons, notes = self._problems(workflow)
        current = [_open_step(t) for t in self._open_tasks(workflow)]
        run = None
        if not reasons:
            try:
                text, moved = self._move(workflow)
                run = Run(moved, self.clock, deadlines, self.max_state_bytes)
                run._state = text  # already serialized (and read back) by _move
            except NotMovable as refused:
                reasons = refused.reasons
        return Verdict(not reasons, reasons, current, [] if reasons else notes), run

    def check(self, engine_state: str) -> Verdict:
        """The dry run: whether the instance can move, why not, what changes for it."""
        return self.attempt(engine_state)[0]

    def migrate(self, engine_state: str, deadlines=None) -> Run:
        """`attempt`'s instance on the new version; NotMovable with the reasons when it cannot move."""
        verdict, run = self.attempt(engine_state, deadlines)
        if run is None:
            raise NotMovable(verdict.reasons)
        return run

    # --- inside --------------------------------------------------------------------------
    def _load(self, engine_state: str):
        return state.load_state(engine_state, self.old_spec, self.old_subprocesses, self.script_engine)

    @staticmethod
    def _open_tasks(workflow) -> list:
        return [t for t in workflow.get_tasks(state=OPEN, skip_subprocesses=True)]

    def _workflows(self, workflow):
        """The instance's workflow and its subprocesses, each with its spec diff (None: the
        subprocess's definition is gone from the new version)."""
        yield workflow, self.diff
        for sub in workflow.subprocesses.values():
            yield sub, self._sub_diffs.get(sub.spec.name)

    def _problems(self, workflow) -> tuple[list, list]:
        """Why the instance cannot move (empty: it can), and what changes for it if it moves."""
        reasons, notes = [], []
        for wf, spec_diff in self._workflows(workflow):
            if spec_diff is None:
                reasons.append((f"Subproses '{wf.spec.name}' tidak ada lagi di versi {self.to_label}.",
                                f"The subprocess '{wf.spec.name}' no longer exists in version {self.to_label}."))
                continue
            try:
                diff = WorkflowDiff(wf, spec_diff)
            except KeyError as exc:  # a task whose spec the diff could not reach from the start
                reasons.append((f"Elemen {exc} tidak dapat dibandingkan dengan versi {self.to_label}.",
                                f"The element {exc} cannot be compared with version {self.to_label}."))
                continue
            removed = {t.id for t in diff.removed}
            for task in wf.tasks.values():
                spec = task.task_spec
                if task.has_state(OPEN):
                    reasons += self._open_problems(task, spec, task.id in removed, spec_diff)
                    notes += self._open_notes(spec, spec_diff)
                elif task.has_state(TaskState.FINISHED_MASK) and task.id in removed:
                    reasons.append((f"Langkah selesai {_label(spec)} yang menjadi pangkal pekerjaan terbuka "
                                    f"dihapus di versi {self.to_label}.",
                                    f"The finished step {_label(spec)} the open work hangs from was removed in "
                                    f"version {self.to_label}."))
        return reasons, notes

    def _open_problems(self, task, spec, removed: bool, spec_diff) -> list:
        where = "yang sedang menunggu" if task.has_state(TaskState.WAITING) else "yang sedang berjalan"
        where_en = "waiting" if task.has_state(TaskState.WAITING) else "current"
        if removed:
            return [(f"Langkah {where} {_label(spec)} dihapus di versi {self.to_label}.",
                     f"The {where_en} step {_label(spec)} was removed in version {self.to_label}.")]
        changes = spec_diff.changed.get(spec, [])
        new = spec_diff.alignment.get(spec)
        if "typename" in changes:
            return [(f"Langkah {where} {_label(spec)} berganti jenis di versi {self.to_label} "
                     f"({type(spec).__name__} -> {type(new).__name__}).",
                     f"The {where_en} step {_label(spec)} changed its kind in version {self.to_label} "
                     f"({type(spec).__name__} -> {type(new).__name__}).")]
        if "name" in changes or "bpmn_id" in changes:
            return [(f"Langkah {where} {_label(spec)} diganti elemen lain {_label(new)} di versi {self.to_label}.",
                     f"The {where_en} step {_label(spec)} was replaced by another element {_label(new)} in "
                     f"version {self.to_label}.")]
        blocking = set(changes) - CARRIED
        if isinstance(spec, Join) and "inputs" in changes:  # a waiting join counts what it waits for
            blocking.add("inputs")
        blocking = sorted(blocking)
        if blocking:
            what = ", ".join(blocking)
            return [(f"Langkah {where} {_label(spec)} berubah di versi {self.to_label} dengan cara yang tidak "
                     f"dapat dipindahkan ({what}).",
                     f"The {where_en} step {_label(spec)} changed in version {self.to_label} in a way an open "
                     f"step cannot carry ({what}).")]
        return []

    def _open_notes(self, spec, spec_diff) -> list:
        changes = set(spec_diff.changed.get(spec, []))
        new = spec_diff.alignment.get(spec)
        notes = []
        if "bpmn_name" in changes:
            name = new.bpmn_name or new.bpmn_id
            notes.append((f"Nama langkah {_label(spec)} menjadi '{name}'.",
                          f"The step {_label(spec)} is renamed '{name}'."))
        if "lane" in changes:
            notes.append((f"Langkah {_label(spec)} pindah ke jabatan '{new.lane}'.",
                          f"The step {_label(spec)} moves to the lane '{new.lane}'."))
        if "extensions" in changes:
            notes.append((f"Properti SOP atau formulir langkah {_label(spec)} berubah.",
                          f"The SOP properties or form of the step {_label(spec)} changed."))
        return notes

    def _move(self, workflow) -> tuple[str, object]:
        """Migrates `workflow` in place; its state and that state read back with the new version."""
        kept = {t.id: (deepcopy(t.data), deepcopy(t.internal_data))
                for wf, _ in self._workflows(workflow) for t in wf.tasks.values() if t.has_state(OPEN)}
        for wf, spec_diff in list(self._workflows(workflow)):
            new_spec = self.new_spec if wf is workflow else self.new_subprocesses[wf.spec.name]
            migrate_workflow(WorkflowDiff(wf, spec_diff), wf, new_spec)
        workflow.subprocess_specs = self.new_subprocesses
        for wf, _ in self._workflows(workflow):
            for task_id, (data, internal) in kept.items():
                task = wf.tasks.get(task_id)
                if task is not None:
                    task.data, task.internal_data = data, internal
        self._all_on_new_specs(workflow)
        try:
            text = state.dump_state(workflow, self.max_state_bytes)
            moved = state.load_state(text, self.new_spec, self.new_subprocesses, self.script_engine)
        except state.StateRefused as exc:
            raise NotMovable([(exc.message_id, exc.message_en)]) from exc
        except (KeyError, ValueError, TypeError, json.JSONDecodeError) as exc:
            raise NotMovable([(f"Status instans tidak dapat dibaca dengan versi {self.to_label} ({exc}).",
                               f"The instance's state cannot be read with version {self.to_label} ({exc}).")]) \
                from exc
        return text, moved

    def _all_on_new_specs(self, workflow) -> None:
        """Every task left must point at a spec of the new version (else its state would not load)."""
        stale = []
        for wf, _ in self._workflows(workflow):
            specs = wf.spec.task_specs
            stale += [t.task_spec for t in wf.tasks.values() if specs.get(t.task_spec.name) is not t.task_spec]
        if stale:
            names = ", ".join(sorted({_label(s) for s in stale}))
            raise NotMovable([(f"Elemen {names} tidak ada di versi {self.to_label}.",
                               f"The element(s) {names} do not exist in version {self.to_label}.")])
