"""`Alur`: the parts a service needs, built once per process (web app, CLI, worker, bench)."""
from __future__ import annotations

from dataclasses import dataclass

from ..clock import SystemClock
from ..config import Settings
from ..db import Database
from ..engine import ProcessEngine
from ..files import FileStore
from ..files.storage import DEFAULT_LIMITS
from ..formschema import FormCatalog


@dataclass
class Alur:
    settings: Settings
    db: Database
    engine: ProcessEngine
    forms: FormCatalog
    files: FileStore
    clock: object

    @classmethod
    def create(cls, settings: Settings, clock=None) -> "Alur":
        clock = clock or SystemClock()
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            engine=ProcessEngine(clock),
            forms=FormCatalog(settings.forms_dir),
            files=FileStore(settings.upload_dir, max_bytes_by_kind=dict(DEFAULT_LIMITS)),
            clock=clock,
        )

    def close(self) -> None:
        self.db.dispose()
