"""The process-mining textbook case the conformance tests check against, and the Kemenpora seed.

The "request for compensation" process of W.M.P. van der Aalst's running example: a = register
request, b = examine thoroughly, c = examine casually, d = check ticket, e = decide, f = reinitiate
request, g = pay compensation, h = reject request.

L_FULL, the event log of 1,391 cases in 21 variants:
- the 21 variants and the case count 1,391 are printed in W.M.P. van der Aalst, "Process mining",
  Communications of the ACM 55(8):76-83, 2012, Figure 2 (seen in the magazine's online page 81:
  the variant list, "455" for the first, and "the event log consisting of 1,391 cases");
- the frequency of each variant as in the slides of van der Aalst's Coursera course "Process
  Mining: Data Science in Action" (lecture on token-based replay, the 1,391-case log checked
  against four models), as reproduced in a public R script of a course participant that re-computes
  those slides (pages 5 and 29; found with the search tool, repository not named by the index);
  the frequencies sum to 1,391, which the ACM figure confirms. The same log is L_full of
  Process Mining: Data Science in Action, 2nd ed., 2016, ch. 8 (recalled, not seen here).

N1..N4, the four models of that lecture (same R script, slide pages 9, 18 and 29) and of the book's
§8.2 (recalled): N1 the full WF-net (c or b in parallel with d, loop through f); N2 a sequential
model (b|c, then d, e, then f back or g|h); N3 only a, c ∥ d, e, h; N4 a "flower" after a.
"""
from __future__ import annotations

from pathlib import Path

from server.audit.conformance.net import Net

ROOT = Path(__file__).resolve().parents[2]
KEMENPORA_BPMN = ROOT / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn"

L_FULL = [  # (trace, number of cases)
    ("acdeh", 455), ("abdeg", 191), ("adceh", 177), ("abdeh", 144), ("acdeg", 111), ("adceg", 82),
    ("adbeh", 56), ("acdefdbeh", 47), ("adbeg", 38), ("acdefbdeh", 33), ("acdefbdeg", 14),
    ("acdefdbeg", 11), ("adcefcdeh", 9), ("adcefdbeh", 8), ("adcefbdeg", 5), ("acdefbdefdbeg", 3),
    ("adcefdbeg", 2), ("adcefbdefbdeg", 2), ("adcefdbefbdeh", 1), ("adbefbdefdbeg", 1),
    ("adcefdbefcdefdbeg", 1),
]
TRACES = [list(trace) for trace, _ in L_FULL]
WEIGHTS = [count for _, count in L_FULL]


def _labelled(activities: str) -> dict[str, str]:
    return {a: a for a in activities}


def n1() -> Net:
    return Net.from_arcs(_labelled("abcdefgh"), [
        ("start", "a"), ("a", "p1"), ("a", "p2"), ("p1", "b"), ("p1", "c"), ("p2", "d"), ("b", "p3"),
        ("c", "p3"), ("d", "p4"), ("p3", "e"), ("p4", "e"), ("e", "p5"), ("p5", "f"), ("f", "p1"),
        ("f", "p2"), ("p5", "g"), ("p5", "h"), ("g", "end"), ("h", "end")], {"start": 1}, {"end": 1}, "N1")


def n2() -> Net:
    return Net.from_arcs(_labelled("abcdefgh"), [
        ("start", "a"), ("a", "p1"), ("p1", "b"), ("p1", "c"), ("b", "p2"), ("c", "p2"), ("p2", "d"),
        ("d", "p3"), ("p3", "e"), ("e", "p4"), ("p4", "f"), ("f", "p1"), ("p4", "g"), ("p4", "h"),
        ("g", "end"), ("h", "end")], {"start": 1}, {"end": 1}, "N2")


def n3() -> Net:
    return Net.from_arcs(_labelled("acdeh"), [
        ("start", "a"), ("a", "p1"), ("a", "p2"), ("p1", "c"), ("p2", "d"), ("c", "p3"), ("d", "p4"),
        ("p3", "e"), ("p4", "e"), ("e", "p5"), ("p5", "h"), ("h", "end")], {"start": 1}, {"end": 1}, "N3")


def n4() -> Net:
    return Net.from_arcs(_labelled("abcdefgh"), [
        ("start", "a"), ("a", "p1"), *[(x, y) for t in "bcdef" for x, y in (("p1", t), (t, "p1"))],
        ("p1", "g"), ("p1", "h"), ("g", "end"), ("h", "end")], {"start": 1}, {"end": 1}, "N4")


def kemenpora_steps(net: Net) -> list[str]:
    """The Kemenpora SOP's eight steps in SOP order (their ids start s01_..s08_)."""
    return sorted(net.labels)


def _bpmn(nodes: str, *flows: str) -> str:
    """A one-process diagram from its nodes ("kind:id", in document order) and its flows
    ("source>target"): the textbook models are only their shape."""
    elements = "".join(f'<{kind} id="{node}"/>' for kind, node in (n.split(":") for n in nodes.split()))
    flows_xml = "".join(f'<sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"/>'
                        for i, pair in enumerate(flows, 1) for s, t in [pair.split(">")])
    return ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="textbook">'
            f'<process id="compensation" isExecutable="true">{elements}{flows_xml}</process></definitions>')


# N1 drawn in BPMN: a, then (b or c) in parallel with d, e, then f (back before the split), g or h.
N1_BPMN = _bpmn(
    "startEvent:start task:a exclusiveGateway:again parallelGateway:split exclusiveGateway:examine userTask:b "
    "userTask:c exclusiveGateway:examined userTask:d parallelGateway:join userTask:e exclusiveGateway:decision "
    "userTask:f userTask:g userTask:h endEvent:paid endEvent:rejected",
    "start>a", "a>again", "again>split", "split>examine", "examine>b", "examine>c", "b>examined", "c>examined",
    "examined>join", "split>d", "d>join", "join>e", "e>decision", "decision>f", "f>again", "decision>g",
    "decision>h", "g>paid", "h>rejected")

# N2 drawn in BPMN: a, (b or c), d, e, then f (back before b|c), g or h; no concurrency.
N2_BPMN = _bpmn(
    "startEvent:start userTask:a exclusiveGateway:again exclusiveGateway:examine userTask:b userTask:c "
    "exclusiveGateway:examined userTask:d userTask:e exclusiveGateway:decision userTask:f userTask:g userTask:h "
    "endEvent:paid endEvent:rejected",
    "start>a", "a>again", "again>examine", "examine>b", "examine>c", "b>examined", "c>examined", "examined>d",
    "d>e", "e>decision", "decision>f", "f>again", "decision>g", "decision>h", "g>paid", "h>rejected")
