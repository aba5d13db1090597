"""An SOP's versions: the list, one version's XML, deploying a new one from the modeler (with a
change note) and making an earlier one active again. Versions never change once deployed;
running instances keep the version they started on, new ones start on the active one."""
from __future__ import annotations

from sqlalchemy import case, select, update

from ...deadlines import timers
from ...errors import InvalidInput, NotFound
from ...kernel import audit
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.versions import version_info
from ...models import ProcessVersion, User
from ..lint_rules import BPMN, properties
from . import deployment, diagrams
from .lookup import owned_model

NOTE_MAX = 2000


def list_versions(alur: Alur, actor: Actor, key: str, agency: str | None = None) -> list[dict]:
    """Newest first: number, checksum, note, active, official (the signed one), when and by whom."""
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        rows = s.execute(select(ProcessVersion.version, ProcessVersion.checksum, ProcessVersion.note,
                                ProcessVersion.active, ProcessVersion.official, ProcessVersion.deployed_at,
                                ProcessVersion.deployed_by_id,
                                User.display_name)
                         .outerjoin(User, User.id == ProcessVersion.deployed_by_id)
                         .where(ProcessVersion.process_model_id == model.id)
                         .order_by(ProcessVersion.version.desc())).all()
    return [{"version": r.version, "checksum": r.checksum, "note": r.note, "active": bool(r.active),
             "official": bool(r.official), "deployed_at": r.deployed_at.isoformat(),
             "deployed_by": {"id": r.deployed_by_id, "name": r.display_name} if r.deployed_by_id else None}
            for r in rows]


def version_xml(alur: Alur, actor: Actor, key: str, number: int, agency: str | None = None) -> str:
    """The version's diagram as deployed (its forms embedded)."""
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        return find_version(s, model.id, key, number).bpmn_xml


def find_version(s, model_id: int, key: str, number: int) -> ProcessVersion:
    """Version `number` of the model (404 when it has none)."""
    version = s.scalar(select(ProcessVersion).where(ProcessVersion.process_model_id == model_id,
                                                    ProcessVersion.version == number))
    if version is None:
        raise NotFound(f"SOP '{key}' tidak memiliki versi {number}.", f"The SOP '{key}' has no version {number}.")
    return version


def activate(alur: Alur, actor: Actor, key: str, number: int, agency: str | None = None) -> dict:
    """Makes version `number` the one new instances start on (one statement moves the flag)."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        version = find_version(s, model.id, key, number)
        before = _move_mark(s, model.id, number, ProcessVersion.active, active=(True, False))
        if before != number:
            model.name = version.catalog.get("name") or model.name
            timers.plan_schedule(s, alur, model.id, version_info(s, version.id))
            audit.record(s, now, "process.activated", actor_id=actor.id, agency_id=found.id,
                         before={"key": key, "version": before}, after={"key": key, "version": number})
    return {"key": key, "version": number, "active": True}


def _move_mark(s, model_id: int, number: int, mark, **columns) -> int | None:
    """Moves a mark one version of a model holds at a time (active, official) to version
    `number` in one statement: each column gets its first value there, its second elsewhere.
    The version that held the mark before (None: none did); nothing is written when it is `number`."""
    before = s.scalar(select(ProcessVersion.version).where(ProcessVersion.process_model_id == model_id,
                                                           mark.is_(True)))
    if before != number:
        chosen = ProcessVersion.version == number
        s.execute(update(ProcessVersion).where(ProcessVersion.process_model_id == model_id)
                  .values({name: case((chosen, there), else_=elsewhere) for name, (there, elsewhere) in columns.items()})
                  .execution_options(synchronize_session=False))
    return before


def mark_official(alur: Alur, actor: Actor, key: str, number: int, agency: str | None = None) -> dict:
    """Marks version `number` as the signed one ("resmi"), the version auditors compare the
    executions with; the mark moves off any other version in the same statement."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        version = find_version(s, model.id, key, number)
        before = _move_mark(s, model.id, number, ProcessVersion.official, official=(True, False),
                            official_at=(now, None), official_by_id=(actor.id, None))
        if before != number:
            audit.record(s, now, "process.marked_official", actor_id=actor.id, agency_id=found.id,
                         before={"key": key, "version": before}, after={"key": key, "version": number})
        version_id = version.id
    return {"key": key, "version": number, "version_id": version_id, "official": True}


def deploy(alur: Alur, actor: Actor, key: str, data, note, agency: str | None = None) -> dict:
    """Deploys the diagram of SOP `key` as its new active version, with the owner's change note:
    {key, version, checksum, created}; 422 with every lint error, or for an empty note.
    `data` and `note` as the request carried them: checked here, after the access policy."""
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        slug = found.slug
    if not isinstance(data, (bytes, str)) or not data.strip():
        raise InvalidInput("Sertakan diagram: teks XML pada 'bpmn' (JSON) atau berkas pada 'file' (multipart).",
                           "Send the diagram: XML text in 'bpmn' (JSON) or a file in 'file' (multipart).",
                           fields={"bpmn": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    if note is not None and not isinstance(note, str):
        raise InvalidInput("Catatan perubahan harus berupa teks.", "The change note must be text.",
                           fields={"note": [{"id": "Harus berupa teks.", "en": "Must be text."}]})
    note = (note or "").strip()
    if not note:
        raise InvalidInput("Tulis catatan perubahan: apa yang berubah dan mengapa.",
                           "Write a change note: what changed and why.",
                           fields={"note": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"Catatan perubahan paling panjang {NOTE_MAX} karakter.",
                           f"The change note is at most {NOTE_MAX} characters.",
                           fields={"note": [{"id": f"Paling panjang {NOTE_MAX} karakter.",
                                             "en": f"At most {NOTE_MAX} characters."}]})
    data = data.encode("utf-8") if isinstance(data, str) else data
    root = diagrams.parse(data)
    process = diagrams.require_process(root, key)
    named = properties(process).get("alur.agency", "").strip()
    if named and named != slug:
        raise InvalidInput(f"Diagram menyebut instansi '{named}' (alur.agency), bukan '{slug}'.",
                           f"The diagram names the agency '{named}' (alur.agency), not '{slug}'.")
    if [p.get("id") for p in root.iter(f"{{{BPMN}}}process") if p.get("isExecutable") == "true"] != [key]:
        raise InvalidInput(f"Diagram harus memuat tepat satu proses yang dapat dijalankan, '{key}' "
                           "(isExecutable=\"true\").",
                           f"The diagram must hold exactly one executable process, '{key}' (isExecutable=\"true\").")
    [deployed] = deployment.deploy(alur, data, f"{key}.bpmn", agency_slug=slug, actor=actor, note=note)
    with alur.db.transaction() as s:
        checksum = s.scalar(select(ProcessVersion.checksum).where(ProcessVersion.id == deployed["version_id"]))
    return {"key": key, "version": deployed["version"], "checksum": checksum, "created": deployed["created"]}


