"""The order of SOP rows as the document prints them.

A row's number is text ("3", "3a", "10", "3.1"), so a plain string sort puts "10" before "2". Every
list of steps sorts by this one key, so the monitoring pages, the audit report and the SOP agree."""
from __future__ import annotations

import re

_PARTS = re.compile(r"(\d+)")


def sop_order(no) -> tuple:
    """Sort key of a row number: "1" < "2" < "3" < "3a" < "3b" < "10"; a number that does not start
    with a digit after those, by its text (digits in it by value); blank (or None) last."""
    text = str(no or "").strip()
    if not text:
        return (2, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _PARTS.split(text) if p)
    return (0 if text[0].isdigit() else 1, parts)
