"""Fixtures the conformance tests share: the Kemenpora seed diagram as a net, and its steps in
SOP order (replay and alignment make their deviations from the same run)."""
from __future__ import annotations

import pytest

from server.audit.conformance.petri import net_from_bpmn
from tests.audit.textbook import KEMENPORA_BPMN, kemenpora_steps


@pytest.fixture(scope="module")
def kemenpora():
    return net_from_bpmn(KEMENPORA_BPMN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps(kemenpora):
    return kemenpora_steps(kemenpora)
