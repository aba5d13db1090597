"""The interface's translations: English message ids, Bahasa Indonesia first for users.

`make install` compiles the catalogs; `compile_catalogs()` does the same from code (tests).
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogs(force: bool = False) -> list[Path]:
    """Writes each messages.mo whose messages.po is newer; returns what it wrote."""
    written = []
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as fh:
                catalog = read_po(fh)
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
            written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogs(force=True):
        print(f"compiled {path}")
