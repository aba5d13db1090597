"""Checking every expression of a BPMN diagram at deploy time, naming the element."""
from __future__ import annotations

import re
from typing import Iterable

from lxml import etree

from server.errors import ExpressionRejected

from .checker import _compiled

# ---------------------------------------------------------------------------------------------
# Deploy-time check of a whole diagram.

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# (namespace, local name, mode): elements whose text SpiffWorkflow evaluates.
_EXPRESSION_ELEMENTS = (
    (_BPMN, "conditionExpression", "eval"),
    (_BPMN, "condition", "eval"),
    (_BPMN, "timeDuration", "eval"),
    (_BPMN, "timeDate", "eval"),
    (_BPMN, "timeCycle", "eval"),
    (_BPMN, "loopCardinality", "eval"),
    (_BPMN, "completionCondition", "eval"),
    (_BPMN, "loopCondition", "eval"),
    (_BPMN, "messagePath", "eval"),
    (_SPIFF, "messagePayload", "eval"),
    (_SPIFF, "expression", "eval"),
    (_BPMN, "script", "exec"),
    (_SPIFF, "preScript", "exec"),
    (_SPIFF, "postScript", "exec"),
)
_TAGS = {f"{{{ns}}}{name}": mode for ns, name, mode in _EXPRESSION_ELEMENTS}
_TIMER_TAGS = {f"{{{_BPMN}}}{name}" for name in ("timeDuration", "timeDate", "timeCycle")}
# An ISO 8601 duration, date or cycle written without quotes: valid Python (a name, or a
# division of names) that only fails when the timer is reached.
_BARE_ISO = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}\S*)(/\S*)?$")
_PREFIX = {_BPMN: "bpmn", _SPIFF: "spiffworkflow"}


def check_diagram_expressions(root: etree._Element, functions: Iterable[str] | None = None) -> None:
    """Validate every expression and script of a parsed diagram before it is deployed.

    Raises ExpressionRejected naming the element (id and name) and the refused construct.
    With `functions`, calls to functions Alur does not register are refused as well.
    """
    for el in root.iter(etree.Element):
        mode = _TAGS.get(el.tag)
        if mode is None:
            if el.tag == f"{{{_BPMN}}}formalExpression" and _parent_local(el) == \
                    "correlationPropertyRetrievalExpression":
                mode = "eval"
            elif el.tag == f"{{{_SPIFF}}}parameter" and el.get("value"):
                _check_one(el, el.get("value"), "eval", functions)
                continue
            else:
                continue
        text = el.text or ""
        if el.tag in _TIMER_TAGS and _BARE_ISO.match(text.strip()):
            _refuse_element(el, ExpressionRejected(
                f"Ekspresi ditolak: nilai timer {text.strip()} harus diberi tanda kutip, "
                f"misalnya \"{text.strip()}\".",
                f"Expression rejected: the timer value {text.strip()} must be quoted, "
                f"e.g. \"{text.strip()}\".", construct="timer", source=text.strip()))
        if text.strip():
            _check_one(el, text, mode, functions)


def _check_one(el: etree._Element, text: str, mode: str, functions: Iterable[str] | None) -> None:
    try:
        _compiled(text, mode, functions)
    except ExpressionRejected as exc:
        _refuse_element(el, exc)


def _refuse_element(el: etree._Element, exc: ExpressionRejected) -> None:
    """Raise `exc` again, saying which diagram element holds the refused expression."""
    owner = _owner(el)
    qname = etree.QName(el)
    tag = f"{_PREFIX.get(qname.namespace, '')}:{qname.localname}".lstrip(":")
    el_id = owner.get("id") if owner is not None else None
    name = owner.get("name") if owner is not None else None
    named = f"\"{el_id}\"" + (f" ({name})" if name else "")
    raise ExpressionRejected(
        f"Diagram ditolak: {tag} pada elemen {named if el_id else 'tanpa id'}: {exc.message_id}",
        f"Diagram rejected: {tag} of element {named if el_id else 'without id'}: {exc.message_en}",
        element_id=el_id, element=tag, **exc.detail,
    ) from None


def _parent_local(el: etree._Element) -> str | None:
    parent = el.getparent()
    return etree.QName(parent).localname if parent is not None else None


def _owner(el: etree._Element) -> etree._Element | None:
    """The element a process owner knows: the nearest flow, event, task or process with an id."""
    first = None
    node = el
    while node is not None:
        if isinstance(node.tag, str) and node.get("id"):
            local = etree.QName(node).localname
            if first is None:
                first = node
            if not local.endswith(("EventDefinition", "LoopCharacteristics", "Expression")):
                return node
        node = node.getparent()
    return first
