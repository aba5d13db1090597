"""Keeps the task tree as small as the work that is still open.

Every pass through a reject loop makes SpiffWorkflow's task tree about five levels deeper.
Left alone, each step gets slower with every loop, and near 200 loops the engine fails
(RecursionError) or, worse, stops seeing waiting tasks and calls the instance complete.
Finished history is not needed by the engine: Alur keeps it in its own tables (human tasks,
audit events). So after each step everything above the lowest common ancestor of the
unfinished tasks is cut away, and that ancestor hangs directly under the root.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def unfinished_tasks(workflow: BpmnWorkflow) -> list:
    """All tasks not finished, found without walking the tree (so without a depth limit)."""
    return [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]


def _ancestry(task) -> list:
    chain = []
    while task is not None:
        chain.append(task)
        task = task.parent
    return chain


def prune(workflow: BpmnWorkflow) -> int:
    """Drops finished history above the open work; returns how many tasks were dropped."""
    live = unfinished_tasks(workflow)
    if not live:
        return 0
    first = _ancestry(live[0])
    common = {t.id for t in first}
    for task in live[1:]:
        common.intersection_update(t.id for t in _ancestry(task))
    anchor = next(t for t in first if t.id in common)
    root = workflow.task_tree
    if anchor is root or anchor._parent == root.id:
        return 0
    keep = {root.id}
    stack = [anchor.id]
    while stack:
        task_id = stack.pop()
        keep.add(task_id)
        stack.extend(workflow.tasks[task_id]._children)
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in dropped:
        del workflow.tasks[task_id]
        workflow.subprocesses.pop(task_id, None)
        workflow.event_manager.tasks.pop(task_id, None)
    root._children = [anchor.id]
    anchor._parent = root.id
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = None
    return len(dropped)
