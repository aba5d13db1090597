"""Uploaded files: stored by content hash, visible only inside their agency and instance."""
from __future__ import annotations

import uuid

from sqlalchemy import select, update

from ...errors import Forbidden, InvalidInput, NotFound
from ...files.thumbnails import thumbnail
from ...formschema import file_fields
from ...models import Agency, Attachment
from ...kernel import access, audit
from ...kernel.actors import Actor
from ...kernel.context import Alur

_FILES = Attachment.__table__


def upload(alur: Alur, actor: Actor, stream, filename: str, agency: str | None = None) -> dict:
    agency_id = _agency_for_upload(alur, actor, agency)
    stored = alur.files.put(stream, filename or "berkas")
    now = alur.clock.now()
    with alur.db.transaction() as s:
        row = Attachment(id=str(uuid.uuid4()), agency_id=agency_id, sha256=stored.sha256,
                         filename=(filename or "berkas")[:300], content_type=stored.content_type,
                         size=stored.size, uploaded_by_id=actor.id, uploaded_at=now)
        s.add(row)
        audit.record(s, now, "attachment.uploaded", actor_id=actor.id, agency_id=agency_id,
                     after={"id": row.id, "sha256": stored.sha256, "type": stored.content_type})
    return describe(row)


def describe(row: Attachment) -> dict:
    return {"id": row.id, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "sha256": row.sha256}


def describe_many(alur: Alur, actor: Actor, ids) -> dict[str, dict]:
    """The files among `ids` this user may see (for thumbnails and links in forms)."""
    ids = {i for i in ids if isinstance(i, str)}
    if not ids:
        return {}
    with alur.db.transaction() as s:
        rows = s.scalars(select(Attachment).where(Attachment.id.in_(ids))).all()
        instances: dict = {}
        return {row.id: describe(row) for row in rows if access.can(actor, "attachment.read", _facts(s, row, instances))}


def _facts(s, row: Attachment, instances: dict) -> access.Facts:
    """An attachment follows its instance (facts read once per instance)."""
    if row.instance_id is not None and row.instance_id not in instances:
        instances[row.instance_id] = access.instance_facts(s, row.instance_id)
    return access.Facts(row.agency_id, uploaded_by_id=row.uploaded_by_id,
                        instance=instances.get(row.instance_id))


def open_thumbnail(alur: Alur, actor: Actor, attachment_id: str):
    """A small JPEG preview of a photo the user may see, or None when there is none."""
    info, fh = open_for_download(alur, actor, attachment_id)
    fh.close()
    if not info["content_type"].startswith("image/"):
        return None
    path = thumbnail(alur.files, info["sha256"])
    return path.open("rb") if path else None


def open_for_download(alur: Alur, actor: Actor, attachment_id: str):
    """Returns (description, binary file) for a user of the file's agency who may see it."""
    with alur.db.transaction() as s:
        row = s.get(Attachment, attachment_id)
        if row is None:
            raise NotFound("Berkas tidak ditemukan.", "File not found.")
        access.require(actor, "attachment.read", _facts(s, row, {}))
        info = describe(row)
    return info, alur.files.open(info["sha256"])


class AttachmentRules:
    """Which file ids a user may put in a form: files of the agency that they uploaded
    themselves (not yet used elsewhere) or that already belong to this instance.

    The rows for every id named in the form's file fields are read in one query up front.
    """

    def __init__(self, db, actor: Actor, agency_id: int, instance_id: int | None, schema: dict, data):
        ids = set()
        if isinstance(data, dict):
            for name in file_fields(schema):
                value = data.get(name)
                ids.update(v for v in (value if isinstance(value, list) else []) if isinstance(v, str))
        rows = db.execute(select(_FILES.c.id, _FILES.c.agency_id, _FILES.c.uploaded_by_id, _FILES.c.instance_id,
                                 _FILES.c.content_type).where(_FILES.c.id.in_(ids))).all() if ids else []
        self._usable = {}
        for row in rows:
            mine = row.uploaded_by_id == actor.id and row.instance_id in (None, instance_id)
            of_instance = instance_id is not None and row.instance_id == instance_id
            if row.agency_id == agency_id and (mine or of_instance):
                self._usable[row.id] = row

    def ok(self, attachment_id) -> bool:
        return attachment_id in self._usable

    def content_type(self, attachment_id) -> str | None:
        row = self._usable.get(attachment_id)
        return row.content_type if row else None

    def link(self, db, instance_id: int) -> None:
        """Ties the files used in this submission to the instance (for later downloads)."""
        fresh = [row.id for row in self._usable.values() if row.instance_id is None]
        if fresh:
            db.execute(update(_FILES).where(_FILES.c.id.in_(fresh), _FILES.c.instance_id.is_(None))
                       .values(instance_id=instance_id))


def _agency_for_upload(alur: Alur, actor: Actor, agency: str | None) -> int:
    with alur.db.transaction() as s:
        if agency:
            agency_id = s.scalar(select(Agency.id).where(Agency.slug == agency))
            if agency_id is None:
                raise Forbidden("Anda bukan anggota instansi ini.", "You are not a member of this agency.")
            access.require(actor, "agency.work", access.Facts(agency_id))
            return agency_id
    if len(actor.agency_ids) != 1:
        raise InvalidInput("Sebutkan instansi untuk berkas ini.", "Name the agency for this file.")
    return next(iter(actor.agency_ids))
