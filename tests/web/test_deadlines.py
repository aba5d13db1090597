"""Due times in words: how far (work/services/due.py) and how it reads (web/dates.py)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.timeplan import WorkCalendar
from server.web import dates
from server.timeplan import time_left
from server.work.services.due import due_rule

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkCalendar()  # Monday to Friday 07.30-16.00, national holidays off


def at(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize("due,now,left,id_text,en_text", [
    # Within the day: clock hours and minutes.
    (at(14, 15, 0), at(14, 13, 0), {"late": False, "minutes": 120}, "2 jam lagi", "in 2 hours"),
    (at(14, 15, 0), at(14, 14, 15), {"late": False, "minutes": 45}, "45 menit lagi", "in 45 minutes"),
    (at(14, 15, 0), at(14, 14, 59), {"late": False, "minutes": 1}, "1 menit lagi", "in 1 minute"),
    (at(14, 15, 0), at(14, 16, 0), {"late": True, "minutes": 60}, "terlambat 1 jam", "1 hour late"),
    (at(14, 15, 0), at(14, 15, 0), {"late": True, "minutes": 1}, "terlambat 1 menit", "1 minute late"),
    # Across days: working days of the calendar. Monday 17 August 2026 is Independence Day.
    (at(18, 16, 0), at(14, 15, 0), {"late": False, "working_days": 1}, "1 hari kerja lagi", "in 1 working day"),
    (at(19, 16, 0), at(14, 15, 0), {"late": False, "working_days": 2}, "2 hari kerja lagi", "in 2 working days"),
    (at(14, 16, 0), at(20, 9, 0), {"late": True, "working_days": 3},
     "terlambat 3 hari kerja", "3 working days late"),
    # A weekend alone is no working day lost: still counted in hours.
    (at(14, 16, 0), at(16, 10, 0), {"late": True, "minutes": 42 * 60}, "terlambat 42 jam", "42 hours late"),
])
def test_how_far_a_due_time_is_and_how_it_reads(due, now, left, id_text, en_text):
    assert time_left(due, now, CALENDAR) == left
    assert dates.relative(left, "id") == id_text
    assert dates.relative(left, "en") == en_text


def test_no_due_time_has_no_words():
    assert time_left(None, at(14, 9), CALENDAR) is None
    assert dates.relative(None) == ""


def test_an_agency_day_off_is_not_a_working_day_left():
    own = WorkCalendar(extra_days_off=[datetime(2026, 8, 18).date()])
    assert time_left(at(19, 16), at(14, 15), own) == {"late": False, "working_days": 1}


STEP_DAYS = {"waktu": "1 hari", "waktu_kode": "P1D", "waktu_acuan": ""}
STEP_H1 = {"waktu": "H+1 setelah kegiatan berlangsung", "waktu_kode": "H+1", "waktu_acuan": "tanggal_kegiatan"}
STEP_AFTER = {"waktu": "Hari H Setelah pengumpulan dokumentasi dan konten", "waktu_kode": "H+0",
              "waktu_acuan": "selesai:s01_serahkan_dokumentasi"}
STEP_BY_KIND = {"waktu": "Untuk unggahan konten kegiatan/seremoni, hari H setelah kegiatan berlangsung; "
                         "Untuk infografis informasi rencana kegiatan, minimal 3 hari sebelum kegiatan dimulai",
                "waktu_kode": "jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3",
                "waktu_acuan": "tanggal_kegiatan"}
LABELS = {"tanggal_kegiatan": "Tanggal kegiatan", "s01_serahkan_dokumentasi": "Menyerahkan dokumentasi"}


def test_the_rule_that_set_a_due_time_in_the_sops_words():
    rule = due_rule(STEP_DAYS, CALENDAR, {}, {}, LABELS)
    assert dates.due_rule(rule, "id") == "Waktu: 1 hari (1 hari kerja)"
    assert dates.due_rule(rule, "en") == "Waktu: 1 hari (1 working day)"
    same = due_rule({"waktu": "1 hari kerja", "waktu_kode": "P1D"}, CALENDAR, {}, {}, LABELS)
    assert dates.due_rule(same, "id") == "Waktu: 1 hari kerja"  # nothing said twice


def test_an_h_code_shows_the_date_it_counts_from():
    rule = due_rule(STEP_H1, CALENDAR, {"tanggal_kegiatan": "2026-08-14"}, {}, LABELS)
    assert rule["acuan_date"] == "2026-08-14" and rule["kode"] == "H+1"
    assert dates.due_rule(rule, "id") == ("Waktu: H+1 setelah kegiatan berlangsung "
                                          "(dihitung dari Tanggal kegiatan, Jumat, 14 Agustus 2026)")
    assert dates.due_rule(rule, "en") == ("Waktu: H+1 setelah kegiatan berlangsung "
                                          "(counted from Tanggal kegiatan, Friday, 14 August 2026)")
    unknown = due_rule(STEP_H1, CALENDAR, {}, {}, LABELS)
    assert dates.due_rule(unknown, "id").endswith("(belum ada tanggal untuk Tanggal kegiatan)")


def test_counting_from_a_step_done_and_from_the_branch_that_applies():
    rule = due_rule(STEP_AFTER, CALENDAR, {}, {"s01_serahkan_dokumentasi": at(18, 10)}, LABELS)
    assert dates.due_rule(rule, "id") == ("Waktu: Hari H Setelah pengumpulan dokumentasi dan konten "
                                          "(dihitung dari selesainya \u201cMenyerahkan dokumentasi\u201d, "
                                          "Selasa, 18 Agustus 2026)")
    rule = due_rule(STEP_BY_KIND, CALENDAR, {"jenis_konten": "Infografis rencana kegiatan",
                                             "tanggal_kegiatan": "2026-08-14"}, {}, LABELS)
    assert rule["kode"] == "H-3" and rule["acuan_date"] == "2026-08-14"
    assert "dihitung dari Tanggal kegiatan, Jumat, 14 Agustus 2026" in dates.due_rule(rule, "id")


def test_a_step_without_waktu_has_no_rule():
    assert due_rule({"waktu": "", "waktu_kode": ""}, CALENDAR, {}, {}, LABELS) is None
    assert dates.due_rule(None) == ""
