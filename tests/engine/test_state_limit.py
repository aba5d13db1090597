"""What a step may leave behind: the engine state of an instance is bounded, and a step that
would leave a larger one, or whose diagram code hits an evaluator limit, fails with EngineFault
(which the services turn into a failed step: rolled back, instance marked in error)."""
import time
from datetime import date, datetime, timezone

import pytest

from server.engine import EngineFault, ProcessEngine
from server.engine import state as engine_state

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')
PROCESS = "proses_batas"
MIB = 1024 * 1024


def diagram(script: str = "catatan_awal = 'siap'") -> str:
    """Start, a script task, one user task, end."""
    script = script.replace("&", "&amp;").replace("<", "&lt;")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs_batas" targetNamespace="http://alur.example/bpmn">
  <bpmn:process id="{PROCESS}" isExecutable="true">
    <bpmn:startEvent id="mulai_batas"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai_batas" targetRef="s01_siapkan"/>
    <bpmn:scriptTask id="s01_siapkan" name="Siapkan" scriptFormat="python">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="s01_siapkan" targetRef="s02_isi"/>
    <bpmn:userTask id="s02_isi" name="Isi formulir"/>
    <bpmn:sequenceFlow id="f3" sourceRef="s02_isi" targetRef="selesai_batas"/>
    <bpmn:endEvent id="selesai_batas"/>
  </bpmn:process>
</bpmn:definitions>"""


class Clock:
    def now(self):
        return datetime(2025, 3, 14, 9, 0, tzinfo=timezone.utc)


def start(xml: str, data=None, **engine_args):
    engine = ProcessEngine(Clock(), **engine_args)
    return engine, engine.start(("uji", xml), PROCESS, lambda: xml, data)


def fill(run, data):
    task = run.ready_user_tasks()[0]
    assert task.element_id == "s02_isi"
    run.complete(task.id, data)


def assert_too_large(err, limit_text="1 MiB"):
    assert err.value.message_id == f"Data proses melebihi batas {limit_text}; langkah dihentikan."
    assert err.value.message_en == f"The process data exceeds the {limit_text} limit; the step was stopped."


def test_default_limit_is_one_mebibyte():
    assert engine_state.MAX_STATE_BYTES == MIB


def test_normal_state_passes_and_reads_back():
    xml = diagram()
    engine, run = start(xml, {"judul": "Rapat"})
    text = run.dump()
    assert len(text) < 20_000
    fill(run, {"keputusan": "Ya", "catatan": "x" * 1000})
    text = run.dump()
    assert run.completed and len(text) < MIB
    again = engine.resume(("uji", xml), PROCESS, lambda: xml, text)
    assert again.completed and again.data["catatan"] == "x" * 1000 and again.data["catatan_awal"] == "siap"


def test_script_building_a_big_state_fails_the_step():
    # 1.2 million characters: within the evaluator's budget (5 million), over the state limit
    xml = diagram("teks = 'x' * 600000\nsalinan = teks + 'y'")
    with pytest.raises(EngineFault) as err:
        start(xml)
    assert_too_large(err)


def test_form_data_making_the_state_too_big_fails_the_step():
    _, run = start(diagram())
    with pytest.raises(EngineFault) as err:
        fill(run, {"catatan": "x" * MIB})
    assert_too_large(err)


def test_state_near_the_limit_passes():
    _, run = start(diagram())
    fill(run, {"catatan": "x" * 450_000})
    # the finished instance holds the field twice: in its last task and in the workflow's data
    assert 900_000 < len(run.dump()) <= MIB


def test_one_value_under_many_names_is_refused_before_it_is_written_out():
    # 200 references to one 100 000-character string are 20 MB of JSON; the size is known
    # to be too large before the text is built.
    big = "x" * 100_000
    _, run = start(diagram())
    began = time.monotonic()
    with pytest.raises(EngineFault) as err:
        fill(run, {f"lampiran_{i}": big for i in range(200)})
    assert_too_large(err)
    assert time.monotonic() - began < 2


def test_limit_is_set_per_engine():
    data = {"catatan": "x" * 5000}
    _, run = start(diagram(), data, max_state_bytes=64 * 1024)
    assert len(run.dump()) < 64 * 1024
    with pytest.raises(EngineFault) as err:
        start(diagram(), data, max_state_bytes=4096)
    assert_too_large(err, "4 KiB")
    with pytest.raises(EngineFault) as err:
        start(diagram(), data, max_state_bytes=4000)
    assert_too_large(err, "4000 byte")


def test_fault_is_raised_by_the_step_and_dump_then_returns_that_state():
    # Callers catch EngineFault around the engine call (start, complete, refresh_timers), then
    # write run.dump() elsewhere: dump() must return what the step checked, without a new check.
    _, run = start(diagram())
    fill(run, {"catatan": "x" * 100})
    checked = run.dump()
    run.max_state_bytes = 10   # would refuse a fresh serialization
    assert run.dump() is checked


def test_dump_of_a_resumed_state_is_checked_too():
    xml = diagram()
    engine, run = start(xml)
    fill(run, {"catatan": "x" * 3000})
    small = ProcessEngine(Clock(), max_state_bytes=2048)
    resumed = small.resume(("uji", xml), PROCESS, lambda: xml, run.dump())
    with pytest.raises(EngineFault) as err:
        resumed.dump()
    assert_too_large(err, "2 KiB")


def test_deeply_nested_form_data_fails_the_step():
    nested = "dasar"
    for _ in range(150):
        nested = {"isi": nested}
    _, run = start(diagram())
    with pytest.raises(EngineFault) as err:
        fill(run, {"rincian": nested})
    assert "100 tingkat" in err.value.message_id and "100 levels" in err.value.message_en


def test_data_nested_within_the_limit_passes():
    nested = "dasar"
    for _ in range(95):
        nested = {"isi": nested}
    xml = diagram()
    engine, run = start(xml)
    fill(run, {"rincian": nested})
    again = engine.resume(("uji", xml), PROCESS, lambda: xml, run.dump())
    assert again.data["rincian"]["isi"]["isi"]["isi"] is not None


def test_value_json_cannot_hold_fails_the_step():
    # A registered function may return what the task data cannot keep, e.g. a date.
    xml = diagram("batas = hari_ini()")
    with pytest.raises(EngineFault) as err:
        start(xml, functions={"hari_ini": lambda: date(2025, 3, 14)})
    assert "tidak dapat disimpan" in err.value.message_id
    assert "cannot be stored" in err.value.message_en and "date" in err.value.message_en


@pytest.mark.parametrize("script, reason", [
    ("a = []\na.append(a)", "circular reference"),
    ("a = 0\nfor i in range(150):\n    a = [a]", "100 levels"),
    ("s = 'x' * 1000000\nt = (s, s, s, s, s, s)", "amount of data stored"),
    ("t = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9] * 6000 for i in range(1000)]", "amount of data built"),
])
def test_evaluator_refusal_during_a_step_is_an_engine_fault(script, reason):
    with pytest.raises(EngineFault) as err:
        start(diagram(script))
    assert reason in err.value.message_en
    assert err.value.message_en.startswith("Diagram error s01_siapkan: Evaluation stopped:")
    assert err.value.message_id.startswith("Kesalahan pada diagram s01_siapkan: Perhitungan dihentikan:")
