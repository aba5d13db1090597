"""The form catalog reading real schema files from a forms/ folder in tmp_path."""
from __future__ import annotations

import json
import os

import pytest
from jsonschema import Draft202012Validator

from server.errors import InvalidInput
from server.formschema import FormCatalog, FormNotFound, FormRejected, validate_submission

FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Permohonan",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "judul": {"type": "string", "minLength": 3, "maxLength": 200},
        "tanggal_kegiatan": {"type": "string", "format": "date"},
        "tautan": {"type": "string", "format": "uri"},
        "email": {"type": "string", "format": "email"},
        "mulai": {"type": "string", "format": "date-time"},
    },
    "required": ["judul"],
}


@pytest.fixture
def forms(tmp_path):
    root = tmp_path / "forms"
    (root / "kemenpora_publikasi").mkdir(parents=True)
    write(root, "kemenpora_publikasi/mulai_permohonan.schema.json", FORM)
    return root


def write(root, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_get_loads_and_caches(forms):
    catalog = FormCatalog(forms)
    name = "kemenpora_publikasi/mulai_permohonan.schema.json"
    assert catalog.get(name) == FORM
    write(forms, name, {"type": "object"})  # a later edit is not seen until clear()
    assert catalog.get(name) == FORM
    catalog.clear()
    assert catalog.get(name) == {"type": "object"}


def test_get_returns_a_copy(forms):
    catalog = FormCatalog(forms)
    name = "kemenpora_publikasi/mulai_permohonan.schema.json"
    catalog.get(name)["properties"].clear()
    assert "judul" in catalog.get(name)["properties"]


def test_validator_is_cached_and_checks_formats(forms):
    catalog = FormCatalog(forms)
    name = "kemenpora_publikasi/mulai_permohonan.schema.json"
    validator = catalog.validator(name)
    assert isinstance(validator, Draft202012Validator)
    assert catalog.validator("./" + name) is validator
    for field, bad in [("tanggal_kegiatan", "2024-13-01"), ("tautan", "bukan tautan"),
                       ("email", "humas"), ("mulai", "2024-08-17")]:
        assert not validator.is_valid({"judul": "Rapat", field: bad}), field
    good = {"judul": "Rapat", "tanggal_kegiatan": "2024-12-01", "tautan": "https://a.go.id",
            "email": "humas@a.go.id", "mulai": "2024-08-17T08:00:00+07:00"}
    assert validator.is_valid(good)
    with pytest.raises(InvalidInput):
        validate_submission(validator, {"judul": "Rapat", "tanggal_kegiatan": "2024-13-01"})


@pytest.mark.parametrize("bad", ["../secret.schema.json", "/etc/passwd",
                                 "kemenpora_publikasi/../../secret.schema.json",
                                 "..\\secret.schema.json", "", ".", "~/x.json", "C:/x.json",
                                 "a/\x00.json"])
def test_paths_leaving_the_forms_folder_are_refused(forms, bad):
    (forms.parent / "secret.schema.json").write_text(json.dumps(FORM))
    catalog = FormCatalog(forms)
    with pytest.raises(FormRejected) as caught:
        catalog.get(bad)
    assert "forms/" in caught.value.message_id and "forms/" in caught.value.message_en
    with pytest.raises(FormRejected):
        catalog.validator(bad)


def test_symlink_out_of_the_forms_folder_is_refused(forms):
    outside = write(forms.parent, "outside.schema.json", FORM)
    os.symlink(outside, forms / "link.schema.json")
    with pytest.raises(FormRejected):
        FormCatalog(forms).get("link.schema.json")


def test_missing_form_is_a_clear_not_found(forms):
    with pytest.raises(FormNotFound) as caught:
        FormCatalog(forms).get("kemenpora_publikasi/s06_putuskan.schema.json")
    err = caught.value
    assert err.status == 404
    assert err.message_id == "Formulir tidak ditemukan: forms/kemenpora_publikasi/s06_putuskan.schema.json."
    assert err.message_en == "Form not found: forms/kemenpora_publikasi/s06_putuskan.schema.json."


def test_not_json_is_refused(forms):
    write(forms, "rusak.schema.json", "{ judul: ")
    with pytest.raises(FormRejected) as caught:
        FormCatalog(forms).get("rusak.schema.json")
    assert "bukan JSON yang sah" in caught.value.message_id


@pytest.mark.parametrize("schema", [
    {"type": "strin"},
    {"properties": {"judul": {"maxLength": -1}}},
    ["not", "an", "object"],
    True,
])
def test_invalid_schema_is_refused(forms, schema):
    write(forms, "salah.schema.json", schema)
    with pytest.raises(FormRejected) as caught:
        FormCatalog(forms).get("salah.schema.json")
    assert caught.value.message_id.startswith("Formulir forms/salah.schema.json ditolak")
    assert caught.value.message_en.startswith("Form forms/salah.schema.json rejected")


@pytest.mark.parametrize("prop", [
    {"type": "string", "x-alur-widget": "decision"},
    {"type": "string", "enum": ["Ya", "Tidak"], "x-alur-widget": "decision",
     "x-alur-reject": ["Tolak"]},
])
def test_malformed_decision_field_is_refused(forms, prop):
    write(forms, "keputusan.schema.json", {"type": "object", "properties": {"keputusan": prop}})
    with pytest.raises(FormRejected):
        FormCatalog(forms).get("keputusan.schema.json")


def test_malformed_accept_list_is_refused(forms):
    write(forms, "foto.schema.json", {"type": "object", "properties": {
        "foto": {"type": "array", "x-alur-widget": "file", "x-alur-accept": "image/*"}}})
    with pytest.raises(FormRejected):
        FormCatalog(forms).get("foto.schema.json")
