"""The seed diagrams as the real engine sees them.

Every structural rule of docs/authoring-sops.md (lanes, ids, layout, forms, SOP rows, decisions,
Waktu codes, deadline timers, expressions) is a rule of the SOP lint, server/modeling/lint.py:
tests/modeling/test_lint.py checks that every seed lints without a finding and that each rule
catches its mistake. What stays here is the one check the lint leaves to the engine at run time:
SpiffWorkflow itself parses and instantiates each diagram.
"""
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from server.engine.safe_xml import parse_bpmn

BPMN_FILES = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])
def test_spiffworkflow_parses_and_instantiates(path):
    """Parse like the server does; BpmnWorkflow() catches what parsing lets through (ids Start/End)."""
    root = parse_bpmn(path.read_bytes())
    (process_id,) = [p.get("id") for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
                     if p.get("isExecutable") == "true"]
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename=path.name)
    BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
