"""The OpenAPI document describes every route of /api/v1, and only those."""
from __future__ import annotations

import re


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
