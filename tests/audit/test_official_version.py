"""The process owner marks the signed version ("resmi") that auditors compare with: one per SOP,
the mark moving in one statement, audited; nobody else may mark it; with none marked the active
version stands in."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from server.kernel import versions
from server.models import AuditEvent, ProcessModel, ProcessVersion

ROOT = Path(__file__).resolve().parents[2]
KEY = "kemenpora_publikasi_media_sosial"
KEMENPORA = (ROOT / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn").read_bytes()


def _deploy_second(owner) -> None:
    changed = KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    sent = owner.client.post("/api/v1/deployments", headers=owner.headers, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(changed), "sop.bpmn")})
    assert sent.status_code == 201, sent.get_json()


def _official(alur) -> tuple[int | None, list[bool]]:
    with alur.db.transaction() as s:
        model_id = s.scalar(select(ProcessModel.id).where(ProcessModel.key == KEY))
        marks = s.scalars(select(ProcessVersion.official).where(ProcessVersion.process_model_id == model_id)
                          .order_by(ProcessVersion.version)).all()
        chosen = versions.official_version_id(s, model_id)
        return s.scalar(select(ProcessVersion.version).where(ProcessVersion.id == chosen)), marks


def test_the_owner_marks_the_official_version_and_the_mark_moves(login, seeded):
    owner = login("kemenpora.pemilik")
    _deploy_second(owner)
    assert _official(seeded) == (2, [False, False])  # none marked: the active version stands in
    marked = owner.post(f"/processes/{KEY}/versions/1/official")
    assert marked.status_code == 200 and marked.get_json()["official"] is True
    assert _official(seeded) == (1, [True, False])
    items = owner.get(f"/processes/{KEY}/versions").get_json()["items"]
    assert [(v["version"], v["active"], v["official"]) for v in items] == [(2, True, False), (1, False, True)]
    assert owner.post(f"/processes/{KEY}/versions/2/official").status_code == 200
    assert _official(seeded) == (2, [False, True])
    with seeded.db.transaction() as s:
        events = s.execute(select(AuditEvent.before, AuditEvent.after)
                           .where(AuditEvent.action == "process.marked_official").order_by(AuditEvent.id)).all()
    assert [(e.before["version"], e.after["version"]) for e in events] == [(None, 1), (1, 2)]


def test_only_the_process_owner_marks_and_an_unknown_version_is_404(login, seeded):
    for username in ("kemenpora.pengawas", "kemenpora.auditor", "inspektorat", "kemenpora.karo", "bsip.pemilik"):
        answer = login(username).post(f"/processes/{KEY}/versions/1/official")
        assert answer.status_code == 403, (username, answer.status_code)
    assert login("kemenpora.pemilik").post(f"/processes/{KEY}/versions/9/official").status_code == 404
    assert _official(seeded) == (1, [False])
