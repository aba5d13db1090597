"""The conformance report of an SOP: what was done, compared with its official version.

For Alur's own instances of the SOP (`sop_report`, one case: `case_report`) or for an event log
an auditor uploads (`log_report`, nothing stored), per case and for the whole log:

- control flow (server/audit/conformance): token-based replay of the completed steps on the
  official diagram's Petri net (produced, consumed, missing, remaining; fitness per case and for
  the log) and an optimal alignment (moves on the log, moves on the model, cost; alignment
  fitness), bounded per case ("not computed" past the bound);
- time (time_check): each completed step's working time against its Waktu;
- roles (role_check): each completed step done by a holder of its lane's role at the time;
- four eyes (four_eyes): no decision by who prepared what it decides on;
- supervisor interventions (interventions, own instances only).

Which cases are judged on control flow. A completed instance is a whole run: it is replayed to
the end (remaining tokens count) and aligned. An instance that has not completed (running,
suspended, in error, or cancelled by a supervisor) is not a whole run: it is listed with its
status and left out of the log's fitness and alignment fitness; its steps so far are replayed as
a prefix, and a prefix that already needed tokens the model did not give (missing, e.g. a step
skipped by a move forward) marks it as deviating, without counting the tokens still in the net.
Its completed steps are judged on time, roles and four eyes like any others. Every case of an
uploaded log is taken as a whole run.

Which events. A case's control flow is the sequence of its completed steps (its "complete"
events; an imported case with start events only is read by its starts). For an imported log,
activities are matched to the official version's tasks (`match`): "name" by the task's name or
Kegiatan, exactly first (spacing and case ignored), then normalised (punctuation and a leading
row number ignored as well); "row" by the SOP row number (the log's `alur:row`, or a "row" column
of a CSV); "auto" by name, then row. An activity matched to no task, or to more than one,
is unmatched: listed with its count, and each of its events is a move on the log.

Speed: the control-flow checks run once per variant (a distinct sequence of steps) and are
shared by every case of that variant; the holdings, the interventions and the diagram are read in
a few queries for the whole log; the working time of the steps is counted on one WorkingClock.
"""
from __future__ import annotations

import gc
import json
import statistics
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...kernel.process_models import model_for
from ...models import Agency, ProcessModel
from ..conformance.alignment import align, alignment_log_fitness
from ..conformance.replay import log_fitness, replay
from . import event_log, four_eyes, interventions, role_check, time_check
from .official import Official, normal_name, official

MATCHES = ("auto", "name", "row")
MAX_STATES = 50_000  # per alignment: past it the case's alignment is "not computed"
VARIANTS_KEPT = 20_000  # control-flow results kept across reports, per process
_VARIANTS: dict[tuple, dict] = {}


# --- the reports -------------------------------------------------------------------------------

def sop_report(alur: Alur, actor: Actor, key: str, *, agency: str | None = None, date_from=None, date_to=None,
               version=None) -> dict:
    """Alur's own instances of SOP `key` (of `agency`) started between `date_from` and `date_to`
    (the agency's local days, both included), those of version number `version` only when given,
    against the official version. 404 / 403 (`audit.read`) / 422 for bad filters."""
    chosen = event_log.scope(alur, actor, key, agency=agency, version=version, date_from=date_from, date_to=date_to)
    judge = _judge(alur, chosen.agency_id, key, own=True)
    report = _Report(judge)
    with _no_cyclic_gc():
        for trace in event_log.traces(alur, chosen):
            report.add(trace)
    report.attach_interventions(alur)
    return report.result(filters={"agency": chosen.agency, "from": chosen.date_from, "to": chosen.date_to,
                                  "version": chosen.version, "versions": [v for v, _ in chosen.versions]})


