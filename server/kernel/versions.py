"""What the services need to know about a deployed version, cached: versions never change."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..engine import safe_xml
from ..formschema import FormCatalog, FormSet
from ..models import Agency, LaneRole, ProcessModel, ProcessVersion


@dataclass(frozen=True)
class VersionInfo:
    id: int
    key: str
    name: str
    version: int
    agency_id: int
    agency_slug: str
    catalog: dict
    lane_roles: dict  # lane name -> role id
    form_set: FormSet | None = field(default=None, compare=False)  # None: deployed before forms were embedded
    # (source element, target element) -> the sequence flow between them; filled on first use
    _flows: dict = field(default_factory=dict, compare=False, repr=False)

    def forms(self, files: FormCatalog) -> FormSet | FormCatalog:
        """The forms this version runs with, by the keys its steps name (step["form"]): its own,
        embedded at deploy. A version deployed before that (a catalog without "forms") names files
        under forms/ by path and reads them from `files` (the app's FormCatalog): the one fallback."""
        return self.form_set if self.form_set is not None else files

    @property
    def process_id(self) -> str:
        return self.catalog["process_id"]

    def step(self, element_id: str) -> dict:
        return self.catalog["steps"].get(element_id, {})

    def flow_ids(self, db) -> dict[tuple[str, str], str]:
        """(source element, target element) -> the sequence flow between them (the path kept in
        kernel/trail names flows by it); read from the diagram once per cached version."""
        if not self._flows:
            xml = db.execute(select(ProcessVersion.bpmn_xml).where(ProcessVersion.id == self.id)).scalar()
            found = {}
            for flow in safe_xml.parse_bpmn(xml.encode("utf-8")).iter(f"{{{safe_xml.BPMN_NS}}}sequenceFlow"):
                found.setdefault((flow.get("sourceRef"), flow.get("targetRef")), flow.get("id"))
            self._flows.update(found)
        return self._flows

    def manual_start(self) -> dict | None:
        """The start event a person starts the process with (not a timer)."""
        return next((s for s in self.catalog["starts"] if not s["timer"]), None)


_CACHE: dict[int, VersionInfo] = {}


def version_info(db, version_id: int) -> VersionInfo:
    """`db`: the caller's Session or Connection."""
    info = _CACHE.get(version_id)
    if info is None:
        row = db.execute(
            select(ProcessVersion.version, ProcessVersion.catalog, ProcessModel.key, ProcessModel.name,
                   ProcessModel.agency_id, Agency.slug)
            .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
            .join(Agency, Agency.id == ProcessModel.agency_id)
            .where(ProcessVersion.id == version_id)).one()
        lanes = dict(db.execute(select(LaneRole.lane, LaneRole.role_id)
                                .where(LaneRole.version_id == version_id)).all())
        embedded = row.catalog.get("forms")
        info = VersionInfo(version_id, row.key, row.name, row.version, row.agency_id, row.slug, row.catalog, lanes,
                           FormSet(embedded) if embedded is not None else None)
        _CACHE[version_id] = info
    return info


def forget(version_id: int | None = None) -> None:
    """Drops cached versions (a test database that is emptied reuses ids)."""
    if version_id is None:
        _CACHE.clear()
    else:
        _CACHE.pop(version_id, None)


def xml_loader(db, version_id: int):
    """Fetches the stored XML in the caller's transaction; the engine calls it only on a cache miss."""
    def load() -> str:
        return db.execute(select(ProcessVersion.bpmn_xml).where(ProcessVersion.id == version_id)).scalar()
    return load


def official_version_id(db, process_model_id: int) -> int | None:
    """The version auditors compare with: the one a process owner marked as signed ("resmi"),
    else the active one; None for a model with neither."""
    return db.scalar(select(ProcessVersion.id)
                     .where(ProcessVersion.process_model_id == process_model_id,
                            (ProcessVersion.official.is_(True)) | (ProcessVersion.active.is_(True)))
                     .order_by(ProcessVersion.official.desc()).limit(1))
