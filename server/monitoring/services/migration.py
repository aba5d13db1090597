"""Migration of an SOP's open instances from one deployed version to another.

`plan` is the dry run: every running, suspended or in-error instance of the old version, with
where it stands and whether it can move, and if not why (the engine decides: engine/migrating.py,
SpiffWorkflow's own diff). It changes nothing, so the agency's Auditor may see it too
(`agency.monitor`). `migrate` moves the movable ones (all, or the ids given), Pengawas only
(`instance.steer`), with a reason:

- in batches of `batch` instances, each batch one transaction; inside it every instance is one
  engine step (kernel.stepping.run_step, row locked) in a savepoint of its own, so an instance
  that fails rolls back alone and is reported, never half-moved;
- an instance is checked again when its turn comes (it may have moved on since the dry run, or
  been migrated, ended, ...): one that is no longer movable is skipped with the reason and left
  exactly as it was;
- a moved instance gets the new version id, its state on the new version, its revision bumped;
  its open task rows get the new version's step name, lane and role (a claim is given back when
  the lane's role changes), keeping their due times; its status stays (a suspended one stays
  held, one in error waits for its retry); audited as "instance.migrated" with both versions.

Versions are named by their number within the SOP (`from_version`, `to_version`), as in the
modeler; both belong to the same SOP, found by its key in the actor's agency.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from ...errors import Conflict, InvalidInput, NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.process_models import model_for
from ...kernel.due_times import deadlines
from ...kernel.stepping import Step, run_step
from ...kernel.versions import VersionInfo, version_info, xml_loader
from ...models import HumanTask, ProcessInstance, ProcessVersion
from .steering import check_reason

OPEN_STATUSES = ("running", "suspended", "error")
BATCH_MAX = 500
IDS_MAX = 10_000
TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__


# --- what is asked ---------------------------------------------------------------------------
def _number(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise InvalidInput(f"'{name}' harus nomor versi (bilangan bulat positif).",
                           f"'{name}' must be a version number (a positive integer).",
                           fields={name: [{"id": "Nomor versi tidak sah.", "en": "Not a version number."}]})
    return value


def _versions(s, model, from_version, to_version) -> tuple[VersionInfo, VersionInfo]:
    numbers = (_number(from_version, "from_version"), _number(to_version, "to_version"))
    if numbers[0] == numbers[1]:
        raise InvalidInput("Versi asal dan versi tujuan harus berbeda.",
                           "The version to migrate from and the version to migrate to must differ.",
                           fields={"to_version": [{"id": "Sama dengan versi asal.", "en": "Same as the version "
                                                                                          "to migrate from."}]})
    found = dict(s.execute(select(ProcessVersion.version, ProcessVersion.id)
                           .where(ProcessVersion.process_model_id == model.id,
                                  ProcessVersion.version.in_(numbers))).all())
    for number in numbers:
        if number not in found:
            raise NotFound(f"Versi {number} dari SOP '{model.key}' tidak ditemukan.",
                           f"Version {number} of the SOP '{model.key}' not found.")
    return version_info(s, found[numbers[0]]), version_info(s, found[numbers[1]])


def _instance_ids(instance_ids) -> list[int] | None:
    if instance_ids is None:
        return None
    if (not isinstance(instance_ids, list) or not 1 <= len(instance_ids) <= IDS_MAX
            or any(isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= 2**31 - 1 for i in instance_ids)):
        raise InvalidInput(f"Pilih instans yang akan dipindahkan: daftar 1 sampai {IDS_MAX} nomor instans.",
                           f"Choose the instances to move: a list of 1 to {IDS_MAX} instance ids.",
                           fields={"instance_ids": [{"id": "Pilih sedikitnya satu instans.",
                                                     "en": "Choose at least one instance."}]})
    return list(dict.fromkeys(instance_ids))


def _batch(batch) -> int:
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= BATCH_MAX:
        raise InvalidInput(f"Ukuran kelompok harus 1 sampai {BATCH_MAX}.", f"The batch size must be 1 to {BATCH_MAX}.",
                           fields={"batch": [{"id": "Ukuran kelompok tidak sah.", "en": "Invalid batch size."}]})
    return batch


def _migration(alur: Alur, s, old: VersionInfo, new: VersionInfo):
    return alur.engine.migration(old.id, new.id, old.process_id, xml_loader(s, old.id), xml_loader(s, new.id),
                                 to_label=str(new.version))


# --- answers ---------------------------------------------------------------------------------
def _pair(pair) -> dict:
    return {"id": pair[0], "en": pair[1]}


def _item(instance_id: int, title: str | None, status: str | None, verdict) -> dict:
    reasons = [_pair(r) for r in verdict.reasons]
    return {"id": instance_id, "title": title, "status": status,
            "current_steps": [{"element_id": c.element_id, "name": c.name, "waiting": c.waiting}
                              for c in verdict.current],
            "movable": verdict.movable, "reason": reasons[0] if reasons else None, "reasons": reasons,
            "notes": [_pair(n) for n in verdict.notes]}


def _answer(old: VersionInfo, new: VersionInfo, items: list, dry_run: bool) -> dict:
    return {"dry_run": dry_run, "key": old.key, "agency": old.agency_slug,
            "from_version": old.version, "to_version": new.version, "items": items,
            "movable": sum(1 for i in items if i["movable"]),
            "migrated": sum(1 for i in items if i.get("migrated")),
            "not_movable": sum(1 for i in items if not i["movable"])}


def _candidates(s, version_id: int, ids: list[int] | None):
    query = select(INSTANCES.c.id, INSTANCES.c.title, INSTANCES.c.status, INSTANCES.c.engine_state) \
        .where(INSTANCES.c.version_id == version_id, INSTANCES.c.status.in_(OPEN_STATUSES))
    if ids is not None:
        query = query.where(INSTANCES.c.id.in_(ids))
    return s.execute(query.order_by(INSTANCES.c.id)).all()


# --- the dry run -----------------------------------------------------------------------------
def plan(alur: Alur, actor: Actor, key: str, from_version, to_version, agency: str | None = None,
         instance_ids=None) -> dict:
    """Every open instance of `from_version` (or of those ids): can it move to `to_version`, and
    if not, why. Changes nothing."""
    with alur.db.transaction() as s:
        model, _agency = model_for(s, actor, key, "agency.monitor", agency)
        ids = _instance_ids(instance_ids)
        old, new = _versions(s, model, from_version, to_version)
        migration = _migration(alur, s, old, new)
        rows = _candidates(s, old.id, ids)
    # the checks run outside the transaction: they read nothing more (a long dry run holds no lock)
    items = [_item(row.id, row.title, row.status, migration.check(row.engine_state)) for row in rows]
    answer = _answer(old, new, items, dry_run=True)
    answer["may_migrate"] = access.can(actor, "instance.steer", access.Facts(old.agency_id))
    return answer


def versions(alur: Alur, actor: Actor, key: str, agency: str | None = None) -> dict:
    """The SOP's versions for the migration screen's choice, newest first, each with how many of
    its instances are open (running, suspended, in error)."""
    with alur.db.transaction() as s:
        model, found = model_for(s, actor, key, "agency.monitor", agency)
        counts = dict(s.execute(select(INSTANCES.c.version_id, func.count())
                                .join(ProcessVersion, ProcessVersion.id == INSTANCES.c.version_id)
                                .where(ProcessVersion.process_model_id == model.id,
                                       INSTANCES.c.status.in_(OPEN_STATUSES))
                                .group_by(INSTANCES.c.version_id)).all())
        rows = s.execute(select(ProcessVersion.id, ProcessVersion.version, ProcessVersion.active,
                                ProcessVersion.deployed_at, ProcessVersion.note)
                         .where(ProcessVersion.process_model_id == model.id)
                         .order_by(ProcessVersion.version.desc())).all()
        return {"key": model.key, "name": model.name, "agency": found.slug, "agency_name": found.name,
                "may_migrate": access.can(actor, "instance.steer", access.Facts(found.id)),
                "versions": [{"version": r.version, "active": r.active, "deployed_at": r.deployed_at,
                              "note": r.note, "open_instances": counts.get(r.id, 0)} for r in rows]}


# --- the move --------------------------------------------------------------------------------
def migrate(alur: Alur, actor: Actor, key: str, from_version, to_version, instance_ids=None, batch: int = 50,
            agency: str | None = None, reason=None) -> dict:
    """Moves the movable open instances of `from_version` (all, or those of `instance_ids`) to
    `to_version`; the others stay as they are and are reported with the reason."""
    with alur.db.transaction() as s:
        model, _agency = model_for(s, actor, key, "instance.steer", agency)  # 404, 403 before anything else
        reason = check_reason(reason)
        ids, batch = _instance_ids(instance_ids), _batch(batch)
        old, new = _versions(s, model, from_version, to_version)
        todo = [(row.id, row.title) for row in _candidates(s, old.id, ids)]
        migration = _migration(alur, s, old, new)  # the specs diffed once, for every batch
    items = [_not_open(i) for i in (ids or []) if i not in {t[0] for t in todo}]
    for start in range(0, len(todo), batch):
        with alur.db.transaction() as s:
            for instance_id, title in todo[start:start + batch]:
                items.append(_one(alur, s, actor, migration, old, new, instance_id, title, reason))
    items.sort(key=lambda i: i["id"])
    return _answer(old, new, items, dry_run=False)


def _one(alur: Alur, s, actor: Actor, migration, old: VersionInfo, new: VersionInfo, instance_id: int,
         title: str, reason: str) -> dict:
    """One instance in a savepoint of the batch's transaction: moved whole, or not at all."""
    try:
        with s.begin_nested():
            return run_step(alur, lambda step: _move(alur, step, actor, migration, old, new, instance_id, title,
                                                     reason), actor_id=actor.id, db=s)
    except Conflict as exc:  # e.g. written by someone else meanwhile: rolled back to the savepoint
        failed = {"id": exc.message_id, "en": exc.message_en}
        return {"id": instance_id, "title": title, "status": None, "current_steps": [], "movable": False,
                "migrated": False, "notes": [], "reason": failed, "reasons": [failed]}


