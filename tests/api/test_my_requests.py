"""GET /api/v1/instances?scope=started: what I started (Permohonan saya), newest first, with where
each stands; as the OpenAPI document describes it."""
from __future__ import annotations

import re

from server import demo

from .test_openapi import Conformance

KEY = "kemenpora_publikasi_media_sosial"


def _drive(alur, steps: int, title: str) -> int:
    alur.clock.advance(minutes=10)
    return int(re.search(r"#(\d+)", demo.drive(alur, KEY, steps, title=title)).group(1))


def test_my_started_instances_newest_first_with_where_they_stand(client, login, seeded):
    conforms = Conformance(client.get("/api/v1/openapi.json").get_json())
    done = _drive(seeded, 99, "Selesai dulu")
    waiting = _drive(seeded, 2, "Di langkah 3")
    fresh = _drive(seeded, 0, "Baru mulai")
    karo = login("kemenpora.karo")

    page = conforms("get", "/instances", karo.get("/instances?scope=started"))
    assert page["total"] == 3 and page["offset"] == 0
    assert [i["id"] for i in page["items"]] == [fresh, waiting, done]
    first, middle, last = page["items"]
    assert (first["status"], first["title"], first["process"]) == ("running", "Baru mulai", KEY)
    (now,) = first["current"]
    assert (now["element_id"], now["sop_no"], now["lane"]) == ("s01_disposisi_pembuatan_konten", "1",
                                                                "Kepala Biro Humas dan Umum")
    assert first["due_at"] == now["due_at"] and now["due_in"] == {"late": False, "minutes": 10}
    assert middle["current"][0]["lane"] == "Ketua Tim Publikasi"
    assert middle["current"][0]["due_in"] == {"late": False, "working_days": 1}
    assert last["status"] == "completed" and last["current"] == [] and last["ended_at"]
    assert last["end_event_name"] and last["due_at"] is None

    # Paged; the scope is "started" unless said; each user sees only what they started.
    second = conforms("get", "/instances", karo.get("/instances?limit=1&offset=1"))
    assert [i["id"] for i in second["items"]] == [waiting] and second["limit"] == 1
    assert conforms("get", "/instances", login("kemenpora.ketua").get("/instances?scope=started"))["items"] == []
    assert conforms("get", "/instances", login("dki.admin").get("/instances?scope=started"))["total"] == 0

    refused = conforms("get", "/instances", karo.get("/instances?scope=everything"))
    assert refused["error"] == "invalid_input"
    assert karo.get("/instances?limit=x").status_code == 422
    conforms("get", "/instances", client.get("/api/v1/instances"))  # 401 without a token
