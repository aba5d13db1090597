"""Process owners lint and deploy diagrams through the API; nobody else may, and a diagram with
lint errors is refused with each element id, deploying nothing."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEMENPORA = (ROOT / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn").read_bytes()
TASK = b'name="sop.waktu.kode" value="PT2H"'


def _send(user, path: str, data: bytes, name: str = "sop.bpmn", agency: str | None = None):
    form = {"file": (io.BytesIO(data), name)}
    if agency:
        form["agency"] = agency
    return user.client.post(f"/api/v1{path}", headers=user.headers, data=form, content_type="multipart/form-data")


def _versions(user) -> dict:
    return {p["key"]: p["version"] for p in user.get("/processes").get_json()["items"]}


def test_a_process_owner_lints_and_deploys_a_new_version(login):
    owner = login("kemenpora.pemilik")
    linted = _send(owner, "/lint", KEMENPORA)
    assert linted.status_code == 200 and linted.get_json()["errors"] == 0
    changed = KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    deployed = _send(owner, "/deployments", changed)
    assert deployed.status_code == 201, deployed.get_json()
    assert deployed.get_json()["items"][0]["version"] == 2
    assert _versions(owner)["kemenpora_publikasi_media_sosial"] == 2


def test_a_diagram_with_lint_errors_is_refused_with_its_element_ids(login):
    owner = login("kemenpora.pemilik")
    assert KEMENPORA.count(b'name="sop.waktu.kode" value="') > 1
    bogus = KEMENPORA.replace(b'name="sop.waktu.kode" value="P1D"', b'name="sop.waktu.kode" value="BOGUS"', 1)
    assert bogus != KEMENPORA
    linted = _send(owner, "/lint", bogus).get_json()
    bad = [f for f in linted["findings"] if f["code"] == "waktu-kode-invalid"]
    assert linted["errors"] >= 1 and bad and bad[0]["element_id"]
    refused = _send(owner, "/deployments", bogus)
    assert refused.status_code == 422
    body = refused.get_json()
    assert bad[0]["element_id"] in body["message"]
    assert {f["element_id"] for f in body["detail"]["findings"]} >= {bad[0]["element_id"]}
    assert _versions(owner)["kemenpora_publikasi_media_sosial"] == 1


@pytest.mark.parametrize("change,code,element", [
    ((b'targetRef="s07_perintahkan_publikasi" name="Ya"', b'targetRef="s07_perintahkan_publikasi"'),
     "gateway-flow-unnamed", "f_g06_s07"),
    ((b"<bpmn:flowNodeRef>s04_produksi_konten</bpmn:flowNodeRef>", b""), "task-outside-lane", "s04_produksi_konten"),
])
def test_an_unlabelled_decision_or_a_task_outside_the_lanes_is_refused(login, change, code, element):
    owner = login("kemenpora.pemilik")
    assert KEMENPORA.count(change[0]) == 1
    refused = _send(owner, "/deployments", KEMENPORA.replace(*change))
    assert refused.status_code == 422
    body = refused.get_json()
    assert (code, element) in {(f["code"], f["element_id"]) for f in body["detail"]["findings"]}
    assert element in body["message"]
    assert _versions(owner)["kemenpora_publikasi_media_sosial"] == 1


def test_only_a_process_owner_of_the_agency_deploys(login):
    changed = KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    for username in ("kemenpora.karo", "kemenpora.pengawas", "kemenpora.auditor", "kemenpora.admin_instansi"):
        assert _send(login(username), "/deployments", changed).status_code == 403, username
        assert _send(login(username), "/lint", changed).status_code == 403, username
    other = login("bsip.pemilik")  # a process owner, of another agency
    assert _send(other, "/deployments", changed).status_code == 403
    assert _send(other, "/deployments", changed, agency="kemenpora").status_code == 403
    assert _versions(login("kemenpora.pemilik"))["kemenpora_publikasi_media_sosial"] == 1


def test_a_deploy_without_a_file_says_so(login):
    owner = login("kemenpora.pemilik")
    r = owner.client.post("/api/v1/deployments", headers=owner.headers, data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.get_json()["fields"]