def _not_open(instance_id: int) -> dict:
    return {"id": instance_id, "title": None, "status": None, "current_steps": [], "movable": False,
            "migrated": False, "notes": [],
            "reason": _pair(NOT_OPEN), "reasons": [_pair(NOT_OPEN)]}


NOT_OPEN = ("Bukan instans terbuka (berjalan, ditangguhkan, atau galat) dari versi asal SOP ini.",
            "Not an open instance (running, suspended or in error) of this SOP's version to migrate from.")


def _move(alur: Alur, step: Step, actor: Actor, migration, old: VersionInfo, new: VersionInfo,
          instance_id: int, title: str, reason: str) -> dict:
    """One instance, inside its engine step: checked again under its lock, then moved or left."""
    row = step.lock(instance_id)
    if row is None or row.version_id != old.id or row.status not in OPEN_STATUSES:
        return {**_not_open(instance_id), "title": title, "status": row.status if row else None}
    access.require(actor, "instance.steer", access.Facts(agency_id=row.agency_id))
    verdict, run = migration.attempt(row.engine_state, deadlines(step.db, alur.clock, row.agency_id, row.id, new))
    item = {**_item(row.id, title, row.status, verdict), "migrated": False}
    if run is None:
        return item
    db = step.db
    open_rows = db.execute(select(TASKS.c.id, TASKS.c.engine_task_id, TASKS.c.element_id, TASKS.c.name,
                                  TASKS.c.lane, TASKS.c.role_id, TASKS.c.assignee_id)
                           .where(TASKS.c.instance_id == row.id, TASKS.c.state == "ready")).all()
    step.ready_before = {r.engine_task_id for r in open_rows}
    changed = _retask(db, run, new, open_rows)
    step.write(run, new, revision=row.revision, agency_id=row.agency_id, action="instance.migrated",
               before={"version": old.version, "version_id": old.id},
               after={"version": new.version, "version_id": new.id, "reason": reason, "tasks": changed})
    db.execute(update(INSTANCES).where(INSTANCES.c.id == row.id).values(version_id=new.id))
    return {**item, "migrated": True}


def _retask(db, run, new: VersionInfo, open_rows) -> list[dict]:
    """The open task rows as the new version names them: step name, element, lane and role. A
    claim is given back to the lane when the lane's role changes (its holder may not hold it)."""
    ready = {t.id: t for t in run.ready_user_tasks()}
    changed = []
    for r in open_rows:
        task = ready.get(r.engine_task_id)
        if task is None:
            continue  # no longer ready: step.write cancels its row
        values = {"element_id": task.element_id, "name": task.name[:500], "lane": task.lane,
                  "role_id": new.lane_roles.get(task.lane)}
        if values["role_id"] != r.role_id and r.assignee_id is not None:
            values.update(assignee_id=None, claimed_at=None)
        before = {"element_id": r.element_id, "name": r.name, "lane": r.lane, "role_id": r.role_id}
        if any(before[k] != values[k] for k in before) or "assignee_id" in values:
            db.execute(update(TASKS).where(TASKS.c.id == r.id).values(**values))
            changed.append({"task_id": r.id, "before": before,
                            "after": {k: values[k] for k in before}, "released": "assignee_id" in values})
    return changed
