"""Ids from Indonesian text: element ids, process keys, lane ids and form field names are all
lowercase ASCII words joined by "_", so a new SOP and an imported one name things alike."""
from __future__ import annotations

import re
import unicodedata

ID_MAX = 60


def fold(text: str) -> str:
    """Lowercase ASCII, for comparing words."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def slug(text: str, words: int | None = None, limit: int = ID_MAX) -> str:
    """An id part from text: 'Publikasi Berita (Website)' -> 'publikasi_berita_website'; cut at a
    word boundary to `limit` characters, to the first `words` words when given."""
    parts = tokens(text)
    if words is not None:
        parts = parts[:words]
    out = "_".join(parts)
    if len(out) > limit:
        out = out[:limit].rsplit("_", 1)[0] or out[:limit]
    return out


def fresh(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`, ... the first not in `taken`; taken from then on."""
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def key_of(text: str, limit: int = ID_MAX) -> str:
    """A process key from its name: a slug that starts with a letter, as BPMN ids must
    ('2024: Laporan' -> 'sop_2024_laporan', '???' -> 'sop')."""
    out = slug(text, limit=limit)
    return out if out[:1].isalpha() else f"sop_{out}".strip("_")
