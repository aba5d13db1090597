"""The modeler's Waktu check: the server's parser and the agency's calendar answer as the owner
types (POST /api/v1/waktu/preview); only the agency's Pemilik Proses may ask."""
from __future__ import annotations

from datetime import date

import pytest

from server.kernel import calendars

PREVIEW = "/waktu/preview"


def test_a_duration_gets_its_words_and_the_due_time_on_the_agencys_calendar(login):
    owner = login("kemenpora.pemilik")
    r = owner.post(PREVIEW, json={"kode": "P1D", "agency": "kemenpora"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    # The test clock stands on Monday 23 November 2026, 09.30 WIB: the preview starts at that
    # day's opening and one working day later is Tuesday's close.
    assert body["valid"] is True and body["kode"] == "P1D"
    assert body["words"] == "1 hari kerja" and body["words_en"] == "1 working day"
    assert body["preview"].startswith("mulai Senin 23-11-2026 ")
    assert "→ tenggat Selasa 24-11-2026 " in body["preview"] and body["preview"].endswith(" WIB")
    assert body["preview_en"].startswith("start Monday 23-11-2026 ")
    assert body["due"].startswith("2026-11-24T")


def test_the_agencys_own_day_off_moves_the_due_time(login, seeded):
    owner = login("kemenpora.pemilik")
    calendars.set_day(seeded, "kemenpora", date(2026, 11, 24), "off", "cuti kantor")
    try:
        body = owner.post(PREVIEW, json={"kode": "P1D", "agency": "kemenpora"}).get_json()
    finally:
        calendars.forget()  # the cache outlives the test's database
    assert "→ tenggat Rabu 25-11-2026 " in body["preview"]


@pytest.mark.parametrize("kode, words, sentence", [
    ("PT30M", "30 menit kerja", "mulai Senin 23-11-2026"),
    ("H+1", "H+1", "tanggal acuan Senin 23-11-2026 → tenggat Selasa 24-11-2026"),
    ("R/P1M/W1", "tiap bulan, minggu ke-1", "berikutnya Selasa 01-12-2026"),
    ("jenis=Poster:P1D|Video:P2D", None, "tenggat menurut jenis: Poster: Selasa 24-11-2026"),
])
def test_every_kind_of_code_is_previewed(login, kode, words, sentence):
    body = login("kemenpora.pemilik").post(PREVIEW, json={"kode": kode, "agency": "kemenpora",
                                                          "start": "2026-11-23T09:00:00+07:00"}).get_json()
    assert body["valid"] is True, body
    if words:
        assert body["words"] == words
    assert sentence in body["preview"], body["preview"]


def test_a_code_that_is_not_one_is_answered_with_the_parsers_reason(login):
    r = login("kemenpora.pemilik").post(PREVIEW, json={"kode": "P1DT2H", "agency": "kemenpora"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["valid"] is False
    assert body["message"].startswith('Kode Waktu "P1DT2H" tidak dikenal')
    assert "mixes days and hours" in body["message_en"]


def test_bad_input_is_a_clear_422(login):
    owner = login("kemenpora.pemilik")
    r = owner.post(PREVIEW, json={"agency": "kemenpora"})
    assert r.status_code == 422 and "kode" in r.get_json()["fields"]
    r = owner.post(PREVIEW, json={"kode": "P1D", "agency": "kemenpora", "start": "2026-11-23T09:00:00"})
    assert r.status_code == 422 and "start" in r.get_json()["fields"]
    assert owner.post(PREVIEW, json={"kode": "P1D", "agency": "tidak-ada"}).status_code == 404


@pytest.mark.parametrize("username", ["kemenpora.pengawas", "kemenpora.pj", "bsip.pengawas"])
def test_only_the_agencys_process_owner_may_ask(login, username):
    r = login(username).post(PREVIEW, json={"kode": "P1D", "agency": "kemenpora"})
    assert r.status_code == 403


@pytest.mark.parametrize("start", ["2026-11-23t09:00:00z", "2026-11-23T08:59:60+07:00", "2026-11-23T09:00:00.123456789Z"])
def test_every_rfc3339_start_is_taken(login, start):
    body = login("kemenpora.pemilik").post(PREVIEW, json={"kode": "P1D", "agency": "kemenpora",
                                                          "start": start}).get_json()
    assert body["valid"] is True and "23-11-2026" in body["preview"]


def test_a_start_outside_the_calendars_years_is_answered_not_a_crash(login):
    body = login("kemenpora.pemilik").post(PREVIEW, json={"kode": "P1M", "agency": "kemenpora",
                                                          "start": "9999-12-31T23:59:59Z"}).get_json()
    assert body["valid"] is False and "1900" in body["message"]
