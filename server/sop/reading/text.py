"""The seeds' tab-separated text (.txt, .tsv, .md): one line a row, a tab between cells."""
from __future__ import annotations

from .grid import Row


def text_rows(text: str) -> list[Row]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [Row(line.split("\t"), n) for n, line in enumerate(lines, 1)]
