"""Cases for the conformance report's tests: Kemenpora instances walked by named people, moved
by its Pengawas, late by a known working time, and small logs to upload."""
from __future__ import annotations

from sqlalchemy import func, select

from server.audit.services import official, report
from server.kernel import accounts
from server.models import Agency, Attachment, AuditEvent, ElementVisit, HumanTask, ProcessInstance, User
from server.monitoring.services import moving, steering

from ..walking import KEMENPORA, actor, complete_as, do_open_task, open_task, start_kemenpora

S = {n: f"s0{n}_" + rest for n, rest in enumerate(
    ["", "disposisi_pembuatan_konten", "perintahkan_pembahasan_konsep", "bahas_konsep_konten", "produksi_konten",
     "sampaikan_hasil_produksi", "putuskan_persetujuan", "perintahkan_publikasi", "publikasi_dan_laporan"])}
NAMES = {1: "Mendisposisi pembuatan konten", 2: "Memerintahkan koordinasi dan pembahasan konsep konten",
         3: "Melakukan pembahasan konsep konten", 4: "Mengidentifikasi kebutuhan dan memproduksi konten",
         5: "Menyampaikan hasil produksi konten untuk persetujuan", 6: "Memutuskan persetujuan konten",
         7: "Memerintahkan publikasi di media sosial", 8: "Melakukan publikasi di media sosial dan pelaporan"}
LANES = {"karo": "Kepala Biro Humas dan Umum", "pj": "Penanggungjawab Bidang Kehumasan",
         "ketua": "Ketua Tim Publikasi", "anggota": "Anggota Tim Publikasi"}
BACK = "Konsep perlu dibahas ulang bersama Biro Hukum"
FORWARD = "Produksi dan persetujuan sudah dilakukan di luar Alur"
CANCEL = "Permohonan ditarik oleh pemohon"


def forget() -> None:
    """Version ids repeat across tests (the database is emptied): the report's caches go too."""
    official.forget()
    report.forget()


def run(alur, instance_id: int, steps: int) -> None:
    for _ in range(steps):
        do_open_task(alur, instance_id)


def completed_case(alur, title: str = "Publikasi Hari Olahraga Nasional") -> int:
    instance_id = start_kemenpora(alur, title)
    run(alur, instance_id, 8)
    return instance_id


def moved_back_and_forth(alur, title: str = "Publikasi Sumpah Pemuda") -> int:
    """Steps 1-5 done; at step 6 the Pengawas moves it back to step 3, which is done; then forward
    to step 6 (skipping 4 and 5 the second time); then 6, 7, 8. Completed steps:
    1 2 3 4 5 3 6 7 8."""
    pengawas = actor(alur, "kemenpora.pengawas")
    instance_id = start_kemenpora(alur, title)
    run(alur, instance_id, 5)
    alur.clock.advance(minutes=5)
    moving.move(alur, pengawas, instance_id, S[3], BACK)
    run(alur, instance_id, 1)
    alur.clock.advance(minutes=5)
    moving.move(alur, pengawas, instance_id, S[6], FORWARD)
    run(alur, instance_id, 3)
    return instance_id


def cancelled_case(alur, title: str = "Publikasi Lomba Dayung") -> int:
    instance_id = start_kemenpora(alur, title)
    run(alur, instance_id, 2)
    steering.cancel(alur, actor(alur, "kemenpora.pengawas"), instance_id, CANCEL)
    return instance_id


def new_member(alur, username: str, name: str, lanes: list[str] = ()) -> int:
    """A Kemenpora user whose lanes are given outside the audit trail (as `alur demo` does)."""
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, alur.clock.now(), username, name, password_hash="x")
        accounts.add_member(s, user.id, agency_id, list(lanes))
        return user.id


def counts(alur) -> dict:
    """Rows of every table a report might be tempted to write."""
    with alur.db.transaction() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                for model in (ProcessInstance, HumanTask, AuditEvent, ElementVisit, Attachment, User)}


def csv_log(rows: list[tuple]) -> bytes:
    """case,activity,timestamp,resource[,role] rows as a CSV file."""
    width = max(len(r) for r in rows)
    head = ["case", "activity", "timestamp", "resource", "role"][:width]
    lines = [",".join(head)] + [",".join(f'"{v}"' for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


__all__ = ["KEMENPORA", "S", "NAMES", "LANES", "BACK", "FORWARD", "CANCEL", "forget", "complete_as", "run",
           "completed_case", "moved_back_and_forth", "cancelled_case", "new_member", "counts", "csv_log",
           "actor", "do_open_task", "open_task", "start_kemenpora"]
