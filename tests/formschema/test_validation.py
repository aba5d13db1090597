"""Form submissions checked against real draft 2020-12 schemas shaped like Alur's SOP forms."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from server.errors import InvalidInput
from server.formschema import (
    FORMAT_CHECKER,
    decision_field,
    file_fields,
    make_validator,
    title_field_value,
    validate_submission,
)

REQUIRED = {"id": "Wajib diisi.", "en": "This field is required."}
UNKNOWN = {"id": "Isian tidak dikenal.", "en": "Unknown field."}

START_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Permohonan publikasi",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "judul": {"type": "string", "minLength": 3, "maxLength": 200},
        "caption": {"type": "string", "maxLength": 200, "x-alur-widget": "textarea"},
        "tanggal_kegiatan": {"type": "string", "format": "date"},
        "waktu_mulai": {"type": "string", "format": "date-time"},
        "platform": {
            "type": "array", "minItems": 1, "uniqueItems": True, "x-alur-widget": "checkboxes",
            "items": {"enum": ["Instagram", "X (Twitter)", "Facebook", "TikTok", "YouTube"]},
        },
        "tautan": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "foto": {
            "type": "array", "items": {"type": "string"}, "minItems": 4, "maxItems": 20,
            "uniqueItems": True, "x-alur-widget": "file", "x-alur-accept": ["image/*"],
        },
        "jumlah_peserta": {"type": "integer", "minimum": 1, "maximum": 5000},
        "email_narahubung": {"type": "string", "format": "email"},
        "kode_kegiatan": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{3}$"},
        "pernyataan": {"const": True},
    },
    "required": ["judul", "tanggal_kegiatan", "foto"],
}

DECISION_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Persetujuan konten",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "keputusan": {"type": "string", "enum": ["Ya", "Tidak"],
                      "x-alur-widget": "decision", "x-alur-reject": ["Tidak"]},
        "alasan": {"type": "string", "maxLength": 2000, "x-alur-widget": "textarea"},
        "catatan": {"type": "string", "maxLength": 2000, "x-alur-widget": "textarea"},
    },
    "required": ["keputusan"],
    "allOf": [{
        "if": {"properties": {"keputusan": {"const": "Tidak"}}, "required": ["keputusan"]},
        "then": {"required": ["alasan"], "properties": {"alasan": {"minLength": 1}}},
    }],
}

PHOTOS = ["att-1", "att-2", "att-3", "att-4"]


def start(**changes):
    data = {"judul": "Rapat koordinasi humas", "tanggal_kegiatan": "2024-08-17", "foto": PHOTOS}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def field_errors(schema, data, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as caught:
        validate_submission(schema, data, **kwargs)
    assert caught.value.fields, "InvalidInput without per-field messages"
    for messages in caught.value.fields.values():
        for m in messages:
            assert set(m) == {"id", "en"} and m["id"] and m["en"]
    return caught.value.fields


def test_valid_submission_is_returned_unchanged():
    data = start(caption="  Kegiatan hari ini  ", platform=["Instagram", "TikTok"],
                 tautan=["https://kemenpora.go.id/berita/123?x=1#a"], jumlah_peserta=40,
                 email_narahubung="humas@kemenpora.go.id", kode_kegiatan="HMS-001",
                 waktu_mulai="2024-08-17T09:30:00+07:00", pernyataan=True)
    cleaned = validate_submission(START_FORM, data)
    assert cleaned == data
    assert cleaned["caption"] == "  Kegiatan hari ini  "  # nothing stripped
    cleaned["foto"].append("att-5")
    assert data["foto"] == PHOTOS  # a copy: the caller's data is not shared


def test_caption_of_201_characters_is_refused_in_both_languages():
    fields = field_errors(START_FORM, start(caption="a" * 201))
    assert fields == {"caption": [{"id": "Paling banyak 200 karakter (sekarang 201).",
                                   "en": "At most 200 characters (now 201)."}]}


def test_caption_of_200_characters_is_accepted():
    assert validate_submission(START_FORM, start(caption="é" * 200))["caption"] == "é" * 200


def test_three_photos_where_four_are_required():
    fields = field_errors(START_FORM, start(foto=["a", "b", "c"]))
    assert fields == {"foto": [{"id": "Unggah paling sedikit 4 berkas (sekarang 3).",
                                "en": "Upload at least 4 files (now 3)."}]}


def test_same_photo_twice():
    fields = field_errors(START_FORM, start(foto=["a", "b", "c", "a"]))
    assert fields["foto"][0]["id"] == "Berkas yang sama dilampirkan lebih dari sekali."


def test_missing_required_fields_each_get_their_message():
    fields = field_errors(START_FORM, {"caption": "x"})
    assert fields == {"judul": [REQUIRED], "tanggal_kegiatan": [REQUIRED], "foto": [REQUIRED]}
    assert list(fields) == ["judul", "tanggal_kegiatan", "foto"]  # in the form's order


def test_null_in_a_required_text_field_reads_as_not_filled_in():
    assert field_errors(START_FORM, start(judul=None)) == {"judul": [REQUIRED]}


def test_title_too_short():
    assert field_errors(START_FORM, start(judul="ab"))["judul"] == [
        {"id": "Paling sedikit 3 karakter (sekarang 2).", "en": "At least 3 characters (now 2)."}]


def test_missing_decision():
    assert field_errors(DECISION_FORM, {"catatan": "sudah dibaca"}) == {"keputusan": [REQUIRED]}


def test_rejection_without_reason_requires_alasan():
    assert field_errors(DECISION_FORM, {"keputusan": "Tidak"}) == {"alasan": [REQUIRED]}
    assert field_errors(DECISION_FORM, {"keputusan": "Tidak", "alasan": ""}) == {
        "alasan": [REQUIRED]}


def test_rejection_with_reason_and_approval_without_reason_pass():
    rejected = {"keputusan": "Tidak", "alasan": "Foto buram"}
    assert validate_submission(DECISION_FORM, rejected) == rejected
    assert validate_submission(DECISION_FORM, {"keputusan": "Ya"}) == {"keputusan": "Ya"}


def test_decision_outside_enum():
    fields = field_errors(DECISION_FORM, {"keputusan": "Mungkin"})
    assert fields == {"keputusan": [{"id": "Pilih salah satu: Ya, Tidak.",
                                     "en": "Choose one of: Ya, Tidak."}]}


def test_checkbox_choice_outside_enum_lands_on_the_field():
    fields = field_errors(START_FORM, start(platform=["Instagram", "Friendster"]))
    assert fields == {"platform": [{
        "id": "Pilih salah satu: Instagram, X (Twitter), Facebook, TikTok, YouTube.",
        "en": "Choose one of: Instagram, X (Twitter), Facebook, TikTok, YouTube."}]}
    assert field_errors(START_FORM, start(platform=[]))["platform"] == [
        {"id": "Pilih paling sedikit 1 (sekarang 0).", "en": "Choose at least 1 (now 0)."}]


@pytest.mark.parametrize("bad", ["2024-02-30", "17-08-2024", "2024-8-17", "2024-08-17T10:00",
                                 "kemarin", "２０２４-08-17"])
def test_bad_date(bad):
    assert field_errors(START_FORM, start(tanggal_kegiatan=bad)) == {"tanggal_kegiatan": [{
        "id": "Tanggal tidak sah; gunakan format TTTT-BB-HH.",
        "en": "Invalid date; use the format YYYY-MM-DD."}]}


@pytest.mark.parametrize("bad", ["2024-08-17T09:30", "2024-08-17 09:30:00+07:00",
                                 "2024-08-17T25:00:00Z", "2024-02-30T09:00:00Z"])
def test_bad_date_time(bad):
    fields = field_errors(START_FORM, start(waktu_mulai=bad))
    assert fields["waktu_mulai"][0]["id"].startswith("Tanggal dan waktu tidak sah")


def test_good_date_times():
    for good in ("2024-08-17T09:30:00Z", "2024-08-17T09:30:00.5+07:00"):
        validate_submission(START_FORM, start(waktu_mulai=good))


@pytest.mark.parametrize("bad", ["kemenpora.go.id/berita", "javascript:alert(1)",
                                 "https://", "https://contoh go.id/", "ftp://contoh.go.id/x",
                                 "https://contoh.go.id:99999/", "http://-bad-.go.id/"])
def test_bad_uri(bad):
    fields = field_errors(START_FORM, start(tautan=["https://contoh.go.id/ok", bad]))
    assert list(fields) == ["tautan"]
    assert fields["tautan"][0]["id"].startswith("Tautan tidak sah")
    assert fields["tautan"][0]["en"].startswith("Invalid link")


def test_bad_email():
    fields = field_errors(START_FORM, start(email_narahubung="humas@kemenpora"))
    assert fields["email_narahubung"][0]["en"].startswith("Invalid email address")


def test_unknown_field():
    fields = field_errors(START_FORM, start(nama_tidak_dikenal="x", hack=1))
    assert fields == {"nama_tidak_dikenal": [UNKNOWN], "hack": [UNKNOWN]}


@pytest.mark.parametrize("data", [None, [], "judul", 3, True])
def test_data_that_is_not_an_object(data):
    fields = field_errors(START_FORM, data)
    assert list(fields) == ["_form"]
    assert "objek JSON" in fields["_form"][0]["id"]


def test_numbers_patterns_consts_and_types():
    fields = field_errors(START_FORM, start(jumlah_peserta=0, kode_kegiatan="hms1",
                                            pernyataan=False, caption=5))
    assert fields == {
        "caption": [{"id": "Harus berupa teks.", "en": "Must be text."}],
        "jumlah_peserta": [{"id": "Paling kecil 1.", "en": "Must be at least 1."}],
        "kode_kegiatan": [{"id": "Bentuk isian tidak sesuai ketentuan.",
                           "en": "This value is not in the expected form."}],
        "pernyataan": [{"id": "Harus dicentang.", "en": "Must be ticked."}],
    }
    assert field_errors(START_FORM, start(jumlah_peserta=5001))["jumlah_peserta"] == [
        {"id": "Paling besar 5000.", "en": "Must be at most 5000."}]
    assert field_errors(START_FORM, start(jumlah_peserta="40"))["jumlah_peserta"] == [
        {"id": "Harus berupa bilangan bulat.", "en": "Must be a whole number."}]


def test_many_problems_are_reported_together():
    fields = field_errors(START_FORM, {"judul": "x" * 201, "caption": "y" * 300,
                                       "tanggal_kegiatan": "besok", "foto": [], "asing": 1})
    assert list(fields) == ["judul", "caption", "tanggal_kegiatan", "foto", "asing"]


def test_attachment_ok_refusing_an_id():
    seen = []

    def attachment_ok(attachment_id: str) -> bool:
        seen.append(attachment_id)
        return attachment_id != "att-3"

    fields = field_errors(START_FORM, start(), attachment_ok=attachment_ok)
    assert fields == {"foto": [{"id": "Berkas tidak ditemukan atau bukan milik instansi Anda.",
                                "en": "File not found or not owned by your agency."}]}
    assert seen == PHOTOS
    assert validate_submission(START_FORM, start(), attachment_ok=lambda _id: True) == start()


def test_attachment_of_a_type_the_field_does_not_accept():
    types = {"att-1": "image/png", "att-2": "image/jpeg", "att-3": "application/pdf",
             "att-4": "image/webp"}
    fields = field_errors(START_FORM, start(), attachment_ok=lambda _id: True,
                          attachment_type=types.get)
    assert fields == {"foto": [{"id": "Jenis berkas tidak sesuai untuk isian ini (diterima: foto).",
                                "en": "This file type is not accepted here (accepted: photos)."}]}


def test_too_many_attachments_are_not_looked_up_one_by_one():
    calls = []
    ids = [f"att-{i}" for i in range(500)]
    fields = field_errors(START_FORM, start(foto=ids), attachment_ok=calls.append)
    assert calls == []
    assert fields["foto"][0]["id"] == "Unggah paling banyak 20 berkas (sekarang 500)."


def test_error_serialises_per_locale():
    with pytest.raises(InvalidInput) as caught:
        validate_submission(START_FORM, start(caption="a" * 201))
    assert caught.value.to_dict("en")["fields"] == {"caption": ["At most 200 characters (now 201)."]}
    assert caught.value.to_dict("id")["fields"] == {
        "caption": ["Paling banyak 200 karakter (sekarang 201)."]}
    assert caught.value.status == 422


def test_a_prepared_validator_can_be_passed():
    validator = make_validator(DECISION_FORM)
    assert isinstance(validator, Draft202012Validator)
    assert validator.format_checker is FORMAT_CHECKER
    assert validate_submission(validator, {"keputusan": "Ya"}) == {"keputusan": "Ya"}
    assert field_errors(validator, {"keputusan": "Tidak"}) == {"alasan": [REQUIRED]}


def test_helpers_read_the_alur_conventions():
    assert decision_field(DECISION_FORM) == ("keputusan", ["Ya", "Tidak"], ["Tidak"])
    assert decision_field(START_FORM) is None
    assert file_fields(START_FORM) == {"foto": ["image/*"]}
    assert file_fields(DECISION_FORM) == {}
    assert title_field_value({"judul": "  Rapat humas "}) == "Rapat humas"
    assert title_field_value({"judul": "   "}) is None
    assert title_field_value({"caption": "x"}) is None
    assert title_field_value(None) is None
