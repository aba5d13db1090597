"""Moving a running instance's token to another step (engine.moving through Run.move_to): back
to redo a step, forward past a step done outside Alur, on the real engine. The history the move
jumps over is usually pruned, so the move builds a fresh token; these tests check that the
instance then runs on to its end, keeps its data, round-trips through its stored state, and that
what cannot move is refused (Conflict/InvalidInput, never an EngineFault) with nothing changed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from server.clock import FixedClock
from server.engine import ProcessEngine, load_diagram
from server.engine import moving
from server.errors import Conflict, InvalidInput

ROOT = Path(__file__).resolve().parents[2]
KEMENPORA = (ROOT / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn").read_bytes()
S = {n: f"s0{n}_" + rest for n, rest in enumerate(
    ["", "disposisi_pembuatan_konten", "perintahkan_pembahasan_konsep", "bahas_konsep_konten", "produksi_konten",
     "sampaikan_hasil_produksi", "putuskan_persetujuan", "perintahkan_publikasi", "publikasi_dan_laporan"])}
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
DUE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


class Case:
    """One instance in memory, stored and read back at every step as Alur does."""

    def __init__(self, xml: bytes, data: dict | None = None):
        self.loaded = load_diagram(xml)
        self.process_id = self.loaded.process_ids[0]
        self.clock = FixedClock(NOW)
        self.engine = ProcessEngine(self.clock)
        self.key = ("uji", id(self))
        run = self.engine.start(self.key, self.process_id, lambda: self.loaded.xml, data,
                                deadlines=lambda element_id, data: DUE)
        self.state = run.dump()

    def run(self):
        return self.engine.resume(self.key, self.process_id, lambda: self.loaded.xml, self.state,
                                  deadlines=lambda element_id, data: DUE)

    def at(self) -> list[str]:
        return [t.element_id for t in self.run().ready_user_tasks()]

    def complete(self, data: dict | None = None, element_id: str | None = None) -> str:
        run = self.run()
        ready = run.ready_user_tasks()
        task = next(t for t in ready if element_id in (None, t.element_id))
        run.complete(task.id, data or {})
        self.state = run.dump()
        return task.element_id

    def move(self, element_id: str) -> list[str]:
        run = self.run()
        left = run.move_to(element_id)
        self.state = run.dump()
        return left

    def finish(self, decisions: dict | None = None, limit: int = 50) -> list[str]:
        """Completes whatever is ready until the end; returns the steps done, in order."""
        done = []
        for _ in range(limit):
            run = self.run()
            if run.completed:
                return done
            ready = run.ready_user_tasks()
            assert ready, f"stuck: nothing ready, active {run.active_elements()}"
            done.append(self.complete((decisions or {}).get(ready[0].element_id, {}), ready[0].element_id))
        raise AssertionError(f"not finished after {limit} steps: {done}")


def kemenpora(data=None) -> Case:
    return Case(KEMENPORA, data or {"judul": "Publikasi Hari Olahraga Nasional"})


def refused_unchanged(case: Case, element_id: str, error, match: str):
    before = case.state
    run = case.run()
    with pytest.raises(error) as err:
        run.move_to(element_id)
    assert match in err.value.message_en
    assert err.value.message_id and err.value.message_id != err.value.message_en
    assert case.state == before
    return err.value


# --- the Kemenpora SOP ---------------------------------------------------------------------------
def test_back_from_step_6_to_step_3_then_on_to_the_end():
    case = kemenpora()
    for n in range(1, 6):
        assert case.complete({f"isian_{n}": n}) == S[n]
    assert case.at() == [S[6]]
    assert case.move(S[3]) == [S[6]]
    assert case.at() == [S[3]]
    run = case.run()
    assert run.active_elements() == [S[3]]
    assert run.passages == []  # a fresh read; the move's own run recorded the target, with no flow
    done = case.finish({S[6]: {"keputusan": "Ya"}})
    assert done == [S[3], S[4], S[5], S[6], S[7], S[8]]
    run = case.run()
    assert run.completed and run.end_event() == "selesai_dipublikasikan"
    assert {f"isian_{n}": n for n in range(1, 6)}.items() <= run.data.items()


def test_the_move_is_recorded_as_the_target_reached_with_no_flow():
    case = kemenpora()
    for _ in range(5):
        case.complete()
    run = case.run()
    run.move_to(S[3])
    assert run.passages[-1] == type(run.passages[-1])(S[3], None)


def test_forward_skipping_a_step_done_outside_alur():
    case = kemenpora()
    case.complete()
    assert case.at() == [S[2]]
    assert case.move(S[4]) == [S[2]]  # steps 2 and 3 happened on paper
    assert case.finish({S[6]: {"keputusan": "Ya"}}) == [S[4], S[5], S[6], S[7], S[8]]
    assert case.run().completed


def test_forward_to_a_step_behind_a_gateway_and_to_the_last_step():
    case = kemenpora()
    case.complete()
    case.move(S[7])
    assert case.at() == [S[7]]
    case.move(S[8])
    assert case.finish() == [S[8]]
    assert case.run().end_event() == "selesai_dipublikasikan"


def test_data_is_kept_on_the_new_token_and_later_answers_win():
    case = kemenpora({"judul": "Awal", "asal_permohonan": "Internal"})
    case.complete({"disposisi": "Segera"})
    case.complete({"rencana": "Tiga unggahan", "judul": "Diubah di langkah 2"})
    case.complete({"konsep": "Video pendek"})
    run = case.run()
    before = dict(run.data)
    case.move(S[2])
    run = case.run()
    assert run.data == before  # everything the instance knew, and the newest value of each
    assert run.data["judul"] == "Diubah di langkah 2"
    [task] = run.ready_user_tasks()
    assert task.data == before


def test_many_reject_loops_pruned_history_then_back_to_step_3():
    case = kemenpora()
    for _ in range(5):
        case.complete()
    for loop in range(40):  # each rejection goes back to step 5; history is pruned every step
        assert case.complete({"keputusan": "Tidak", "putaran": loop}) == S[6]
        assert case.complete() == S[5]
    run = case.run()
    assert len(run.workflow.tasks) < 15
    assert S[3] not in {t.task_spec.name for t in run.workflow.tasks.values()}  # long gone from the tree
    case.move(S[3])
    assert case.at() == [S[3]]
    assert case.run().data["putaran"] == 39
    assert case.finish({S[6]: {"keputusan": "Ya"}}) == [S[3], S[4], S[5], S[6], S[7], S[8]]


def test_moving_back_and_forth_repeatedly_keeps_one_token():
    case = kemenpora()
    case.complete()
    for target in (S[5], S[1], S[8], S[2], S[6], S[3]):
        case.move(target)
        run = case.run()
        assert [t.element_id for t in run.ready_user_tasks()] == [target]
        assert run.active_elements() == [target]
    assert case.finish({S[6]: {"keputusan": "Ya"}})[0] == S[3]


def test_the_state_round_trips_through_serialization():
    case = kemenpora()
    for _ in range(4):
        case.complete()
    run = case.run()
    run.move_to(S[2])
    text = run.dump()
    again = case.engine.resume(case.key, case.process_id, lambda: case.loaded.xml, text)
    assert [(t.id, t.element_id, t.data) for t in again.ready_user_tasks()] == \
           [(t.id, t.element_id, t.data) for t in run.ready_user_tasks()]
    assert again.dump() == text
    assert not again.completed and again.next_timer_due() is None


# --- refusals ------------------------------------------------------------------------------------
def test_refusals_change_nothing():
    case = kemenpora()
    case.complete()
    case.complete()
    assert case.at() == [S[3]]
    refused_unchanged(case, S[3], Conflict, "already at that step")
    for not_a_step in ("g06_disetujui", "selesai_dipublikasikan", "mulai_permohonan", "tidak_ada",
                       "batas_s03_bahas_konsep_konten", "Start", "End", ""):
        err = refused_unchanged(case, not_a_step, InvalidInput, "is not a step")
        assert err.fields and "to_element" in err.fields
    assert case.finish({S[6]: {"keputusan": "Ya"}}) == [S[3], S[4], S[5], S[6], S[7], S[8]]


def test_a_completed_instance_has_no_token_to_move():
    case = kemenpora()
    case.move(S[8])
    case.finish()
    refused_unchanged(case, S[3], Conflict, "not waiting at any step")


# --- other shapes: boundary events, parallel branches, subprocesses, waiting events --------------
BPMN_NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def process(body: str, pid: str = "p") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} id="defs" targetNamespace="http://alur.example/bpmn">
  <bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process>
</bpmn:definitions>""".encode()


