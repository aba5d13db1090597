"""An SOP's versions through the API: the list with notes, one version's XML, deploying from the
modeler with a required note (422 with the findings on lint errors), activating an earlier
version (new instances start on it, running ones keep theirs), linting an XML body; hostile XML
refused on each route; nobody but the agency's Pemilik Proses."""
from __future__ import annotations

import io

import pytest

from server.files import samples
from server.work.services import attachments, instances
from tests.modeling.helpers import HOSTILE, KEMENPORA, KEY, XML, actor, oversized

OWNER = "kemenpora.pemilik"
V2 = KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")


def _deploy(user, data: bytes, note: str | None = "Waktu diperbarui"):
    return user.post(f"/processes/{KEY}/versions", json={"bpmn": data.decode("utf-8"), "note": note})


def _start(alur) -> int:
    karo = actor(alur, "kemenpora.karo")
    document = attachments.upload(alur, karo, io.BytesIO(samples.pdf()), "surat.pdf", agency="kemenpora")
    return instances.start(alur, karo, KEY, {"judul": "Publikasi", "asal_permohonan": "Internal",
                                             "dokumen_permohonan": [document["id"]]})["id"]


def test_versions_list_xml_and_a_deploy_with_its_note(login):
    owner = login(OWNER)
    listed = owner.get(f"/processes/{KEY}/versions").get_json()["items"]
    assert [v["version"] for v in listed] == [1] and listed[0]["active"] and listed[0]["note"] is None
    xml = owner.get(f"/processes/{KEY}/versions/1/bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml" and f'id="{KEY}"'.encode() in xml.data
    assert owner.get(f"/processes/{KEY}/versions/9/bpmn").status_code == 404

    deployed = _deploy(owner, V2)
    assert deployed.status_code == 201, deployed.get_json()
    body = deployed.get_json()
    assert body == {"key": KEY, "version": 2, "checksum": body["checksum"], "created": True}
    listed = owner.get(f"/processes/{KEY}/versions").get_json()["items"]
    assert [(v["version"], v["active"], v["note"]) for v in listed] == [(2, True, "Waktu diperbarui"), (1, False, None)]
    assert listed[0]["deployed_by"]["name"] and listed[0]["checksum"] == body["checksum"]
    assert b"<!-- v2 -->" in owner.get(f"/processes/{KEY}/versions/2/bpmn").data

    again = _deploy(owner, V2, note="sama")  # the same diagram: no new version
    assert again.status_code == 201 and again.get_json()["created"] is False and again.get_json()["version"] == 2


def test_a_deploy_needs_a_note_and_a_clean_lint(login):
    owner = login(OWNER)
    for note in (None, "", "   "):
        r = _deploy(owner, V2, note=note)
        assert r.status_code == 422 and "note" in r.get_json()["fields"], note
    bogus = KEMENPORA.replace(b'name="sop.waktu.kode" value="P1D"', b'name="sop.waktu.kode" value="BOGUS"', 1)
    assert bogus != KEMENPORA
    refused = _deploy(owner, bogus)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "diagram_rejected"
    assert "waktu-kode-invalid" in {f["code"] for f in body["findings"]}
    other = _deploy(owner, V2.replace(f'id="{KEY}"'.encode(), b'id="sop_lain"'))
    assert other.status_code == 422 and KEY in other.get_json()["message"]
    elsewhere = _deploy(owner, V2.replace(b'name="alur.agency" value="kemenpora"', b'name="alur.agency" value="bsip"'))
    assert elsewhere.status_code == 422
    assert [v["version"] for v in owner.get(f"/processes/{KEY}/versions").get_json()["items"]] == [1]


def test_a_deploy_as_multipart_with_its_note(login):
    owner = login(OWNER)
    r = owner.client.post(f"/api/v1/processes/{KEY}/versions", headers=owner.headers,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(V2), "sop.bpmn"), "note": "Unggah berkas"})
    assert r.status_code == 201 and r.get_json()["version"] == 2
    missing = owner.client.post(f"/api/v1/processes/{KEY}/versions", headers=owner.headers,
                                content_type="multipart/form-data", data={"file": (io.BytesIO(V2), "sop.bpmn")})
    assert missing.status_code == 422


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_xml_is_refused_by_deploy_and_by_lint(login, name):
    owner = login(OWNER)
    r = _deploy(owner, HOSTILE[name])
    assert r.status_code == 422 and r.get_json()["error"] == "diagram_rejected"
    multipart = owner.client.post(f"/api/v1/processes/{KEY}/versions", headers=owner.headers,
                                  content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(HOSTILE[name]), "sop.bpmn"), "note": "x"})
    assert multipart.status_code == 422
    linted = owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=HOSTILE[name])
    assert linted.status_code == 422 and linted.get_json()["error"] == "diagram_rejected"
    findings = linted.get_json()["findings"]  # with its finding: it never expands or fetches anything
    assert len(findings) == 1 and findings[0]["code"] in ("xml-unsafe", "xml-malformed")
    assert "root:" not in str(findings)  # /etc/passwd was not read
    assert [v["version"] for v in owner.get(f"/processes/{KEY}/versions").get_json()["items"]] == [1]


def test_oversized_xml_is_refused_by_deploy_and_lint(login):
    owner = login(OWNER)
    assert _deploy(owner, oversized()).status_code == 422
    too_big = oversized() + b" " * (2 * 1024 * 1024)
    assert owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=too_big).status_code == 413
    assert owner.client.post(f"/api/v1/processes/{KEY}/versions", headers=owner.headers,
                             json={"bpmn": too_big.decode(), "note": "x"}).status_code == 413


