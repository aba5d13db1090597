"""The path an instance took, kept by Alur (the engine forgets its history): each element reached
and the flow it came by, a reject loop counted twice."""
from __future__ import annotations

from sqlalchemy import select

from server.kernel import trail
from server.models import ProcessInstance

from ..walking import do_open_task, start_kemenpora


def _trail(alur, instance_id):
    with alur.db.transaction() as s:
        status = s.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance_id))
        return status, trail.visits(s, instance_id), trail.flows_taken(s, instance_id), trail.passages(s, instance_id)


def test_a_reject_loop_is_counted_on_its_elements_and_flows(seeded):
    instance_id = start_kemenpora(seeded)
    status, visits, flows, passages = _trail(seeded, instance_id)
    assert visits == {"mulai_permohonan": 1, "s01_disposisi_pembuatan_konten": 1}
    assert flows == {"f_mulai_s01": 1}
    assert [p["element_id"] for p in passages] == ["mulai_permohonan", "s01_disposisi_pembuatan_konten"]

    done = [do_open_task(seeded, instance_id) for _ in range(5)]  # s01 .. s05
    assert done[-1] == "s05_sampaikan_hasil_produksi"
    assert do_open_task(seeded, instance_id, reject=True) == "s06_putuskan_persetujuan"  # back to s05
    while _trail(seeded, instance_id)[0] == "running":
        do_open_task(seeded, instance_id)

    status, visits, flows, passages = _trail(seeded, instance_id)
    assert status == "completed"
    assert visits["s05_sampaikan_hasil_produksi"] == 2 and visits["s06_putuskan_persetujuan"] == 2
    assert visits["g06_disetujui"] == 2 and visits["s04_produksi_konten"] == 1
    assert visits["selesai_dipublikasikan"] == 1
    assert flows["f_g06_s05"] == 1 and flows["f_s05_s06"] == 2 and flows["f_g06_s07"] == 1
    assert flows["f_s08_selesai"] == 1
    order = [p["element_id"] for p in passages]
    assert order.index("g06_disetujui") < order.index("s07_perintahkan_publikasi")
    assert order[-1] == "selesai_dipublikasikan"
