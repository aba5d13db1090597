"""The read-only pages without a browser: one version with its SOP rows, and the diff of two
with its changed properties rendered by the server (the diagrams are the bundle's enhancement);
the page configuration for the bundle is JSON data, never inline script."""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from server.modeling.services import versions
from tests.conftest import PageClient
from tests.modeling.helpers import KEMENPORA, KEY, actor

OWNER = "kemenpora.pemilik"
TASK = "s02_perintahkan_pembahasan_konsep"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@pytest.fixture
def owner(app):
    return PageClient(app, OWNER)


def _second_version(alur):
    """Version 2: task 2's Waktu in words changes, and task 1 gets a new name."""
    root = etree.fromstring(KEMENPORA)
    for prop in root.iterfind(f".//bpmn:userTask[@id='{TASK}']//spiffworkflow:property[@name='sop.waktu']", NS):
        prop.set("value", "15 menit")
    root.find(".//bpmn:userTask[@id='s01_disposisi_pembuatan_konten']", NS).set("name", "Mendisposisi konten")
    versions.deploy(alur, actor(alur, OWNER), KEY, etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                    "Waktu langkah 2: 15 menit.")


def _config(html: str, element_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_a_version_page_lists_its_sop_rows_and_configures_the_viewer(owner):
    page = owner.get(f"/model/kemenpora/{KEY}/versions/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r'<tr data-element-id="([^"]+)">', html)
    assert rows[:2] == ["s01_disposisi_pembuatan_konten", TASK] and len(rows) == 8
    assert "Mendisposisi pembuatan konten (Internal dan Eksternal Kemenpora)" in html and "10 menit" in html
    config = _config(html, "viewer-config")
    assert config["urls"]["bpmn"] == f"/api/v1/processes/{KEY}/versions/1/bpmn?agency=kemenpora"
    assert config["lang"] == "id" and config["version"] == 1
    assert 'data-alur-mount="viewer"' in html and "<script>" not in html and " style=" not in html
    bpmn = owner.get(config["urls"]["bpmn"])
    assert bpmn.status_code == 200 and b'id="s01_disposisi_pembuatan_konten"' in bpmn.data


def test_a_missing_version_is_404(owner):
    assert owner.get(f"/model/kemenpora/{KEY}/versions/9").status_code == 404
    assert owner.get("/model/kemenpora/tidak_ada/versions/1").status_code == 404


def test_the_diff_page_lists_changed_properties_latest_against_the_one_before(owner, seeded):
    _second_version(seeded)
    page = owner.get(f"/model/kemenpora/{KEY}/diff")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Perubahan dari versi 1 ke versi 2" in html
    assert "0 ditambah, 0 dihapus, 2 diubah" in html
    entry = re.search(rf'<tbody class="alur-diff-entry alur-diff-changed" data-element-id="{TASK}".*?</tbody>', html, re.S)
    assert entry and "sop.waktu" in entry.group(0) and "10 menit" in entry.group(0) and "15 menit" in entry.group(0)
    assert "Mendisposisi konten" in html and "Nama" in html
    config = _config(html, "diff-config")
    assert (config["from"], config["to"]) == (1, 2)
    assert config["urls"]["diff"] == f"/api/v1/processes/{KEY}/diff?agency=kemenpora&from=1&to=2"
    api = owner.get(config["urls"]["diff"]).get_json()
    assert {c["id"] for c in api["changed"]} == {TASK, "s01_disposisi_pembuatan_konten"}


def test_the_diff_page_in_english_and_of_one_version_against_itself(owner):
    owner.post("/akun", "/bahasa", {"lang": "en"})
    html = owner.get(f"/model/kemenpora/{KEY}/diff").get_data(as_text=True)
    assert "Changes from version 1 to version 1" in html and "No differences between these versions." in html
    assert owner.get(f"/model/kemenpora/{KEY}/diff?from=1&to=7").status_code == 404
