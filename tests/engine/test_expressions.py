"""The restricted evaluator: what diagrams may compute, what is refused, and a real Spiff run."""
import time
from datetime import date, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from server.engine import expressions
from server.engine.expressions import (
    check_diagram_expressions,
    evaluate_expression,
    execute_script,
    make_script_engine,
    validate_expression,
    validate_script,
)
from server.engine.safe_xml import parse_bpmn
from server.errors import ExpressionRejected

DATA = {
    "keputusan": "Ya",
    "tidak_dipublikasikan": True,
    "foto": ["a.jpg", "b.jpg", "c.jpg", "d.jpg"],
    "data": {"x": 5},
    "judul": "  Rapat Koordinasi  ",
    "tanggal": date(2025, 3, 14),
}


def ev(source, data=None, functions=None):
    return evaluate_expression(source, dict(DATA if data is None else data), functions)


# -- what works -----------------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ('keputusan == "Ya"', True),
    ('keputusan == "TOLAK" and tidak_dipublikasikan == True', False),
    ('len(foto) >= 4', True),
    ('data.get("x", 0) > 3', True),
    ('data.get("y", 0) > 3', False),
    ('"PT30M"', "PT30M"),
    ('\n      keputusan == "Ya"\n    ', True),
    ('keputusan in ("Ya", "Terima")', True),
    ('judul.strip().lower()', "rapat koordinasi"),
    ('judul.strip().startswith("Rapat")', True),
    ('", ".join(foto[:2])', "a.jpg, b.jpg"),
    ('[f.upper() for f in foto if f.endswith(".jpg")][0]', "A.JPG"),
    ('sum(x * 2 for x in range(5))', 20),
    ('max(len(f) for f in foto)', 5),
    ('sorted(data.keys())', ["x"]),
    ('{**data, "y": 1}', {"x": 5, "y": 1}),
    ('f"P{len(foto)}D"', "P4D"),
    ('f"{data.get(\'x\'):>4}"', "   5"),
    ('tanggal.year * 100 + tanggal.month', 202503),
    ('tanggal.isoformat()', "2025-03-14"),
    ('2 ** 10 + 7 // 2 - 1 % 3', 1026),
    ('"ab" * 3', "ababab"),
    ('round(2.567, 2)', 2.57),
    ('"Ya" if keputusan == "Ya" else "Tidak"', "Ya"),
    ('dict(zip(["a", "b"], [1, 2]))', {"a": 1, "b": 2}),
    ('list(enumerate("ab"))', [(0, "a"), (1, "b")]),
    ('any(f == "a.jpg" for f in foto) and all(len(f) == 5 for f in foto)', True),
])
def test_allowed_expressions(source, expected):
    assert ev(source) == expected


def test_registered_functions_are_callable():
    def hari_kerja(mulai, n):
        return mulai + timedelta(days=n)
    assert ev("hari_kerja(tanggal, 3).isoformat()", functions={"hari_kerja": hari_kerja}) == "2025-03-17"


def test_data_names_do_not_shadow_functions():
    # A form field called "len" must not turn len() into a data lookup.
    assert ev("len(foto) + len", data={"foto": [1, 2], "len": 10}) == 12


def test_script_assigns_into_data():
    data = dict(DATA)
    execute_script("total = 0\nfor f in foto:\n    total += 1\ndata['z'] = total * 2\n"
                   "if total > 3:\n    status = 'lengkap'\nelse:\n    status = 'kurang'\n", data)
    assert data["total"] == 4
    assert data["data"]["z"] == 8
    assert data["status"] == "lengkap"


def test_script_break_continue_and_append():
    data = {"angka": [1, 2, 3, 4, 5]}
    execute_script("genap = []\nfor a in angka:\n    if a == 5:\n        break\n"
                   "    if a % 2:\n        continue\n    genap.append(a)\n", data)
    assert data["genap"] == [2, 4]


def test_script_cannot_store_lazy_values():
    with pytest.raises(TypeError, match="list"):
        execute_script("pasangan = zip(foto, foto)", dict(DATA))


def test_compiled_once_per_source():
    expressions._compile.cache_clear()
    for _ in range(50):
        ev('keputusan == "Ya"')
    info = expressions._compile.cache_info()
    assert info.misses == 1 and info.hits == 49


# -- evaluation errors stay Python errors ---------------------------------------------------------

