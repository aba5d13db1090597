"""First forms of an imported SOP (docs/authoring-sops.md, Forms): a start form with the case's
title (and the activity's date, or the kind of content, where a Waktu needs it), and per task a
form from its Kelengkapan: files where it names photos, videos or documents ("minimal N" as the
least count), a caption with its printed limit, links, text for the rest, and `catatan`; a
deciding task also asks for `keputusan` and, on rejection, `alasan`."""
from __future__ import annotations

import re

from ..slugs import fresh, slug, tokens

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_RESERVED = {"judul", "keputusan", "alasan", "catatan", "tanggal_kegiatan"}
_FILE_WORDS = {"foto": "image/*", "gambar": "image/*", "video": "video/*", "dokumen": "application/pdf",
               "berkas": "application/pdf", "file": "application/pdf", "scan": "application/pdf",
               "pindaian": "application/pdf", "dokumentasi": ""}
_LINK_WORDS = {"link", "tautan", "url"}


def base(title: str, description: str = "") -> dict:
    schema = {"$schema": SCHEMA, "title": title[:200], "type": "object", "additionalProperties": False,
              "properties": {}, "required": []}
    if description:
        schema["description"] = description
    return schema


def start_form(title: str, event_date: bool, kinds: tuple[str, ...], field: str) -> dict:
    schema = base(title)
    schema["properties"]["judul"] = {"type": "string", "title": "Judul", "minLength": 3, "maxLength": 200}
    schema["required"].append("judul")
    if kinds:
        schema["properties"][field] = {"type": "string", "title": "Jenis konten", "enum": list(kinds)}
        schema["required"].append(field)
    if event_date:
        schema["properties"]["tanggal_kegiatan"] = {
            "type": "string", "title": "Tanggal kegiatan", "format": "date",
            "description": "Hari H: acuan tenggat langkah yang dihitung dari tanggal kegiatan."}
        schema["required"].append("tanggal_kegiatan")
    return schema


def task_form(title: str, kelengkapan: str, kegiatan: str) -> dict:
    schema = base(title, f"Kelengkapan: {'; '.join(_items(kelengkapan))}" if kelengkapan.strip() else "")
    props = schema["properties"]
    for item in _items(kelengkapan):
        name, field = _field(item, kegiatan)
        name = _unique(name, props)
        props[name] = field
    props["catatan"] = {"type": "string", "title": "Catatan", "maxLength": 2000, "x-alur-widget": "textarea"}
    return schema


def add_decision(schema: dict, accept: str, reject: str, ending_field: str = "", ending_title: str = "") -> None:
    props = schema["properties"]
    catatan = props.pop("catatan")
    props["keputusan"] = {"type": "string", "title": "Keputusan", "enum": [accept, reject],
                          "x-alur-widget": "decision", "x-alur-reject": [reject]}
    props["alasan"] = {"type": "string", "title": "Alasan", "maxLength": 2000, "x-alur-widget": "textarea"}
    then: dict = {"required": ["alasan"], "properties": {"alasan": {"minLength": 1}}}
    if ending_field:
        props[ending_field] = {"type": "boolean", "title": ending_title}
        then["required"].append(ending_field)
    props["catatan"] = catatan
    schema["required"].append("keputusan")
    schema["allOf"] = [{"if": {"properties": {"keputusan": {"const": reject}}, "required": ["keputusan"]},
                        "then": then}]


def _items(text: str) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _field(item: str, kegiatan: str) -> tuple[str, dict]:
    words = tokens(item)
    title = item[:200]
    if _LINK_WORDS & set(words):
        return "tautan", {"type": "array", "title": title, "items": {"type": "string", "format": "uri"}}
    kinds = [w for w in words if w in _FILE_WORDS]
    if kinds:
        accept = sorted({_FILE_WORDS[w] for w in kinds if _FILE_WORDS[w]})
        if not accept:  # "dokumentasi": photos and/or videos as the Kegiatan says, else any
            found = {_FILE_WORDS[w] for w in tokens(kegiatan) if _FILE_WORDS.get(w) in ("image/*", "video/*")}
            accept = sorted(found) or ["image/*", "video/*", "application/pdf"]
        field = {"type": "array", "title": title, "items": {"type": "string"}, "x-alur-widget": "file",
                 "x-alur-accept": accept}
        least = re.search(r"\bminimal\s+(\d+)", item, re.IGNORECASE)
        if least:
            field["minItems"] = int(least[1])
        definite = [w for w in kinds if _FILE_WORDS[w]]
        return (definite or kinds)[0], field
    if "caption" in words:
        field = {"type": "string", "title": title, "x-alur-widget": "textarea"}
        limit = re.search(r"(?:maksimal|maks\.?|paling banyak)\s*(\d+)\s*karakter", item, re.IGNORECASE)
        field["maxLength"] = int(limit[1]) if limit else 2000
        return "caption", field
    return slug(item, 3, 40) or "isian", {"type": "string", "title": title, "maxLength": 5000,
                                           "x-alur-widget": "textarea"}


def _unique(name: str, props: dict) -> str:
    if not name or not name[0].isalpha():
        name = f"isian_{name}".strip("_")
    if name in _RESERVED:
        name = f"{name}_isian"
    return fresh(name, set(props))