def flows(*pairs: tuple[str, str]) -> str:
    return "".join(f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>' for a, b in pairs)


def user(*ids: str) -> str:
    return "".join(f'<bpmn:userTask id="{i}" name="Langkah {i}"/>' for i in ids)


TIMER = ('<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
         'tenggat("s02")</bpmn:timeDate></bpmn:timerEventDefinition>')
ESCALATION = (f'<bpmn:boundaryEvent id="batas_s02" attachedToRef="s02" cancelActivity="false">{TIMER}'
              '</bpmn:boundaryEvent><bpmn:endEvent id="eskalasi"/>')
BOUNDARY = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s02", "s03") + ESCALATION
                   + '<bpmn:endEvent id="selesai"/>'
                   + flows(("mulai", "s01"), ("s01", "s02"), ("s02", "s03"), ("s03", "selesai"),
                           ("batas_s02", "eskalasi")))


def test_a_step_with_a_boundary_timer_gets_its_wrapper_and_its_timer_back():
    case = Case(BOUNDARY)
    case.complete()
    assert case.run().next_timer_due() == DUE  # s02 with its escalation timer
    case.complete()
    assert case.at() == ["s03"] and case.run().next_timer_due() is None
    case.move("s02")
    run = case.run()
    assert run.ready_user_tasks()[0].element_id == "s02"
    assert run.next_timer_due() == DUE  # the timer waits again beside the moved-to task
    split = run.workflow.get_tasks(state=moving.TaskState.READY, manual=True)[0].parent
    assert split.task_spec.name == "s02.BoundaryEventSplit"
    assert case.finish() == ["s02", "s03"]
    assert case.run().completed


