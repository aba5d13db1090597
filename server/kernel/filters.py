"""Filters from query parameters, checked the same way on every list (the instance list, the audit
trail, their exports): a value a filter does not take is refused with 422 and a message for its
field in Indonesian and English, never a server error.

`args` is a mapping of name -> list of values (Flask's `request.args.to_dict(flat=False)`) or of
name -> one value; an absent or empty value is no filter."""
from __future__ import annotations

import re
from datetime import date

from ..errors import InvalidInput

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"[+-]?[0-9]+")


def refuse(name: str, message_id: str, message_en: str) -> InvalidInput:
    """The refusal of filter `name`, with the message under its field (the form shows it there)."""
    return InvalidInput(f"Filter '{name}' tidak sah: {message_id}", f"Invalid filter '{name}': {message_en}",
                        fields={name: [{"id": message_id, "en": message_en}]})


def one(args, name: str) -> str | None:
    """The parameter's one value as given; None when absent or empty; two values are refused
    (a filter that silently took the first would hide what the address asks for)."""
    values = args.get(name) if hasattr(args, "get") else None
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    if len(values) > 1:
        raise refuse(name, "berikan satu nilai saja.", "give one value only.")
    return str(values[0])


def text(args, name: str, most: int) -> str | None:
    """A text filter without its outer spaces; spaces only filter nothing; longer than `most`
    characters is refused (it bounds what a LIKE or an index lookup is given)."""
    value = one(args, name)
    if value is None or not value.strip():
        return None
    if len(value) > most:
        raise refuse(name, f"paling panjang {most} karakter.", f"at most {most} characters.")
    return value.strip()


def day(args, name: str) -> date | None:
    """A calendar day written YYYY-MM-DD (what a date field sends), else refused."""
    value = one(args, name)
    if value is None:
        return None
    value = value.strip()
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise refuse(name, "harus tanggal TTTT-BB-HH, mis. 2026-11-23.",
                     "must be a date YYYY-MM-DD, e.g. 2026-11-23.") from None


def whole_number(value, name: str, low: int, high: int) -> int:
    """A whole number (ASCII digits) from low to high, else refused naming the field: `high` is
    the column's range, so a value the database cannot hold never reaches it."""
    given = str(value).strip()
    if not _WHOLE.fullmatch(given):
        raise refuse(name, "harus bilangan bulat.", "must be a whole number.")
    number = int(given)
    if not low <= number <= high:
        raise refuse(name, f"harus antara {low} dan {high}.", f"must be from {low} to {high}.")
    return number