def case_report(alur: Alur, actor: Actor, key: str, instance_id: int, *, agency: str | None = None) -> dict:
    """One of Alur's own cases of SOP `key` as the report judges it: the report's "traces" entry
    with the official version's facts. 404 for a case of another SOP or none, 403 as the report."""
    chosen = event_log.scope(alur, actor, key, agency=agency)
    judge = _judge(alur, chosen.agency_id, key, own=True)
    report = _Report(judge)
    for trace in event_log.traces(alur, chosen, instance_id=instance_id):
        report.add(trace)
    report.attach_interventions(alur)
    result = report.result(filters={"agency": chosen.agency})
    if not result["traces"]:
        raise NotFound("Kasus tidak ditemukan pada SOP ini.", "No such case of this SOP.")
    return {"case": result["traces"][0], "version": result["version"], "agency": result["agency"],
            "elements": result["elements"], "xml": result["xml"], "four_eyes_pairs": result["four_eyes_pairs"]}


def sop_facts(alur: Alur, actor: Actor, key: str, agency: str | None = None) -> dict:
    """The SOP a report is of, checked (`audit.read`: 404 / 403 / 422) before anything is read:
    {"name", "key", "agency": {"slug", "name", "timezone"}}."""
    with alur.db.transaction() as s:
        model, found = model_for(s, actor, key, "audit.read", agency)
        return {"name": model.name, "key": model.key,
                "agency": {"slug": found.slug, "name": found.name,
                           "timezone": found.timezone or event_log.DEFAULT_ZONE}}


def log_report(alur: Alur, actor: Actor, key: str, imported_log, *, agency: str | None = None,
               match: str = "auto", locale: str = "id") -> dict:
    """An uploaded log (log_import.ImportedLog) against SOP `key`'s official version; nothing is
    stored. `match`: "auto", "name" or "row" (see the module's docstring); the reading's warnings
    in `locale` ("id" or "en")."""
    if match not in MATCHES:
        raise InvalidInput("Cara pencocokan harus auto, name atau row.", "The match must be auto, name or row.",
                           fields={"match": [{"id": "Pilih auto, name atau row.", "en": "Choose auto, name or row."}]})
    with alur.db.transaction() as s:
        model, found = model_for(s, actor, key, "audit.read", agency)
    judge = _judge(alur, found.id, key, own=False, match=match)
    report = _Report(judge)
    with _no_cyclic_gc():
        for trace in imported_log.traces:
            report.add(trace)
    result = report.result(filters={"agency": found.slug, "match": match})
    result["log"]["format"] = imported_log.format
    result["log"]["warnings"] = list(imported_log.warnings_en if locale == "en" else imported_log.warnings)
    return result


@contextmanager
def _no_cyclic_gc():
    """A whole log's report builds about a hundred objects per case, all alive until it returns:
    Python's cyclic collector would walk them again and again (a third of the time at 10,000
    cases). It pauses while the cases are judged (reference counting still frees whatever is
    dropped; nothing here makes cycles) and runs again after, unless it was off already."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# --- what a report judges with -------------------------------------------------------------------

@dataclass
class _Judge:
    off: Official
    agency: dict
    clock: time_check.LogClock
    holdings: role_check.Holdings
    own: bool
    match: str = "auto"
    matched: dict = field(default_factory=dict)  # activity (as logged) -> element id or None

    def element_of(self, event) -> str | None:
        """The official task an event is (own instances: its element id, when the official
        version has it)."""
        if self.own:
            return event.element_id if event.element_id in self.off.tasks else None
        key = (event.activity, event.row)
        if key not in self.matched:
            self.matched[key] = _match(self.off, event, self.match)
        return self.matched[key]

    def lane_of(self, element_id: str | None, event) -> str | None:
        step = self.off.tasks.get(element_id) if element_id else None
        return (step or {}).get("lane") or (event.role if self.own else None)


def _judge(alur: Alur, agency_id: int, key: str, *, own: bool, match: str = "auto") -> _Judge:
    with alur.db.transaction() as s:
        model_id = s.scalar(select(ProcessModel.id).where(ProcessModel.agency_id == agency_id,
                                                          ProcessModel.key == key))
        off = official(s, model_id)
        calendar = calendar_for(s, agency_id)
        holdings = role_check.load(s, agency_id)
        agency = s.execute(select(Agency.slug, Agency.name, Agency.timezone).where(Agency.id == agency_id)).one()
    return _Judge(off, {"slug": agency.slug, "name": agency.name, "timezone": agency.timezone,
                        "zone": calendar.zone_abbreviation,
                        "working_day_seconds": int(calendar.working_day_length.total_seconds())},
                  time_check.LogClock(calendar), holdings, own, match)


def _match(off: Official, event, how: str) -> str | None:
    """The official task an imported event's activity (or row) names; None when none or several."""
    def one(found) -> str | None:
        return next(iter(found)) if found and len(found) == 1 else None
    name = (event.activity or "").strip()
    by_name = one(off.names.get(name)) or one(off.normal_names.get(" ".join(name.split()).casefold())) \
        or one(off.normal_names.get(normal_name(name)))
    by_row = one(off.rows.get(str(event.row).strip())) if event.row not in (None, "") else None
    if how == "name":
        return by_name
    if how == "row":
        return by_row
    return by_name or by_row