def test_leaving_a_step_with_a_boundary_timer_takes_its_timer_away():
    case = Case(BOUNDARY)
    case.complete()
    assert case.move("s03") == ["s02"]
    run = case.run()
    assert run.next_timer_due() is None and run.workflow.waiting_events() == []
    case.clock.set(DUE + timedelta(days=1))
    run.refresh_timers()  # nothing fires: the timer went with its task
    assert run.escalated == [] and [t.element_id for t in run.ready_user_tasks()] == ["s03"]
    assert case.finish() == ["s03"]


def test_an_escalated_step_can_be_redone():
    case = Case(BOUNDARY)
    case.complete()
    case.clock.set(DUE + timedelta(minutes=1))
    run = case.run()
    run.refresh_timers()
    assert run.escalated == ["s02"]
    case.state = run.dump()
    case.move("s01")
    assert case.finish() == ["s01", "s02", "s03"]
    assert case.run().end_event() == "selesai"


PARALLEL = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s02a", "s02b", "s03", "s04")
                   + '<bpmn:parallelGateway id="bagi"/><bpmn:parallelGateway id="gabung"/>'
                   + '<bpmn:endEvent id="selesai"/>'
                   + flows(("mulai", "s01"), ("s01", "bagi"), ("bagi", "s02a"), ("bagi", "s02b"),
                           ("s02a", "gabung"), ("s02b", "s03"), ("s03", "gabung"), ("gabung", "s04"),
                           ("s04", "selesai")))


def test_parallel_branches_are_refused_and_so_are_targets_inside_them():
    case = Case(PARALLEL)
    assert set(moving.parallel_region(case.run().workflow.spec)) == {"s02a", "s02b", "s03"}
    for inside in ("s02a", "s02b", "s03"):
        refused_unchanged(case, inside, Conflict, "between a parallel split and its join")
    case.complete()
    assert sorted(case.at()) == ["s02a", "s02b"]
    refused_unchanged(case, "s04", Conflict, "several branches")
    refused_unchanged(case, "s01", Conflict, "several branches")
    case.complete(element_id="s02a")  # one branch waits at the join, the other goes on
    assert case.at() == ["s02b"]
    refused_unchanged(case, "s01", Conflict, "several branches")
    assert moving.allowed_targets(case.run().workflow) == []


def test_around_a_parallel_region_moves_work():
    case = Case(PARALLEL)
    case.move("s04")  # forward over the whole region
    assert case.finish() == ["s04"]
    case = Case(PARALLEL)
    case.complete()
    case.complete(element_id="s02a")
    case.complete(element_id="s02b")
    case.complete(element_id="s03")
    assert case.at() == ["s04"]
    case.move("s01")  # back before the split: both branches run again and join
    done = case.finish()
    assert done[0] == "s01" and sorted(done[1:4]) == ["s02a", "s02b", "s03"] and done[4:] == ["s04"]
    assert case.run().end_event() == "selesai"


SUBPROCESS = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s03")
                     + '<bpmn:subProcess id="sub"><bpmn:startEvent id="sub_mulai"/>' + user("i1", "i2")
                     + '<bpmn:endEvent id="sub_selesai"/>'
                     + flows(("sub_mulai", "i1"), ("i1", "i2"), ("i2", "sub_selesai")) + '</bpmn:subProcess>'
                     + '<bpmn:endEvent id="selesai"/>'
                     + flows(("mulai", "s01"), ("s01", "sub"), ("sub", "s03"), ("s03", "selesai")))


def test_out_of_a_subprocess_forward_and_back():
    case = Case(SUBPROCESS)
    case.complete({"a": 1})
    assert case.at() == ["i1"]
    refused_unchanged(case, "i2", InvalidInput, "is not a step")  # inside the subprocess: not a target
    assert case.move("s03") == ["i1"]
    run = case.run()
    assert run.workflow.subprocesses == {} and run.data["a"] == 1
    assert case.finish() == ["s03"]
    case = Case(SUBPROCESS)
    case.complete()
    case.complete()
    assert case.at() == ["i2"]
    case.move("s01")
    assert case.finish() == ["s01", "i1", "i2", "s03"]


