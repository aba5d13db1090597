"""The version executions are compared with: the SOP's official ("resmi") version, the one its
Pemilik Proses marked as signed, or the active version while none is marked
(kernel.versions.official_version_id). What the report needs of it, read once per version and
kept (versions never change): its facts and catalog, its diagram, its Petri net, its four-eyes
pairs and the names its tasks are matched by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ...errors import NotFound
from ...kernel.versions import VersionInfo, official_version_id, version_info
from ...models import ProcessVersion, User
from ..conformance.petri import net_from_bpmn
from . import four_eyes


@dataclass(frozen=True)
class Official:
    info: VersionInfo
    xml: str
    net: object
    pairs: dict                       # four-eyes: deciding task -> tasks it judges
    tasks: dict                       # element id -> {"name", "no", "lane", "waktu", ...} of visible tasks
    marked: bool                      # True: marked "resmi"; False: the active version stands in
    marked_at: object = None
    marked_by: dict | None = None
    names: dict = field(default_factory=dict)   # exact name -> element ids
    normal_names: dict = field(default_factory=dict)  # normalised name -> element ids
    rows: dict = field(default_factory=dict)    # SOP row number as printed -> element ids
    element_names: dict = field(default_factory=dict)  # every element id -> its name (or id)
    checksum: str = ""

    @property
    def end_elements(self) -> frozenset:
        return frozenset(self.info.catalog.get("ends", {}))

    def as_dict(self) -> dict:
        """The official version's facts, as the report's "version" shows them."""
        info = self.info
        return {"id": info.id, "key": info.key, "name": info.name, "version": info.version,
                "agency": info.agency_slug, "official": self.marked,
                "official_at": self.marked_at.isoformat() if self.marked_at else None,
                "official_by": self.marked_by,
                "sop_nomor": info.catalog.get("identity", {}).get("sop.nomor", ""),
                "tasks": len(self.tasks)}


# (version id, checksum) -> what is read from its diagram (the diagram alone decides it; the
# version's facts, e.g. its lanes' role ids, are read through kernel.versions each time). The
# checksum keeps a test database that reuses ids from finding another diagram's parts.
_CACHE: dict[tuple[int, str], dict] = {}


def normal_name(text: str | None) -> str:
    """Names compared without case, spacing, punctuation or a leading row number ("5. ")."""
    text = re.sub(r"^\s*\d+\s*[.)]\s*", "", text or "")
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def official(db, process_model_id: int) -> Official:
    """The official version of the model; NotFound when it has none deployed. Two small
    queries; the diagram's parts are read once per version."""
    version_id = official_version_id(db, process_model_id)
    if version_id is None:
        raise NotFound("SOP ini belum memiliki versi yang diterapkan.", "This SOP has no deployed version.")
    row = db.execute(select(ProcessVersion.checksum, ProcessVersion.official, ProcessVersion.official_at,
                            ProcessVersion.official_by_id).where(ProcessVersion.id == version_id)).one()
    parts = _CACHE.get((version_id, row.checksum))
    if parts is None:
        parts = _parts(db, version_id)
        _CACHE[(version_id, row.checksum)] = parts
    marked_by = None
    if row.official_by_id is not None:
        user = db.execute(select(User.username, User.display_name).where(User.id == row.official_by_id)).first()
        marked_by = {"username": user.username, "name": user.display_name} if user else None
    return Official(info=version_info(db, version_id), **parts, marked=bool(row.official),
                    marked_at=row.official_at, marked_by=marked_by, checksum=row.checksum)


def _parts(db, version_id: int) -> dict:
    info = version_info(db, version_id)
    xml = db.scalar(select(ProcessVersion.bpmn_xml).where(ProcessVersion.id == version_id))
    net = net_from_bpmn(xml, info.process_id)  # what it cannot translate: a 422 saying what and why
    steps = info.catalog.get("steps", {})
    tasks = {label: steps.get(label, {"name": label}) for label in net.labels}
    names, normal_names, rows = {}, {}, {}
    for element_id, step in tasks.items():
        for text in {step.get("name") or "", step.get("kegiatan") or ""} - {""}:
            names.setdefault(text.strip(), set()).add(element_id)
            normal_names.setdefault(normal_name(text), set()).add(element_id)
        if step.get("no"):
            rows.setdefault(str(step["no"]).strip(), set()).add(element_id)
    return {"xml": xml, "net": net, "pairs": four_eyes.pairs_from_xml(xml, info.process_id),
            "tasks": tasks, "names": names, "normal_names": normal_names, "rows": rows,
            "element_names": four_eyes.element_names(xml, info.process_id)}


def forget() -> None:
    """Drops what was read from diagrams."""
    _CACHE.clear()
