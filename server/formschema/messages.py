"""Bilingual wording of form errors, one function per kind of problem.

The texts are what a civil servant reads beside a field, so they say what to do ("Wajib diisi.")
rather than what the validator found ("'alasan' is a required property"). Each function returns
a message dict {"id": ..., "en": ...}, the shape `InvalidInput.fields` carries.
"""
from __future__ import annotations

from typing import Any

Message = dict[str, str]


def msg(id_text: str, en_text: str) -> Message:
    return {"id": id_text, "en": en_text}


def number(value: Any, locale: str) -> str:
    """A number as people write it: no trailing ".0", and a decimal comma in Indonesian."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if locale == "id" else text


def value_text(value: Any, locale: str) -> str:
    """A schema value (enum label, const) as shown to the user."""
    if isinstance(value, bool):
        return ("Ya" if value else "Tidak") if locale == "id" else ("Yes" if value else "No")
    if value is None:
        return "(kosong)" if locale == "id" else "(empty)"
    if isinstance(value, (int, float)):
        return number(value, locale)
    return str(value)


REQUIRED = msg("Wajib diisi.", "This field is required.")
UNKNOWN_FIELD = msg("Isian tidak dikenal.", "Unknown field.")
NOT_ALLOWED = msg("Isian ini tidak diperbolehkan.", "This field is not allowed.")
NOT_AN_OBJECT = msg(
    "Data formulir tidak terbaca: harus berupa pasangan nama isian dan nilainya (objek JSON).",
    "Form data is unreadable: it must be field names with their values (a JSON object).",
)
INVALID = msg("Isian tidak memenuhi ketentuan.", "This value does not meet the requirements.")
PATTERN = msg("Bentuk isian tidak sesuai ketentuan.", "This value is not in the expected form.")
ATTACHMENT_UNKNOWN = msg(
    "Berkas tidak ditemukan atau bukan milik instansi Anda.",
    "File not found or not owned by your agency.",
)
FORM_REJECTED = msg(
    "Formulir belum dapat dikirim; periksa isian yang ditandai.",
    "The form cannot be submitted yet; check the marked fields.",
)

_TYPE_NAMES = {
    "string": ("teks", "text"),
    "integer": ("bilangan bulat", "a whole number"),
    "number": ("angka", "a number"),
    "boolean": ("ya atau tidak", "yes or no"),
    "array": ("daftar", "a list"),
    "object": ("kumpulan isian", "a group of fields"),
    "null": ("kosong", "empty"),
}

_FORMATS = {
    "date": msg("Tanggal tidak sah; gunakan format TTTT-BB-HH.",
                "Invalid date; use the format YYYY-MM-DD."),
    "date-time": msg(
        "Tanggal dan waktu tidak sah; gunakan format TTTT-BB-HHTjj:mm:dd dengan zona waktu, "
        "mis. 2024-05-17T09:30:00+07:00.",
        "Invalid date and time; use the format YYYY-MM-DDThh:mm:ss with a time zone, "
        "e.g. 2024-05-17T09:30:00+07:00.",
    ),
    "time": msg("Waktu tidak sah; gunakan format jj:mm:dd dengan zona waktu, mis. 09:30:00+07:00.",
                "Invalid time; use the format hh:mm:ss with a time zone, e.g. 09:30:00+07:00."),
    "uri": msg("Tautan tidak sah; tulis alamat lengkap yang diawali http:// atau https://, "
               "mis. https://contoh.go.id/berita.",
               "Invalid link; enter the full address starting with http:// or https://, "
               "e.g. https://example.go.id/news."),
    "email": msg("Alamat email tidak sah, mis. nama@instansi.go.id.",
                 "Invalid email address, e.g. name@agency.go.id."),
}


def type_mismatch(expected: Any) -> Message:
    names = expected if isinstance(expected, list) else [expected]
    known = [_TYPE_NAMES[n] for n in names if n in _TYPE_NAMES]
    if not known:
        return INVALID
    return msg("Harus berupa " + " atau ".join(k[0] for k in known) + ".",
               "Must be " + " or ".join(k[1] for k in known) + ".")


def bad_format(fmt: str) -> Message:
    return _FORMATS.get(fmt, msg("Bentuk isian tidak sah.", "This value is not valid."))


def min_length(limit: int, now: int) -> Message:
    if limit <= 1:
        return REQUIRED  # an empty string where text is needed reads as "not filled in"
    return msg(f"Paling sedikit {limit} karakter (sekarang {now}).",
               f"At least {limit} characters (now {now}).")


def max_length(limit: int, now: int) -> Message:
    return msg(f"Paling banyak {limit} karakter (sekarang {now}).",
               f"At most {limit} characters (now {now}).")


def min_items(limit: int, now: int, widget: str | None) -> Message:
    if widget == "file":
        return msg(f"Unggah paling sedikit {limit} berkas (sekarang {now}).",
                   f"Upload at least {limit} files (now {now}).")
    if widget == "checkboxes":
        return msg(f"Pilih paling sedikit {limit} (sekarang {now}).",
                   f"Choose at least {limit} (now {now}).")
    return msg(f"Isi paling sedikit {limit} butir (sekarang {now}).",
               f"Enter at least {limit} items (now {now}).")


def max_items(limit: int, now: int, widget: str | None) -> Message:
    if widget == "file":
        return msg(f"Unggah paling banyak {limit} berkas (sekarang {now}).",
                   f"Upload at most {limit} files (now {now}).")
    if widget == "checkboxes":
        return msg(f"Pilih paling banyak {limit} (sekarang {now}).",
                   f"Choose at most {limit} (now {now}).")
    return msg(f"Isi paling banyak {limit} butir (sekarang {now}).",
               f"Enter at most {limit} items (now {now}).")


def unique_items(widget: str | None) -> Message:
    if widget == "file":
        return msg("Berkas yang sama dilampirkan lebih dari sekali.",
                   "The same file is attached more than once.")
    return msg("Ada pilihan yang sama lebih dari sekali.",
               "The same entry appears more than once.")


def enum(options: list) -> Message:
    return msg("Pilih salah satu: " + ", ".join(value_text(o, "id") for o in options) + ".",
               "Choose one of: " + ", ".join(value_text(o, "en") for o in options) + ".")


def const(value: Any) -> Message:
    if value is True:
        return msg("Harus dicentang.", "Must be ticked.")
    return msg(f"Harus bernilai {value_text(value, 'id')}.", f"Must be {value_text(value, 'en')}.")


def minimum(limit: Any) -> Message:
    return msg(f"Paling kecil {number(limit, 'id')}.", f"Must be at least {number(limit, 'en')}.")


def maximum(limit: Any) -> Message:
    return msg(f"Paling besar {number(limit, 'id')}.", f"Must be at most {number(limit, 'en')}.")


def exclusive_minimum(limit: Any) -> Message:
    return msg(f"Harus lebih dari {number(limit, 'id')}.",
               f"Must be greater than {number(limit, 'en')}.")


def exclusive_maximum(limit: Any) -> Message:
    return msg(f"Harus kurang dari {number(limit, 'id')}.",
               f"Must be less than {number(limit, 'en')}.")


def multiple_of(step: Any) -> Message:
    return msg(f"Harus kelipatan {number(step, 'id')}.", f"Must be a multiple of {number(step, 'en')}.")


def attachment_type(accepted: list[str]) -> Message:
    ids, ens = zip(*(_accept_name(a) for a in accepted)) if accepted else ((), ())
    return msg("Jenis berkas tidak sesuai untuk isian ini (diterima: " + ", ".join(ids) + ").",
               "This file type is not accepted here (accepted: " + ", ".join(ens) + ").")


def _accept_name(entry: str) -> tuple[str, str]:
    names = {"image/*": ("foto", "photos"), "video/*": ("video", "videos"),
             "application/pdf": ("PDF", "PDF"), "audio/*": ("rekaman suara", "audio")}
    return names.get(entry.lower(), (entry, entry))
