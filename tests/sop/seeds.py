"""Where the tests find the seed SOPs: their texts (../shared/seeds beside the checkout, or
$ALUR_SHARED_DIR/seeds) and their hand-made diagrams (bpmn/ in the checkout).

    from tests.sop.seeds import SEEDS, seed_path, seed_text, seed_diagrams

    seed_path("004")        # Path of the seed text whose name starts with "004"
    seed_text("004")        # its bytes, as an upload would carry them
    seed_diagrams("002")    # [(xml, process_id)] of bpmn/002*.bpmn: one document, the konten processes first
"""
from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("ALUR_SHARED_DIR") or REPO.parent / "shared") / "seeds"
BPMN_DIR = REPO / "bpmn"
PREFIXES = ["000", "001", "002", "003", "004"]

_PROCESS_ID = re.compile(r'<bpmn:process\b[^>]*?\bid="([^"]+)"')


def seed_path(prefix: str) -> Path:
    """The seed text whose name starts with prefix ("000" ... "004")."""
    found = sorted(SEEDS.glob(f"{prefix}*.txt"))
    if not found:
        raise FileNotFoundError(f"no seed text {prefix}*.txt in {SEEDS} (set ALUR_SHARED_DIR)")
    return found[0]


def seed_text(prefix: str) -> bytes:
    """The seed text's bytes."""
    return seed_path(prefix).read_bytes()


def seed_diagrams(prefix: str) -> list[tuple[str, str]]:
    """The seed's diagrams in bpmn/ whose file names start with prefix, as (xml, process id): "002" is
    Nomporejo's document of four processes, the konten processes first (table 1, then table 2), then
    the laporan; a longer prefix ("002_nomporejo_konten_media") picks one file."""
    paths = sorted(BPMN_DIR.glob(f"{prefix}*.bpmn"), key=lambda p: ("laporan" in p.name, p.name))
    if not paths:
        raise FileNotFoundError(f"no seed diagram {prefix}*.bpmn in {BPMN_DIR}")
    out = []
    for path in paths:
        xml = path.read_text(encoding="utf-8")
        out.extend((xml, process_id) for process_id in _PROCESS_ID.findall(xml))
    return out
