"""The OpenAPI document describes every route of /api/v1, and only those, with the answers every
route of its kind gives; and what the server sends on a real walk through an SOP is what the
document says (tests/api/test_schemathesis.py fuzzes the rest)."""
from __future__ import annotations

import io
import re
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from server.files import samples
from server.formschema.samples import sample_submission


def test_every_api_route_is_described(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    described = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == served
    for path, ops in doc["paths"].items():
        for op in ops.values():
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert params == set(re.findall(r"{(\w+)}", path)), path


def test_every_operation_lists_the_answers_of_its_kind(client):
    """401 unless public; 400 everywhere (the request guard); 404 with a path parameter; 400, 413
    and 422 where it takes a body; every error answer is the Error object."""
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where, codes = f"{method.upper()} {path}", set(op["responses"])
            public = op.get("security", doc["security"]) == []
            assert public or "401" in codes, where
            assert "400" in codes, where
            if "{" in path:
                assert "404" in codes, where
            if "requestBody" in op:
                assert {"400", "413", "422"} <= codes, where
            assert any(c.startswith("2") for c in codes), where
            for code, response in op["responses"].items():
                if code[0] in "45":
                    assert response["content"]["application/json"]["schema"] == \
                        {"$ref": "#/components/schemas/Error"}, f"{where} {code}"


class Conformance:
    """Validates a response body against what the document says for its operation and status."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.registry = Registry().with_resource("urn:alur-api", Resource(contents=doc, specification=DRAFT202012))

    def __call__(self, method: str, path: str, response) -> dict:
        op = self.doc["paths"][path][method]
        answer = op["responses"].get(str(response.status_code))
        assert answer is not None, f"{method.upper()} {path} answered {response.status_code}, not documented"
        body = response.get_json()
        pointer = "/".join(["#/paths", path.replace("~", "~0").replace("/", "~1"), method, "responses",
                            str(response.status_code), "content", "application~1json", "schema"])
        validator = Draft202012Validator({"$ref": f"urn:alur-api{pointer}"}, registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, f"{method.upper()} {path} {response.status_code}: " + \
            "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        return body


def test_answers_on_a_real_walk_match_the_document(client, login, seeded):
    conforms = Conformance(client.get("/api/v1/openapi.json").get_json())
    token = client.post("/api/v1/auth/token", json={"username": "kemenpora.karo", "password": "salah-sandi"})
    conforms("post", "/auth/token", token)
    karo, pj = login("kemenpora.karo"), login("kemenpora.pj")
    conforms("get", "/me", karo.get("/me"))
    conforms("get", "/processes", karo.get("/processes"))

    r = karo.client.post("/api/v1/attachments", headers=karo.headers,
                         data={"file": (io.BytesIO(samples.pdf()), "surat.pdf")},
                         content_type="multipart/form-data")
    doc_id = conforms("post", "/attachments", r)["id"]
    download = karo.get(f"/attachments/{doc_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    conforms("get", "/attachments/{attachment_id}", karo.get("/attachments/nope"))

    key = "kemenpora_publikasi_media_sosial"
    refused = karo.post(f"/processes/{key}/instances", json={"data": {"asal_permohonan": "Internal"}})
    assert refused.status_code == 422 and conforms("post", "/processes/{key}/instances", refused)["fields"]
    started = conforms("post", "/processes/{key}/instances", karo.post(f"/processes/{key}/instances", json={
        "data": {"judul": "Publikasi HUT RI", "asal_permohonan": "Internal", "dokumen_permohonan": [doc_id]}}))
    instance = conforms("get", "/instances/{instance_id}", karo.get(f"/instances/{started['id']}"))
    assert instance["open_tasks"]
    conforms("get", "/instances/{instance_id}", pj.get("/instances/999999"))

    task_id = started["open_tasks"][0]["id"]
    page = conforms("get", "/tasks", karo.get("/tasks?scope=claimable"))
    assert [t["id"] for t in page["items"]] == [task_id]
    conforms("get", "/tasks", karo.get("/tasks?scope=everything"))
    task = conforms("get", "/tasks/{task_id}", karo.get(f"/tasks/{task_id}"))
    conforms("post", "/tasks/{task_id}/claim", karo.post(f"/tasks/{task_id}/claim"))
    conforms("post", "/tasks/{task_id}/claim", pj.post(f"/tasks/{task_id}/claim"))
    conforms("post", "/tasks/{task_id}/release", karo.post(f"/tasks/{task_id}/release"))
    conforms("post", "/tasks/{task_id}/complete", karo.post(f"/tasks/{task_id}/complete", json={"data": {}}))
    conforms("post", "/tasks/{task_id}/complete", karo.post(f"/tasks/{task_id}/complete", data="{",
                                                            content_type="application/json"))
    data = sample_submission(task["form"], files=lambda accept, n: [doc_id] * n)
    done = conforms("post", "/tasks/{task_id}/complete", karo.post(f"/tasks/{task_id}/complete", json={"data": data}))
    assert done["instance"]["open_tasks"]
    conforms("post", "/tasks/{task_id}/complete", karo.post(f"/tasks/{task_id}/complete", json={"data": data}))
    conforms("get", "/notifications", karo.get("/notifications"))
    conforms("get", "/me", client.get("/api/v1/me"))


def test_answers_of_the_modeling_routes_match_the_document(client, login):
    conforms = Conformance(client.get("/api/v1/openapi.json").get_json())
    owner = login("kemenpora.pemilik")
    diagram = (Path(__file__).resolve().parents[2] / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn").read_bytes()

    def send(path: str, data: bytes, user=owner):
        return user.client.post(f"/api/v1{path}", headers=user.headers, content_type="multipart/form-data",
                                data={"file": (io.BytesIO(data), "sop.bpmn")})

    assert conforms("post", "/lint", send("/lint", diagram))["errors"] == 0
    conforms("post", "/lint", send("/lint", b"<bukan-bpmn/>"))
    conforms("post", "/lint", send("/lint", diagram, user=login("kemenpora.karo")))
    changed = diagram.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    assert conforms("post", "/deployments", send("/deployments", changed))["items"][0]["created"] is True
    refused = conforms("post", "/deployments", send("/deployments", b"<bukan-bpmn/>"))
    assert refused["error"] == "diagram_rejected"