WAIT = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s02")
               + '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition>'
                 '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>'
                 '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
               + '<bpmn:endEvent id="selesai"/>'
               + flows(("mulai", "s01"), ("s01", "tunggu"), ("tunggu", "s02"), ("s02", "selesai")))


def test_a_waiting_timer_can_be_skipped():
    case = Case(WAIT)
    case.complete()
    run = case.run()
    assert run.ready_user_tasks() == [] and run.next_timer_due() is not None
    assert case.move("s02") == ["tunggu"]
    run = case.run()
    assert run.next_timer_due() is None and run.active_elements() == ["s02"]
    assert case.finish() == ["s02"]


MULTI = process('<bpmn:startEvent id="mulai"/>' + user("s01")
                + '<bpmn:userTask id="s02"><bpmn:multiInstanceLoopCharacteristics>'
                  '<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
                  '</bpmn:userTask><bpmn:endEvent id="selesai"/>'
                + flows(("mulai", "s01"), ("s01", "s02"), ("s02", "selesai")))


def test_a_multi_instance_step_is_not_a_target():
    case = Case(MULTI)
    refused_unchanged(case, "s02", Conflict, "repeats (multi-instance or loop)")
    assert moving.allowed_targets(case.run().workflow) == []


def test_allowed_targets_are_the_other_movable_steps():
    case = kemenpora()
    case.complete()
    assert sorted(moving.allowed_targets(case.run().workflow)) == sorted(S[n] for n in range(1, 9) if n != 2)
    assert sorted(moving.allowed_targets(Case(PARALLEL).run().workflow)) == ["s04"]


def test_an_inconsistent_outcome_is_refused():
    """The check after a move: a second ready task (or anything open beside the target) fails it."""
    case = kemenpora()
    case.complete()
    run = case.run()
    run.move_to(S[4])
    moving.verify(run.workflow, S[4])  # consistent
    with pytest.raises(Conflict, match="inconsistent"):
        moving.verify(run.workflow, S[5])
    root = run.workflow.task_tree
    stray = root._add_child(run.workflow.spec.task_specs[S[7]], moving.TaskState.FUTURE)
    stray._set_state(moving.TaskState.READY)
    with pytest.raises(Conflict, match="inconsistent") as err:
        moving.verify(run.workflow, S[4])
    assert "ready" in err.value.message_en


BROKEN_TIMER = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s02")
                       + '<bpmn:boundaryEvent id="batas_s02" attachedToRef="s02" cancelActivity="false">'
                         '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">batas_tanggal'
                         '</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                       + '<bpmn:endEvent id="eskalasi"/><bpmn:endEvent id="selesai"/>'
                       + flows(("mulai", "s01"), ("s01", "s02"), ("s02", "selesai"), ("batas_s02", "eskalasi")))


def test_an_engine_fault_on_the_way_refuses_the_move_without_an_engine_fault():
    """The target's timer needs data the instance lacks: the move is refused (Conflict, so the
    step is rolled back and the instance stays running), never an EngineFault (which stops it)."""
    case = Case(BROKEN_TIMER)
    err = refused_unchanged(case, "s02", Conflict, "cannot be moved")
    assert "batas_s02" in err.message_en or "batas_tanggal" in err.message_en
    case = Case(BROKEN_TIMER, {"batas_tanggal": "2026-12-01T09:00:00+00:00"})
    case.move("s02")
    assert case.run().next_timer_due() == DUE
    assert case.finish() == ["s02"]


ESCALATION_TASK = process('<bpmn:startEvent id="mulai"/>' + user("s01", "s02", "tindak_lanjut")
                          + '<bpmn:boundaryEvent id="batas_s02" attachedToRef="s02" cancelActivity="false">'
                          + TIMER + '</bpmn:boundaryEvent><bpmn:endEvent id="selesai"/>'
                          + '<bpmn:endEvent id="akhir_eskalasi"/>'
                          + flows(("mulai", "s01"), ("s01", "s02"), ("s02", "selesai"),
                                  ("batas_s02", "tindak_lanjut"), ("tindak_lanjut", "akhir_eskalasi")))


def test_a_task_opened_by_a_fired_escalation_is_a_second_token():
    case = Case(ESCALATION_TASK)
    case.complete()
    case.clock.set(DUE + timedelta(minutes=1))
    run = case.run()
    run.refresh_timers()
    case.state = run.dump()
    assert sorted(case.at()) == ["s02", "tindak_lanjut"]
    refused_unchanged(case, "s01", Conflict, "several branches")
    case.complete(element_id="tindak_lanjut")  # the escalation's own path ends: one token again
    case.clock.set(NOW)  # (the test's due time is fixed: back before it, or s02 escalates at once)
    case.move("s01")
    assert case.finish() == ["s01", "s02"]