def test_lint_takes_an_xml_body_like_a_file(login):
    owner = login(OWNER)
    r = owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=KEMENPORA)
    assert r.status_code == 200 and r.get_json()["errors"] == 0
    bogus = KEMENPORA.replace(b'name="sop.waktu.kode" value="P1D"', b'name="sop.waktu.kode" value="BOGUS"', 1)
    found = owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=bogus).get_json()
    assert {"element_id", "severity", "code", "message_id", "message_en"} <= set(found["findings"][0])
    assert "waktu-kode-invalid" in {f["code"] for f in found["findings"]}
    assert login("kemenpora.karo").client.post("/api/v1/lint", headers={**login("kemenpora.karo").headers, **XML},
                                               data=KEMENPORA).status_code == 403


def test_activation_moves_the_active_flag_and_new_instances_follow(seeded, login):
    owner = login(OWNER)
    assert _deploy(owner, V2).status_code == 201
    on_v2 = _start(seeded)
    r = owner.post(f"/processes/{KEY}/versions/1/activate")
    assert r.status_code == 200 and r.get_json() == {"key": KEY, "version": 1, "active": True}
    listed = owner.get(f"/processes/{KEY}/versions").get_json()["items"]
    assert [(v["version"], v["active"]) for v in listed] == [(2, False), (1, True)]
    on_v1 = _start(seeded)
    karo = login("kemenpora.karo")
    assert karo.get(f"/instances/{on_v1}").get_json()["version"] == 1
    assert karo.get(f"/instances/{on_v2}").get_json()["version"] == 2  # running: keeps its own
    assert owner.post(f"/processes/{KEY}/versions/7/activate").status_code == 404
    assert owner.post(f"/processes/{KEY}/versions/1/activate").status_code == 200  # already active: no change
    assert [(v["version"], v["active"]) for v in owner.get(f"/processes/{KEY}/versions").get_json()["items"]] \
        == [(2, False), (1, True)]


@pytest.mark.parametrize("username", ["kemenpora.karo", "kemenpora.pengawas", "kemenpora.auditor",
                                      "kemenpora.admin_instansi", "bsip.pemilik"])
def test_only_the_agencys_process_owner(login, username):
    user = login(username)
    assert user.get(f"/processes/{KEY}/versions").status_code == 403
    assert user.get(f"/processes/{KEY}/versions/1/bpmn").status_code == 403
    assert user.post(f"/processes/{KEY}/versions/1/activate").status_code == 403
    assert _deploy(user, V2).status_code == 403
    assert user.get(f"/processes/{KEY}/diff?from=1&to=1").status_code == 403


def test_anonymous_is_401(client):
    assert client.get(f"/api/v1/processes/{KEY}/versions").status_code == 401
    assert client.post(f"/api/v1/processes/{KEY}/versions/1/activate").status_code == 401
    assert client.post(f"/api/v1/processes/{KEY}/versions", json={"bpmn": "x", "note": "y"}).status_code == 401


def test_answers_match_the_openapi_document(client, login):
    """What the new routes answer, success and refusal, is what the document describes."""
    from tests.api.test_openapi import Conformance

    conforms = Conformance(client.get("/api/v1/openapi.json").get_json())
    owner = login(OWNER)
    conforms("get", "/processes/{key}/versions", owner.get(f"/processes/{KEY}/versions"))
    conforms("post", "/processes/{key}/versions", _deploy(owner, V2))
    conforms("post", "/processes/{key}/versions", _deploy(owner, V2, note=""))
    bogus = KEMENPORA.replace(b'name="sop.waktu.kode" value="P1D"', b'name="sop.waktu.kode" value="BOGUS"', 1)
    assert conforms("post", "/processes/{key}/versions", _deploy(owner, bogus))["findings"]
    conforms("post", "/processes/{key}/versions/{n}/activate", owner.post(f"/processes/{KEY}/versions/1/activate"))
    conforms("get", "/processes/{key}/diff", owner.get(f"/processes/{KEY}/diff?from=1&to=2"))
    conforms("get", "/processes/{key}/diff", owner.get(f"/processes/{KEY}/diff?from=1"))
    etag = owner.get(f"/processes/{KEY}/draft").headers["ETag"]
    put = lambda tag: owner.client.put(f"/api/v1/processes/{KEY}/draft", data=V2,  # noqa: E731
                                       headers={**owner.headers, **XML, **({"If-Match": tag} if tag else {})})
    conforms("put", "/processes/{key}/draft", put(etag))
    assert conforms("put", "/processes/{key}/draft", put(etag))["saved_by"]["name"]
    conforms("put", "/processes/{key}/draft", put(None))
    conforms("post", "/processes", owner.post("/processes", json={"name": "SOP Baru", "lanes": ["Staf"]}))
    conforms("post", "/processes", owner.post("/processes", json={"name": "", "lanes": "Staf"}))
    conforms("post", "/processes", login("kemenpora.karo").post("/processes", json={"name": "X", "lanes": ["A"]}))
    conforms("post", "/lint", owner.client.post("/api/v1/lint", headers={**owner.headers, **XML}, data=V2))


def test_the_cli_deploy_keeps_a_note(seeded, tmp_path):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from server.app import create_app
    from server.cli import main

    app = create_app(alur=seeded)
    owner = actor(seeded, OWNER)
    for number, (content, args) in enumerate([(V2, ["--note", "Waktu baru dari rapat"]),
                                              (V2.replace(b"<!-- v2 -->", b"<!-- v3 -->"), [])], start=2):
        path = tmp_path / f"v{number}.bpmn"
        path.write_bytes(content)
        result = CliRunner().invoke(main, ["deploy", str(path), *args], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
    from server.modeling.services import versions
    notes = [v["note"] for v in versions.list_versions(seeded, owner, KEY)]
    assert notes == ["Diterapkan dari berkas v3.bpmn (alur deploy)", "Waktu baru dari rapat", None]
