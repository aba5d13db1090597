"""Embedding forms/ files into a diagram: what deploy stores (server/sop/embedded_forms.py)."""
from __future__ import annotations

import json
from pathlib import Path

from server.engine import safe_xml
from server.formschema import FormCatalog
from server.modeling.embedding import with_forms_embedded
from server.modeling.lint import lint
from server.sop import ALUR, embedded_forms, form_filename, form_text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "bpmn" / "004_dki_ksd_pengelolaan_media_sosial.bpmn"
PID = "dki_ksd_pengelolaan_media_sosial"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _process(data: bytes):
    return safe_xml.parse_bpmn(data).find(f"{{{BPMN}}}process")


def test_every_named_form_is_embedded_and_its_filename_dropped():
    forms = FormCatalog(ROOT / "forms")
    raw = SEED.read_bytes()
    named = {el.get("id"): form_filename(el) for el in _process(raw) if isinstance(el.tag, str) and form_filename(el)}
    assert len(named) > 3
    embedded = with_forms_embedded(raw, forms)
    root = safe_xml.parse_bpmn(embedded)
    assert root.nsmap["alur"] == ALUR and root.nsmap["bpmn"] == BPMN  # declared on bpmn:definitions
    process = root.find(f"{{{BPMN}}}process")
    assert embedded_forms(process) == {eid: forms.get(path) for eid, path in named.items()}
    assert not [el for el in process if isinstance(el.tag, str) and form_filename(el)]
    text = form_text(process.find(f"*[@id='{next(iter(named))}']"))
    assert text.startswith("{\n  ") and "\\u" not in text  # pretty, Indonesian text as it is
    # embedding again changes nothing; a diagram without forms is returned as it came
    assert with_forms_embedded(embedded, forms) == embedded
    assert lint(embedded, SEED.name, None) == lint(embedded, SEED.name, forms)


def test_a_file_that_cannot_be_used_stays_named_for_the_lint(tmp_path):
    own = tmp_path / "forms"
    (own / PID).mkdir(parents=True)
    for path in (ROOT / "forms" / PID).glob("*.json"):
        (own / PID / path.name).write_bytes(path.read_bytes())
    broken = own / PID / "s05_setujui_konten.schema.json"
    broken.write_text(json.dumps({"type": "object", "properties": {"catatan": {"type": 12}}}))
    embedded = with_forms_embedded(SEED.read_bytes(), FormCatalog(own))
    process = _process(embedded)
    task = process.find("*[@id='s05_setujui_konten']")
    assert form_text(task) is None and form_filename(task) == f"{PID}/s05_setujui_konten.schema.json"
    findings = [(f.code, f.element_id) for f in lint(embedded, SEED.name, FormCatalog(own)) if f.severity == "error"]
    assert findings == [("form-invalid", "s05_setujui_konten")]