def test_undefined_name_is_name_error():
    with pytest.raises(NameError):
        ev("tidak_ada == 1")


def test_type_error_is_type_error():
    with pytest.raises(TypeError):
        ev("len(5)")


def test_method_on_wrong_type_is_attribute_error():
    with pytest.raises(AttributeError, match="get"):
        ev("keputusan.get('x')")


# -- refusals ---------------------------------------------------------------------------------

ESCAPES = [
    "().__class__.__mro__[1].__subclasses__()",
    "().__class__",
    "getattr((), '__class__')",
    "[c for c in ().__class__.__bases__]",
    '"{0.__class__}".format(1)',
    '"{0.__class__}".format_map({})',
    "__import__('os').system('id')",
    "eval('1')",
    "exec('x = 1')",
    "open('/etc/passwd').read()",
    "compile('1', 'x', 'eval')",
    "globals()",
    "vars()",
    "locals()",
    "type(1)",
    "object()",
    "setattr(data, 'x', 1)",
    "breakpoint()",
    "help()",
    "lambda: 1",
    "(x := 1)",
    "foto.__len__()",
    "_rahasia",
    "data._x",
    "keputusan.encode",
    "keputusan.lower",              # a method not called cannot be taken as a value
    "(1).real",
    "data.get.__self__",
    "(lambda: 0).__globals__",
    "[x for x in ()].__class__",
    "f'{().__class__}'",
    "f'{x:{y}}'",
    "f'{1:999999999}'",
    "b'x'",
    "1j",
    "foto[0](1)",
    "[len][0](foto)",
    "[1][0:1, 2]",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_refused(source):
    with pytest.raises(ExpressionRejected) as err:
        ev(source)
    assert err.value.message_id.startswith("Ekspresi ditolak")
    assert err.value.message_en.startswith("Expression rejected")
    with pytest.raises(ExpressionRejected):
        validate_expression(source)


SCRIPT_REFUSALS = [
    "import os",
    "from os import system",
    "def f():\n    pass",
    "class A:\n    pass",
    "while True:\n    pass",
    "global x",
    "nonlocal x",
    "del foto",
    "data.x = 1",
    "foto[0:1] = []",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "with open('x') as f:\n    pass",
    "raise ValueError()",
    "assert False",
    "x: int = 1",
    "return 1",
    "break",
    "x = ().__class__",
    "for data.x in foto:\n    pass",
]


@pytest.mark.parametrize("source", SCRIPT_REFUSALS)
def test_script_constructs_refused(source):
    with pytest.raises(ExpressionRejected) as err:
        execute_script(source, dict(DATA))
    assert err.value.message_id.startswith("Skrip ditolak")


def test_syntax_error_refused():
    with pytest.raises(ExpressionRejected) as err:
        validate_expression("keputusan ==")
    assert "sintaks" in err.value.message_id


def test_unknown_function_refused_with_known_names():
    validate_expression("hari_kerja(3)")  # unknown registry: checked at run time
    with pytest.raises(ExpressionRejected, match="hari_kerja"):
        validate_expression("hari_kerja(3)", functions=["tambah_hari"])
    with pytest.raises(ExpressionRejected, match="hari_kerja"):
        ev("hari_kerja(3)")


@pytest.mark.parametrize("source", [
    '"a" * 10**9',
    '10**9 * "a"',
    "[0] * 10**9",
    "[[0] * 100000] * 100000",
    "10**10**10",
    "2 ** 10**8",
    "1 << 10**9",
    "range(10**12)",
    "list(range(10**12))",
    "len(range(10**12))",
    "round(5, -10**9)",
    "sum(1 for a in range(100000) for b in range(100000))",
    '"x".join(["a" * 900000, "b" * 900000])',
    '("a" * 900000).replace("a", "aa")',
    '"%s" % 1',
])
def test_resource_abuse_refused(source):
    start = time.monotonic()
    with pytest.raises(ExpressionRejected):
        ev(source)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("script", [
    "s = 'ab'\nfor i in range(100):\n    s = s + s",
    "s = 'ab'\nfor i in range(100):\n    s += s",
    "a = [1]\nfor i in range(100):\n    a = [*a, *a]",
    "a = [1]\nfor i in range(100):\n    a += a",
    "n = 3\nfor i in range(100):\n    n = n * n",
    "a = []\nfor x in a:\n    a.append(x)\na.append(1)\nfor x in a:\n    a.append(x)",
    "b = []\ns = 'x' * 1000000\nfor i in range(100000):\n    b.append(s.upper())",
    "b = []\na = list(range(100000))\nfor i in range(100000):\n    b.append(a[:])",
    "for i in range(100000):\n    x = sorted(range(100000))",
])
def test_script_resource_abuse_refused(script):
    start = time.monotonic()
    with pytest.raises(ExpressionRejected):
        execute_script(script, {})
    assert time.monotonic() - start < 5


# -- data built by literals and comprehensions, stores, cycles, depth -------------------------------

def _literal(open_, close, item="i", n=60):
    return open_ + ", ".join(item.format(k) for k in range(n)) + close


@pytest.mark.parametrize("source", [
    # each element is a literal of 60 items: 100 000 of them is 6 million items
    f"len([{_literal('[', ']')} for i in range(100000)])",
    f"len([{_literal('(', ')')} for i in range(100000)])",
    # nested comprehensions multiply: 99 x 1000 inner elements, each a literal of 60 items
    f"len([[{_literal('[', ']')} for j in range(99)] for i in range(1000)])",
])
def test_literals_in_comprehensions_count_against_the_budget(source):
    start = time.monotonic()
    with pytest.raises(ExpressionRejected, match="amount of data built"):
        ev(source)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("source", [
    "len([x for x in range(60000)])",
    "len({i: i for i in range(60000)})",
    "len({i for i in range(60000)})",
    "sum(1 for x in range(60000))",
    "len([a * b for a in range(300) for b in range(200)])",
])
def test_comprehension_elements_count_against_the_budget(monkeypatch, source):
    # With the real limits the iteration cap (100 000) comes first; a small budget shows that
    # every element produced is counted.
    monkeypatch.setattr(expressions.runtime, "MAX_ALLOC", 50_000)
    with pytest.raises(ExpressionRejected, match="amount of data built"):
        ev(source)
    monkeypatch.setattr(expressions.runtime, "MAX_ALLOC", 70_000)
    assert ev(source) == 60000


@pytest.mark.parametrize("literal", [
    _literal("[", "]"), _literal("(", ")"), _literal("{", "}", "{}"), _literal("{", "}", "{}: i"),
])
def test_literals_count_against_the_budget(monkeypatch, literal):
    # 2 000 literals of 60 items: 120 000 items built, over a budget of 100 000
    monkeypatch.setattr(expressions.runtime, "MAX_ALLOC", 100_000)
    with pytest.raises(ExpressionRejected, match="amount of data built"):
        ev(f"len([{literal} for i in range(2000)])")
    with pytest.raises(ExpressionRejected, match="amount of data built"):
        execute_script(f"for i in range(2000):\n    t = {literal}", {})
    assert ev(f"len([{literal} for i in range(1000)])") == 1000


@pytest.mark.parametrize("script", [
    "s = 'x' * 1000000\nt = (s, s, s, s, s, s)",
    "s = 'x' * 1000000\nd = {'a': s, 'b': s, 'c': s, 'd': s, 'e': s}",
    "s = 'x' * 1000000\nd = {}\nfor i in range(10):\n    d[i] = s",
    "s = 'x' * 1000000\nb = []\nfor i in range(10):\n    b.append(s)",
    "s = 'x' * 1000000\nb = [s for i in range(10)]",
    "s = 'x' * 1000000\nx = [s]\nfor i in range(5):\n    x = x + x",
])
def test_data_left_is_counted_as_stored(script):
    # References to one big string cost nothing in memory, but the task data is stored as JSON,
    # which writes the string out once per reference.
    with pytest.raises(ExpressionRejected, match="amount of data stored"):
        execute_script(script, {})


def test_big_returned_value_is_counted_as_stored():
    with pytest.raises(ExpressionRejected, match="amount of data stored"):
        ev("[s for s in ['x' * 1000000] for i in range(6)]")


def test_data_within_the_budget_is_kept():
    data = {"baris": [{"nama": f"n{i}", "nilai": i} for i in range(50)]}
    execute_script("s = 'x' * 1000000\nt = (s, s)\nringkas = []\nindeks = {}\n"
                   "for b in baris:\n    ringkas.append({'nama': b['nama'].upper(), 'dobel': b['nilai'] * 2})\n"
                   "    indeks[b['nama']] = b\n    indeks[b['nama']]['dilihat'] = True\n"
                   "jumlah = {k: v['nilai'] for k, v in indeks.items()}\nkosong = [[], {}, ()]", data)
    assert len(data["t"]) == 2 and len(data["t"][0]) == 1_000_000
    assert data["ringkas"][3] == {"nama": "N3", "dobel": 6}
    assert data["baris"][5]["dilihat"] is True and data["jumlah"]["n7"] == 7
    assert data["kosong"] == [[], {}, ()]
    assert ev("[x for x in range(99999)][-1]") == 99998
    assert ev("len({i: (i, i) for i in range(50000)})") == 50000


@pytest.mark.parametrize("script, data", [
    ("a = []\na.append(a)", {}),
    ("d = {}\nd['x'] = d", {}),
    ("d = {'x': []}\nd['x'].append(d)", {}),
    ("a = [1]\nt = (a,)\na.append(t)", {}),
    ("a = [[]]\na[0] += [a]", {}),
    ("a = [[]]\nb = [0 for a[0] in [a]]", {}),
    ("a = [0]\nx, a[0] = 1, a", {}),
    ("daftar.append(daftar)", {"daftar": [1, 2]}),
    ("data['diri'] = [data]", {"data": {"x": 1}}),
])
def test_cyclic_data_refused(script, data):
    with pytest.raises(ExpressionRejected) as err:
        execute_script(script, data)
    assert "circular reference" in err.value.message_en
    assert "acuan melingkar" in err.value.message_id


def test_cyclic_data_refused_in_an_expression():
    with pytest.raises(ExpressionRejected, match="circular reference"):
        ev("[x.append(x) for x in [[]]]")
    with pytest.raises(ExpressionRejected, match="circular reference"):
        ev("[foto.append(foto)]")


def test_shared_but_acyclic_data_allowed():
    data = {}
    execute_script("a = [1]\nb = [a, a]\nc = {'x': b, 'y': b}\nb.append([a])", data)
    assert data["c"] == {"x": [[1], [1], [[1]]], "y": [[1], [1], [[1]]]}


@pytest.mark.parametrize("script, data", [
    ("a = 0\nfor i in range(101):\n    a = [a]", {}),
    ("a = 0\nfor i in range(101):\n    a = {'x': a}", {}),
    ("a = 0\nfor i in range(101):\n    a = (a,)", {}),
    ("root = []\ncur = root\nfor i in range(200):\n    baru = []\n    cur.append(baru)\n    cur = baru", {}),
    ("d = {}\ncur = d\nfor i in range(200):\n    cur['x'] = {}\n    cur = cur['x']", {}),
    # built inside existing task data, changed in place: no name is assigned to it
    ("cur = akar\nfor i in range(150):\n    cur.append([])\n    cur = cur[0]\ncur = 0", {"akar": []}),
    ("a = [0]\nfor i in range(60):\n    a = [a]\nb = [0]\nfor i in range(60):\n    b = [b]\n"
     "x = a\nfor i in range(60):\n    x = x[0]\nx.append(b)", {}),
])
def test_deep_nesting_refused(script, data):
    start = time.monotonic()
    with pytest.raises(ExpressionRejected) as err:
        execute_script(script, data)
    assert "100 levels" in err.value.message_en and "100 tingkat" in err.value.message_id
    assert time.monotonic() - start < 5


def test_nesting_up_to_the_limit_allowed():
    data = {}
    execute_script("a = 0\nfor i in range(100):\n    a = [a]", data)
    depth, a = 0, data["a"]
    while isinstance(a, list):
        depth, a = depth + 1, a[0]
    assert depth == expressions.MAX_DATA_DEPTH == 100


def test_wall_clock_limit(monkeypatch):
    monkeypatch.setattr(expressions, "MAX_SECONDS", 0.05)
    with pytest.raises(ExpressionRejected, match="time|waktu"):
        execute_script("for i in range(100000):\n    x = sum(range(50000))", {})


def test_registering_a_builtin_name_is_refused():
    with pytest.raises(ValueError):
        make_script_engine({"eval": eval})
    with pytest.raises(ValueError):
        make_script_engine({"_x": len})


# -- diagrams ---------------------------------------------------------------------------------

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


def gateway_diagram(condition_ya='keputusan == "Ya"', condition_tidak='keputusan == "Tidak"',
                    script='nilai = 3\njumlah_foto = len(foto)') -> bytes:
    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://alur.example/bpmn">
  <bpmn:process id="proses_uji" isExecutable="true">
    <bpmn:startEvent id="mulai_uji"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai_uji" targetRef="s01_hitung"/>
    <bpmn:scriptTask id="s01_hitung" name="Hitung" scriptFormat="python">
      <bpmn:script>{esc(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="s01_hitung" targetRef="s02_putuskan"/>
    <bpmn:userTask id="s02_putuskan" name="Putuskan">
      <bpmn:extensionElements>
        <spiffworkflow:postScript>sudah_diputuskan = True</spiffworkflow:postScript>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="s02_putuskan" targetRef="g02_disetujui"/>
    <bpmn:exclusiveGateway id="g02_disetujui" name="Disetujui?"/>
    <bpmn:sequenceFlow id="f_ya" name="Ya" sourceRef="g02_disetujui" targetRef="selesai_disetujui">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{esc(condition_ya)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_tidak" name="Tidak" sourceRef="g02_disetujui" targetRef="selesai_ditolak">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{esc(condition_tidak)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="selesai_disetujui"/>
    <bpmn:endEvent id="selesai_ditolak"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def start_workflow(xml: bytes, data=None, functions=None):
    root = parse_bpmn(xml)
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename="uji.bpmn")
    spec = parser.get_spec("proses_uji")
    engine = make_script_engine(functions)
    wf = BpmnWorkflow(spec, parser.get_subprocess_specs("proses_uji"), script_engine=engine)
    wf.data.update(data or {})
    start = wf.get_tasks(state=TaskState.READY)[0]
    start.data.update(data or {})
    wf.do_engine_steps()
    return wf


def decide(wf, keputusan):
    task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
    assert task.task_spec.bpmn_id == "s02_putuskan"
    task.set_data(keputusan=keputusan)
    task.run()
    wf.do_engine_steps()


@pytest.mark.parametrize("keputusan, end", [("Ya", "selesai_disetujui"), ("Tidak", "selesai_ditolak")])
def test_spiff_gateway_takes_the_right_branch(keputusan, end):
    wf = start_workflow(gateway_diagram(), data={"foto": ["a", "b"]})
    decide(wf, keputusan)
    assert wf.is_completed()
    done = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}
    assert end in done
    assert ({"selesai_disetujui", "selesai_ditolak"} - {end}).isdisjoint(done)
    assert wf.data["nilai"] == 3
    assert wf.data["jumlah_foto"] == 2
    assert wf.data["sudah_diputuskan"] is True
    assert wf.data["keputusan"] == keputusan


def test_spiff_conditions_can_call_registered_functions():
    xml = gateway_diagram(condition_ya='sama(keputusan, "Ya")', condition_tidak='not sama(keputusan, "Ya")')
    wf = start_workflow(xml, data={"foto": []}, functions={"sama": lambda a, b: a == b})
    decide(wf, "Ya")
    assert "selesai_disetujui" in {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}


def test_spiff_undefined_name_becomes_workflow_task_exception():
    wf = start_workflow(gateway_diagram(condition_ya='keputusn == "Ya"'), data={"foto": []})
    with pytest.raises(WorkflowTaskException) as err:
        decide(wf, "Ya")
    assert "keputusn" in str(err.value)
    assert err.value.error_type == "NameError"


def test_spiff_script_error_becomes_workflow_task_exception_with_line():
    with pytest.raises(WorkflowTaskException) as err:
        start_workflow(gateway_diagram(script="a = 1\nb = foto[10]"), data={"foto": []})
    assert err.value.error_type == "IndexError"
    assert err.value.line_number == 2


DUNDER = "().__class__.__mro__[1].__subclasses__() == []"


def test_check_diagram_refuses_dunder_condition():
    root = parse_bpmn(gateway_diagram(condition_tidak=DUNDER))
    with pytest.raises(ExpressionRejected) as err:
        check_diagram_expressions(root)
    assert '"f_tidak" (Tidak)' in err.value.message_id
    assert "bpmn:conditionExpression" in err.value.message_en
    assert "__subclasses__" in err.value.message_en
    assert err.value.detail["element_id"] == "f_tidak"


def test_check_diagram_refuses_bad_script_and_prescript():
    root = parse_bpmn(gateway_diagram(script="import os"))
    with pytest.raises(ExpressionRejected) as err:
        check_diagram_expressions(root)
    assert "s01_hitung" in err.value.message_id and "import" in err.value.message_en
    xml = gateway_diagram().replace(b"sudah_diputuskan = True", b"x = open('/etc/passwd')")
    with pytest.raises(ExpressionRejected) as err:
        check_diagram_expressions(parse_bpmn(xml))
    assert "s02_putuskan" in err.value.message_id and "spiffworkflow:postScript" in err.value.message_id


def test_check_diagram_refuses_timer_and_unknown_function():
    timer = b"""<bpmn:boundaryEvent id="timer_batas" attachedToRef="s02_putuskan" cancelActivity="false">
      <bpmn:timerEventDefinition id="TimerDef_1"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">%s</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="selesai_uji">"""
    ok = gateway_diagram().replace(b'<bpmn:endEvent id="selesai_ditolak"/>',
                                   timer % b"&quot;PT30M&quot;" + b"</bpmn:endEvent>"
                                   + b'<bpmn:endEvent id="selesai_ditolak"/>')
    check_diagram_expressions(parse_bpmn(ok))
    check_diagram_expressions(parse_bpmn(ok), functions=["hari_kerja"])
    bad = ok.replace(b"&quot;PT30M&quot;", b"durasi_kerja(&quot;PT30M&quot;)")
    check_diagram_expressions(parse_bpmn(bad))   # registry unknown: left to run time
    with pytest.raises(ExpressionRejected) as err:
        check_diagram_expressions(parse_bpmn(bad), functions=["hari_kerja"])
    assert "timer_batas" in err.value.message_id and "durasi_kerja" in err.value.message_en
    check_diagram_expressions(parse_bpmn(gateway_diagram()))


def test_dunder_condition_refused_at_run_time_too():
    # If a diagram slipped past the deploy-time check, the engine still refuses to run it.
    wf = start_workflow(gateway_diagram(condition_ya=DUNDER), data={"foto": []})
    with pytest.raises(ExpressionRejected) as err:
        decide(wf, "Ya")
    assert "__subclasses__" in err.value.message_en
    assert not wf.is_completed()


def test_dunder_script_refused_at_run_time():
    with pytest.raises(ExpressionRejected):
        start_workflow(gateway_diagram(script="x = ().__class__.__base__"), data={"foto": []})


def test_timer_expression_through_engine():
    engine = make_script_engine({"hari_kerja": lambda n: f"P{n}D"})
    assert engine.environment.evaluate('"PT30M"', {}) == "PT30M"
    assert engine.environment.evaluate("hari_kerja(2)", {}) == "P2D"


def test_environment_execute_keeps_external_context_out_of_task_data():
    engine = make_script_engine()
    context = {"a": 1}
    engine.environment.execute("b = a + obj\nobj2 = obj", context, external_context={"obj": 10})
    assert context == {"a": 1, "b": 11, "obj2": 10}


def test_datetime_values():
    now = datetime(2025, 1, 2, 3, 4, 5)
    assert ev("t.hour + t.date().day", data={"t": now}) == 5
    assert ev("(b - a).days", data={"a": date(2025, 1, 1), "b": date(2025, 1, 31)}) == 30


@pytest.mark.parametrize("bare", [b"PT30M", b"P2D", b"R3/PT1H", b"2025-01-01T00:00:00"])
def test_unquoted_timer_value_refused_with_hint(bare):
    xml = gateway_diagram().replace(b'<bpmn:endEvent id="selesai_ditolak"/>', b"""
    <bpmn:boundaryEvent id="timer_batas" attachedToRef="s02_putuskan" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>%s</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent><bpmn:endEvent id="selesai_ditolak"/>""" % bare)
    with pytest.raises(ExpressionRejected) as err:
        check_diagram_expressions(parse_bpmn(xml))
    assert f'"{bare.decode()}"' in err.value.message_id
    assert "timer_batas" in err.value.message_en


def test_camunda_style_gets_a_hint():
    with pytest.raises(ExpressionRejected) as err:
        validate_expression("${approved}")
    assert "${...}" in err.value.message_en


def test_validate_script_accepts_indented_source():
    validate_script("\n    x = 1\n    if x:\n        y = 2\n")
