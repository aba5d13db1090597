"""GET /api/v1/instances/{id} says where the tokens are (active_elements) and the path the
instance took (visits per element, flows_taken per sequence flow), as the OpenAPI document
describes it: a reject loop counts twice, an ended instance has no active element."""
from __future__ import annotations

from ..walking import do_open_task, start_kemenpora
from .test_openapi import Conformance

PATH = "/instances/{instance_id}"


def test_the_instance_answer_has_the_marks_of_its_path(client, login, seeded):
    conforms = Conformance(client.get("/api/v1/openapi.json").get_json())
    instance_id = start_kemenpora(seeded)
    pengawas, karo = login("kemenpora.pengawas"), login("kemenpora.karo")

    fresh = conforms("get", PATH, karo.get(f"/instances/{instance_id}"))
    assert fresh["active_elements"] == ["s01_disposisi_pembuatan_konten"]
    assert fresh["visits"] == {"mulai_permohonan": 1, "s01_disposisi_pembuatan_konten": 1}
    assert fresh["flows_taken"] == {"f_mulai_s01": 1}

    for _ in range(5):
        do_open_task(seeded, instance_id)
    do_open_task(seeded, instance_id, reject=True)  # step 6 sends it back to step 5
    looped = conforms("get", PATH, pengawas.get(f"/instances/{instance_id}"))
    assert looped["active_elements"] == ["s05_sampaikan_hasil_produksi"]
    assert looped["visits"]["s05_sampaikan_hasil_produksi"] == 2 and looped["visits"]["g06_disetujui"] == 1
    assert looped["flows_taken"]["f_g06_s05"] == 1 and looped["flows_taken"]["f_s05_s06"] == 1
    assert all(isinstance(n, int) and n >= 1 for n in [*looped["visits"].values(), *looped["flows_taken"].values()])

    while do_open_task(seeded, instance_id) != "s08_publikasi_dan_laporan":
        pass
    ended = conforms("get", PATH, pengawas.get(f"/instances/{instance_id}"))
    assert ended["status"] == "completed" and ended["active_elements"] == []
    assert ended["visits"]["selesai_dipublikasikan"] == 1 and ended["flows_taken"]["f_s05_s06"] == 2