# --- control flow per variant -----------------------------------------------------------------------

def _control(off: Official, labels: tuple, whole: bool) -> dict:
    """Replay (and, for a whole run, the alignment) of one sequence of steps, once per variant."""
    key = (off.info.id, off.checksum, labels, whole)
    found = _VARIANTS.get(key)
    if found is not None:
        return found
    played = replay(off.net, list(labels))
    out = {"replay": played, "alignment": None, "prefix_missing": None}
    if whole:
        out["alignment"] = align(off.net, list(labels), max_states=MAX_STATES, fits=played.fits)
    else:
        ends = off.end_elements
        out["prefix_missing"] = {e: n for e, n in played.missing_at.items() if e not in ends and n}
    if len(_VARIANTS) >= VARIANTS_KEPT:
        _VARIANTS.clear()
    _VARIANTS[key] = out
    return out


def forget() -> None:
    """Drops the kept control-flow results (a test database reuses version ids)."""
    _VARIANTS.clear()


# --- one report --------------------------------------------------------------------------------

class _Report:
    def __init__(self, judge: _Judge):
        self.judge = judge
        self.traces: list[dict] = []
        self.replays, self.alignments = [], []
        self.totals = {"produced": 0, "consumed": 0, "missing": 0, "remaining": 0, "not_computed": 0,
                       "judged": 0, "not_judged": 0, "deviating": 0, "on_time": 0, "timed": 0, "late": 0,
                       "role_violations": 0, "roles_unknown": 0, "four_eyes_violations": 0, "interventions": 0}
        self.elements: dict[str, dict] = {}
        self.worked: dict[str, list] = {}
        self.unmatched: dict[str, int] = {}

    def element(self, element_id: str) -> dict:
        found = self.elements.get(element_id)
        if found is None:
            found = self.elements[element_id] = {
                "missing": 0, "remaining": 0, "log_moves": 0, "model_moves": 0, "executions": 0, "late": 0,
                "on_time": 0, "timed": 0, "on_time_ratio": None, "median_worked_seconds": None,
                "role_violations": 0, "four_eyes_violations": 0, "deviating_cases": 0}
        return found

    def add(self, trace) -> None:
        judge, off = self.judge, self.judge.off
        status = trace.attributes.get("status") if judge.own else "completed"
        whole = status == "completed"
        events = trace.events
        completes = [e for e in events if e.transition == "complete"]
        if not judge.own and not completes:
            completes = [e for e in events if e.transition == "start"]
        labels, touched = [], set()
        for e in completes:
            element_id = judge.element_of(e)
            if element_id is None:
                shown = e.activity if not judge.own else (e.element_id or e.activity)
                labels.append(f"?{shown}")
                self.unmatched[shown] = self.unmatched.get(shown, 0) + 1
            else:
                labels.append(element_id)
                self.element(element_id)["executions"] += 1
        control = _control(off, tuple(labels), whole)
        played, aligned = control["replay"], control["alignment"]
        entry = {"case": trace.case, "instance_id": trace.instance_id, "status": status,
                 "title": trace.attributes.get("title"), "version": trace.attributes.get("version"),
                 "started_at": trace.attributes.get("started_at") or (events[0].at if events else None),
                 "ended_at": trace.attributes.get("ended_at") or (events[-1].at if events and not judge.own else None),
                 "judged": whole, "fitness": None, "replay": None, "alignment": None, "prefix_missing": None}
        deviating = False
        if whole:
            t = self.totals
            t["judged"] += 1
            t["produced"] += played.produced
            t["consumed"] += played.consumed
            t["missing"] += played.missing
            t["remaining"] += played.remaining
            self.replays.append(played)
            for element_id, n in played.missing_at.items():
                self.element(element_id)["missing"] += n
                touched.add(element_id)
            for element_id, n in played.remaining_at.items():
                self.element(element_id)["remaining"] += n
                touched.add(element_id)
            moves = [{"kind": m.kind, "log": m.log, "model": m.model} for m in aligned.moves] if aligned.computed else []
            if aligned.computed:
                self.alignments.append(aligned)
                for m in aligned.moves:
                    if m.kind == "log" and m.log and not m.log.startswith("?"):
                        self.element(m.log)["log_moves"] += 1
                        touched.add(m.log)
                    elif m.kind == "model" and m.model:
                        self.element(m.model)["model_moves"] += 1
                        touched.add(m.model)
            else:
                t["not_computed"] += 1
            deviating = played.missing > 0 or played.remaining > 0 or (aligned.computed and aligned.cost > 0)
            entry.update(fitness=played.fitness,
                         replay={"produced": played.produced, "consumed": played.consumed,
                                 "missing": played.missing, "remaining": played.remaining,
                                 "missing_at": dict(played.missing_at), "remaining_at": dict(played.remaining_at)},
                         alignment={"computed": aligned.computed, "cost": aligned.cost if aligned.computed else None,
                                    "fitness": aligned.fitness if aligned.computed else None, "moves": moves})
        else:
            self.totals["not_judged"] += 1
            entry["prefix_missing"] = control["prefix_missing"]
            deviating = bool(control["prefix_missing"])
            touched |= set(control["prefix_missing"])
        entry["deviating"] = deviating
        if deviating:
            self.totals["deviating"] += 1
            for element_id in touched:
                self.element(element_id)["deviating_cases"] += 1
        entry["time"] = self._time(trace)
        entry["roles"] = self._roles(completes)
        entry["four_eyes"] = self._four_eyes(completes)
        entry["interventions"] = []
        self.traces.append(entry)

    def _time(self, trace) -> list[dict]:
        judge = self.judge
        steps = judge.off.info.catalog.get("steps", {})
        if judge.own:
            found = time_check.own_steps(trace.events, judge.clock)
        else:
            found = time_check.imported_steps(trace.events, judge.element_of, judge.clock, steps)
        t = self.totals
        for step in found:
            element_id = step["element_id"] if step["element_id"] in judge.off.tasks else None
            if element_id and step["worked_seconds"] is not None:
                self.worked.setdefault(element_id, []).append(step["worked_seconds"])
            if step["on_time"] is None:
                continue
            t["timed"] += 1
            t["on_time" if step["on_time"] else "late"] += 1
            if element_id:
                element = self.element(element_id)
                element["timed"] += 1
                element["on_time" if step["on_time"] else "late"] += 1
        return found

    def _roles(self, completes) -> list[dict]:
        judge, out = self.judge, []
        lane_roles = judge.off.info.lane_roles
        for e in completes:
            element_id = judge.element_of(e)
            if element_id is None and not judge.own:
                continue
            found = role_check.judge(judge.holdings, lane_roles, e, element_id or e.element_id,
                                     judge.lane_of(element_id, e))
            if found["held"] is False:
                self.totals["role_violations"] += 1
                if element_id:
                    self.element(element_id)["role_violations"] += 1
            elif found["held"] is None:
                self.totals["roles_unknown"] += 1
            out.append(found)
        return out

    def _four_eyes(self, completes) -> list[dict]:
        judge = self.judge
        if not judge.off.pairs:
            return []
        holdings = judge.holdings
        done = []
        for e in completes:
            element_id = judge.element_of(e)
            if e.resource_id is not None:
                person, shown = ("id", e.resource_id), holdings.names.get(e.resource_id) or {"username": e.resource,
                                                                                          "name": e.resource}
            elif e.resource:
                person = ("name", role_check.normal(e.resource))
                user_id = holdings.users.get(person[1])
                shown = holdings.names.get(user_id) if user_id else {"username": None, "name": e.resource}
            else:
                person, shown = None, None
            done.append((element_id, person, shown, e.at))
        found = four_eyes.check(judge.off.pairs, done)
        self.totals["four_eyes_violations"] += len(found)
        for f in found:
            self.element(f["decision"])["four_eyes_violations"] += 1
        return found

    def attach_interventions(self, alur: Alur) -> None:
        ids = [t["instance_id"] for t in self.traces if t["instance_id"] is not None]
        if not ids:
            return
        with alur.db.transaction() as s:
            found = interventions.load(s, ids)
        steps = self.judge.off.info.catalog.get("steps", {})
        for t in self.traces:
            listed = found.get(t["instance_id"], [])
            for item in listed:
                if item["action"] == "instance.moved":
                    item["direction"] = interventions.direction(item, steps)
            t["interventions"] = listed
            self.totals["interventions"] += len(listed)

    def result(self, filters: dict) -> dict:
        judge, t = self.judge, self.totals
        for element_id, element in self.elements.items():
            if element["timed"]:
                element["on_time_ratio"] = element["on_time"] / element["timed"]
            worked = self.worked.get(element_id)
            if worked:
                element["median_worked_seconds"] = statistics.median(worked)
        for element_id, step in judge.off.tasks.items():
            element = self.element(element_id)
            element.update(name=step.get("name") or element_id, row=step.get("no") or "", lane=step.get("lane"),
                           waktu=step.get("waktu") or "", task=True)
        for element_id, element in self.elements.items():
            element.setdefault("task", False)
            element.setdefault("name", judge.off.element_names.get(element_id, element_id))
        cases = self.traces
        flagged = dict.fromkeys(FINDINGS, 0)
        for case in cases:
            case["findings"] = findings(case)
            for kind in case["findings"]:
                flagged[kind] += 1
        flagged["deviating"] = flagged.pop("flow")  # "cases_with" names it as the log's figure does
        log = {"traces": len(cases), "judged": t["judged"], "not_judged": t["not_judged"],
               "deviating": t["deviating"], "conforming": t["judged"] - sum(1 for c in cases if c["judged"] and c["deviating"]),
               "fitness": log_fitness(self.replays) if self.replays else None,
               "alignment_fitness": alignment_log_fitness(self.alignments) if self.alignments else None,
               "produced": t["produced"], "consumed": t["consumed"], "missing": t["missing"],
               "remaining": t["remaining"], "not_computed": t["not_computed"],
               "steps_timed": t["timed"], "late_steps": t["late"],
               "on_time_ratio": t["on_time"] / t["timed"] if t["timed"] else None,
               "role_violations": t["role_violations"], "roles_unknown": t["roles_unknown"],
               "four_eyes_violations": t["four_eyes_violations"], "interventions": t["interventions"],
               "cases_with": flagged,
               "unmatched_activities": [{"activity": a, "count": n}
                                        for a, n in sorted(self.unmatched.items(), key=lambda i: (-i[1], i[0]))]}
        return {"log": log, "version": judge.off.as_dict(), "agency": judge.agency, "filters": filters,
                "xml": judge.off.xml,
                "four_eyes_pairs": {d: list(j) for d, j in judge.off.pairs.items()},
                "elements": self.elements, "traces": cases}


# --- as JSON -----------------------------------------------------------------------------------

def _moment(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# What can be wrong with a case, in the order the report shows it.
FINDINGS = ("flow", "late", "roles", "four_eyes", "interventions")


def findings(case: dict) -> list[str]:
    """What is wrong with a case: "flow" (it deviates from the model), "late" (a step after its
    due time), "roles" (a step by someone not holding its lane), "four_eyes", "interventions"."""
    found = {"flow": case["deviating"], "late": any(s["on_time"] is False for s in case["time"]),
             "roles": any(r["held"] is False for r in case["roles"]), "four_eyes": bool(case["four_eyes"]),
             "interventions": bool(case["interventions"])}
    return [kind for kind, there in found.items() if there]


def to_json(report: dict) -> str:
    """The report as JSON text, moments as ISO 8601 (UTC), in one pass (a 10,000-case report is
    tens of MB: no copy of it first, no sorting of keys)."""
    return json.dumps(report, default=_moment, ensure_ascii=False, separators=(",", ":"))

