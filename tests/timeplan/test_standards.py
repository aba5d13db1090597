"""Time standards: the machine form, the seed's words, and due dates checked by hand."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from server.timeplan import (Conditional, Duration, Recurrence, Relative, WorkCalendar, add_months,
                             check, due_iso, next_occurrence_iso, parse_clauses, parse_kode,
                             parse_words)

ROOT = Path(__file__).resolve().parents[2]
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
CAL = WorkCalendar()

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def at(y, mo, d, h=0, mi=0, zone=WIB):
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def seed_elements():
    """(file, process id, element id, waktu, kode, acuan) for every element carrying sop.waktu."""
    rows = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        tree = etree.parse(str(path), parser)
        for process in tree.iter(f"{BPMN}process"):
            for element in process.iter():
                props = {p.get("name"): p.get("value")
                         for p in element.findall(f"{BPMN}extensionElements/{SPIFF}properties/"
                                                  f"{SPIFF}property")}
                if "sop.waktu" in props:
                    rows.append((path.name, process.get("id"), element.get("id"),
                                 props["sop.waktu"], props.get("sop.waktu.kode", ""),
                                 props.get("sop.waktu.acuan", "")))
    return rows


SEEDS = seed_elements()


def test_the_seed_diagrams_were_found():
    assert len(SEEDS) >= 35
    assert {row[0] for row in SEEDS} >= {"000_kemenpora_publikasi_media_sosial.bpmn",
                                         "004_dki_ksd_pengelolaan_media_sosial.bpmn"}


# -- the machine form ----------------------------------------------------------------------------

@pytest.mark.parametrize("kode, kind", [
    ("PT10M", Duration), ("PT2H", Duration), ("PT120M", Duration), ("P1D", Duration),
    ("P2D", Duration), ("P1W", Duration), ("P1M", Duration), ("PT30S", Duration),
    ("PT1H30M", Duration), ("H+0", Relative), ("H+1", Relative), ("H-3", Relative),
    ("R/P1M/W1", Recurrence), ("R/P3M/W2", Recurrence),
    ("jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3|Infografis ucapan:H+0",
     Conditional),
])
def test_parse_kode_round_trips(kode, kind):
    standard = parse_kode(kode)
    assert isinstance(standard, kind)
    assert standard.kode == kode == str(standard)
    assert parse_kode(f"  {kode} ") == standard


def test_parse_kode_parts():
    assert parse_kode("PT120M") == Duration(minutes=120)
    assert parse_kode("PT120M").working_time == timedelta(hours=2)
    assert parse_kode("H-3") == Relative(offset=-3)
    assert parse_kode("H-0") == Relative(offset=0)
    cond = parse_kode("jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3")
    assert cond.field == "jenis_konten"
    assert cond.branch({"jenis_konten": "Infografis rencana kegiatan"}) == Relative(-3)
    assert cond.branch({"jenis_konten": "lain"}) is None
    assert cond.needs_acuan and not parse_kode("PT2H").needs_acuan


@pytest.mark.parametrize("kode, message", [
    ("", "empty"), ("   ", "empty"), ("P0D", "zero"), ("PT0M", "zero"), ("PT", "unknown"),
    ("10 menit", "unknown"), ("P1DT2H", "mixes days and hours"), ("P1Y", "unknown"),
    ("H+", "unknown"), ("H*1", "unknown"), ("R/P1M", "unknown"), ("R/P5M/W1", "divide a year"),
    ("R/P1M/W5", "W1 to W4"), ("P99999D", "at most"), ("PT20000H", "at most"),
    ("jenis_konten=", "expected field=value"), ("jenis_konten=Kegiatan", "not value:kode"),
    ("jenis_konten=Kegiatan:PX", "unknown"), ("jenis konten=a:H+0", "expected field=value"),
    ("jenis_konten=a:H+0|a:H-3", "appears twice"), ("x=a:y=b:H+0", "contains ':'"),
])
def test_invalid_kode(kode, message):
    with pytest.raises(ValueError, match=message):
        parse_kode(kode)


def test_check_pairs_kode_and_acuan():
    assert check("H+1", "tanggal_kegiatan") == Relative(1)
    assert check("H+0", "selesai:s01_serahkan_dokumentasi") == Relative(0)
    assert check("PT2H") == Duration(hours=2)
    with pytest.raises(ValueError, match="set sop.waktu.acuan"):
        check("H+1")
    with pytest.raises(ValueError, match="has no meaning"):
        check("PT2H", "tanggal_kegiatan")
    with pytest.raises(ValueError, match="neither a data field"):
        check("H+1", "tanggal kegiatan")


# -- the human form ------------------------------------------------------------------------------

@pytest.mark.parametrize("kode, acuan, indonesian, english", [
    ("PT10M", "", "10 menit kerja", "10 minutes of working time"),
    ("PT1H", "", "1 jam kerja", "1 hour of working time"),
    ("PT1H30M", "", "1 jam 30 menit kerja", "1 hour 30 minutes of working time"),
    ("PT30S", "", "30 detik kerja", "30 seconds of working time"),
    ("P1D", "", "1 hari kerja", "1 working day"),
    ("P2D", "", "2 hari kerja", "2 working days"),
    ("P1W", "", "1 minggu kerja", "1 working week"),
    ("P1M", "", "1 bulan", "1 month"),
    ("H+0", "tanggal_kegiatan", "hari H (tanggal kegiatan)", "on the day (tanggal kegiatan)"),
    ("H+1", "tanggal_kegiatan", "H+1 setelah tanggal kegiatan", "1 working day after tanggal kegiatan"),
    ("H-3", "tanggal_kegiatan", "H-3 sebelum tanggal kegiatan",
     "3 working days before tanggal kegiatan"),
    ("H+0", "selesai:s01_serahkan_dokumentasi", "hari H (selesainya s01_serahkan_dokumentasi)",
     "on the day (the completion of s01_serahkan_dokumentasi)"),
    ("R/P1M/W1", "", "tiap bulan, minggu ke-1", "every month, in week 1"),
    ("R/P3M/W2", "", "tiap 3 bulan, minggu ke-2", "every 3 months, in week 2"),
])
def test_describe(kode, acuan, indonesian, english):
    standard = parse_kode(kode)
    assert standard.describe("id", acuan) == indonesian
    assert standard.describe("en", acuan) == english
    assert standard.describe("en_US", acuan) == english


def test_describe_conditional_and_labels():
    cond = parse_kode("jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3")
    assert cond.describe("id", "tanggal_kegiatan") == (
        "menurut jenis konten: Kegiatan/seremoni: hari H (tanggal kegiatan); "
        "Infografis rencana kegiatan: H-3 sebelum tanggal kegiatan")
    assert parse_kode("H+1").describe("id", "tanggal_kegiatan", acuan_label="kegiatan") == \
        "H+1 setelah kegiatan"
    with pytest.raises(ValueError, match="locale"):
        parse_kode("P1D").describe("de")


# -- the seed's words ----------------------------------------------------------------------------

@pytest.mark.parametrize("words, kode", [
    ("10 menit", "PT10M"), ("5 menit", "PT5M"), ("120 menit", "PT120M"), ("1 jam", "PT1H"),
    ("2 jam", "PT2H"), ("30 detik", "PT30S"), ("1 hari", "P1D"), ("2 hari", "P2D"),
    ("2 hari kerja", "P2D"), ("1 minggu", "P1W"), ("1 bulan", "P1M"),
    ("paling lambat 3 hari kerja", "P3D"),
    ("Hari H setelah kegiatan berlangsung", "H+0"),
    ("Hari H Setelah pengumpulan dokumentasi dan konten", "H+0"),
    ("H+1 setelah kegiatan berlangsung", "H+1"),
    ("minimal 3 hari sebelum kegiatan dimulai", "H-3"),
    ("H-3 sebelum kegiatan", "H-3"), ("1 hari setelah kegiatan", "H+1"),
    ("sebelum atau hari H", "H+0"), ("  Sebelum  atau hari H. ", "H+0"),
    ("tiap bulan minggu ke-1", "R/P1M/W1"), ("setiap bulan, minggu pertama", "R/P1M/W1"),
    ("tiap 3 bulan minggu ke-2", "R/P3M/W2"), ("", ""),
])
def test_parse_words(words, kode):
    assert parse_words(words) == kode


@pytest.mark.parametrize("words", [
    "segera", "1 tahun", "10 menitan", "H+1 sebelum kegiatan", "H-2 setelah kegiatan",
    "3 hari kalender", "minimal 2 jam", "tiap bulan minggu ke-5", "0 menit", "99999 hari",
])
def test_unknown_words(words):
    with pytest.raises(ValueError):
        parse_words(words)


DKI_WAKTU = ("Untuk unggahan konten kegiatan/seremoni, hari H setelah kegiatan berlangsung; Untuk "
             "infografis informasi rencana kegiatan, minimal 3 hari sebelum kegiatan dimulai; Untuk "
             "infografis ucapan, sebelum atau hari H")
DKI_VALUES = ["Kegiatan/seremoni", "Infografis rencana kegiatan", "Infografis ucapan"]


def test_clauses_become_a_conditional():
    assert parse_clauses(DKI_WAKTU) == [
        ("unggahan konten kegiatan/seremoni", "H+0"),
        ("infografis informasi rencana kegiatan", "H-3"),
        ("infografis ucapan", "H+0"),
    ]
    assert parse_words(DKI_WAKTU, field="jenis_konten", values=DKI_VALUES) == (
        "jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3|Infografis ucapan:H+0")
    with pytest.raises(ValueError, match="give the data field"):
        parse_words(DKI_WAKTU)
    with pytest.raises(ValueError, match="3 clauses but 2 values"):
        parse_words(DKI_WAKTU, field="jenis_konten", values=DKI_VALUES[:2])


def _form_enums(process_id):
    values = set()
    for path in (ROOT / "forms" / process_id).glob("*.schema.json"):
        for prop in json.loads(path.read_text())["properties"].values():
            values.update(prop.get("enum", ()))
    return values


@pytest.mark.parametrize("row", SEEDS, ids=[f"{r[1]}:{r[2]}" for r in SEEDS])
def test_every_seed_waktu_gives_the_diagrams_kode(row):
    _file, process_id, _element, waktu, kode, acuan = row
    standard = check(kode, acuan) if kode else None
    if isinstance(standard, Conditional):
        values = [value for value, _ in standard.branches]
        assert set(values) <= _form_enums(process_id), "branch values are the form's choices"
        assert parse_words(waktu, field=standard.field, values=values) == kode
    else:
        assert parse_words(waktu) == kode
    if standard is not None:
        assert standard.describe("id", acuan) and standard.describe("en", acuan)


# -- due dates of every seed task ----------------------------------------------------------------

# All tasks start on Friday 14 Aug 2026 at 15.00 WIB, the event is that day, and Ponjong's step 1 is
# completed on Tuesday 18 Aug at 10.00. Monday 17 Aug is Independence Day. Checked by hand:
START = at(2026, 8, 14, 15)
DATA = {"tanggal_kegiatan": "2026-08-14"}
COMPLETED = {"s01_serahkan_dokumentasi": at(2026, 8, 18, 10)}
EXPECTED = {
    ("PT5M", ""): at(2026, 8, 14, 15, 5),
    ("PT10M", ""): at(2026, 8, 14, 15, 10),
    ("PT15M", ""): at(2026, 8, 14, 15, 15),
    ("PT30M", ""): at(2026, 8, 14, 15, 30),
    ("PT60M", ""): at(2026, 8, 14, 16),          # ends exactly at closing
    ("PT1H", ""): at(2026, 8, 14, 16),
    ("PT120M", ""): at(2026, 8, 18, 8, 30),      # 1 h on Friday, 1 h on Tuesday
    ("PT2H", ""): at(2026, 8, 18, 8, 30),
    ("P1D", ""): at(2026, 8, 18, 16),            # first working day after Friday
    ("P2D", ""): at(2026, 8, 19, 16),
    ("P1M", ""): at(2026, 9, 14, 16),            # 14 Sep 2026 is a Monday
    ("H+0", "tanggal_kegiatan"): at(2026, 8, 14, 16),
    ("H+1", "tanggal_kegiatan"): at(2026, 8, 18, 16),
    ("H+0", "selesai:s01_serahkan_dokumentasi"): at(2026, 8, 18, 16),
    ("R/P1M/W1", ""): at(2026, 9, 1, 7, 30),     # Tuesday 1 Sep, the month's first working day
}
DKI_EXPECTED = {
    "Kegiatan/seremoni": at(2026, 8, 14, 16),
    "Infografis rencana kegiatan": at(2026, 8, 11, 16),  # Thu 13, Wed 12, Tue 11
    "Infografis ucapan": at(2026, 8, 14, 16),
}
TASKS = [row for row in SEEDS if row[4]]


@pytest.mark.parametrize("row", TASKS, ids=[f"{r[1]}:{r[2]}" for r in TASKS])
def test_every_seed_task_due_date(row):
    _file, _process, _element, _waktu, kode, acuan = row
    standard = parse_kode(kode)
    if isinstance(standard, Conditional):
        for value, expected in DKI_EXPECTED.items():
            data = {**DATA, "jenis_konten": value}
            assert standard.due(START, data, CAL, acuan, COMPLETED) == expected, value
        return
    assert (kode, acuan) in EXPECTED, f"no hand-checked due date for {kode} / {acuan!r}"
    assert standard.due(START, DATA, CAL, acuan, COMPLETED) == EXPECTED[(kode, acuan)]


def test_some_seed_tasks_by_name():
    by_id = {(r[1], r[2]): r for r in SEEDS}

    def due(process, element, data=DATA, start=START):
        _f, _p, _e, _w, kode, acuan = by_id[(process, element)]
        return parse_kode(kode).due(start, data, CAL, acuan, COMPLETED)

    # Kemenpora row 4, "2 hari", produced from Friday afternoon: Tuesday, Wednesday.
    assert due("kemenpora_publikasi_media_sosial", "s04_produksi_konten") == at(2026, 8, 19, 16)
    # Nomporejo row 4, "H+1 setelah kegiatan berlangsung", event on the Friday before 17 Aug.
    assert due("nomporejo_konten_media_sosial", "s04_unggah_konten") == at(2026, 8, 18, 16)
    # BSIP row 1, "120 menit", from Wednesday 09.00: 11.00 the same day.
    assert due("bsip_informasi_media_sosial", "s01_rencanakan_materi",
               start=at(2026, 8, 12, 9)) == at(2026, 8, 12, 11)
    # Ponjong row 2 counts from the day step 1 was completed, not from the event.
    assert due("ponjong_upload_konten_media_sosial", "s02_terima_dokumentasi") == at(2026, 8, 18, 16)
    # DKI row 1 for an infographic announcing an event on Monday 24 Aug: Wednesday 19 Aug.
    assert due("dki_ksd_pengelolaan_media_sosial", "s01_serahkan_konsep_dokumentasi",
               data={"jenis_konten": "Infografis rencana kegiatan",
                     "tanggal_kegiatan": "2026-08-24"}) == at(2026, 8, 19, 16)
    # The monthly report: started at September's occurrence, due a month later.
    assert due("nomporejo_laporan_media_sosial", "s06_laporkan_analitik",
               start=at(2026, 9, 1, 7, 30)) == at(2026, 10, 1, 16)


# -- H forms -------------------------------------------------------------------------------------

def test_h_plus_1_when_the_event_falls_before_a_holiday():
    h1 = parse_kode("H+1")
    # Event Friday 14 Aug; Monday 17 Aug is Independence Day.
    assert h1.due(START, {"tanggal_kegiatan": "2026-08-14"}, CAL, "tanggal_kegiatan") == \
        at(2026, 8, 18, 16)
    # Event Wednesday 13 May; Thursday Ascension, Friday cuti bersama.
    assert h1.due(START, {"tanggal_kegiatan": "2026-05-13"}, CAL, "tanggal_kegiatan") == \
        at(2026, 5, 18, 16)
    # Event Tuesday 17 Mar, the day before Nyepi's cuti bersama and the Idul Fitri week.
    assert h1.due(START, {"tanggal_kegiatan": "2026-03-17"}, CAL, "tanggal_kegiatan") == \
        at(2026, 3, 25, 16)


def test_reference_date_on_a_day_off():
    h0, h1, h3 = parse_kode("H+0"), parse_kode("H+1"), parse_kode("H-3")
    sunday = {"tanggal_kegiatan": "2026-08-23"}
    assert h0.due(START, sunday, CAL, "tanggal_kegiatan") == at(2026, 8, 24, 16)
    assert h1.due(START, sunday, CAL, "tanggal_kegiatan") == at(2026, 8, 24, 16)
    assert h3.due(START, sunday, CAL, "tanggal_kegiatan") == at(2026, 8, 19, 16)  # Fri, Thu, Wed
    cuti = {"tanggal_kegiatan": "2026-03-18"}
    assert h0.due(START, cuti, CAL, "tanggal_kegiatan") == at(2026, 3, 25, 16)
    # H-3 before Tuesday 18 Aug skips Independence Day: Fri 14, Thu 13, Wed 12.
    assert h3.due(START, {"tanggal_kegiatan": "2026-08-18"}, CAL, "tanggal_kegiatan") == \
        at(2026, 8, 12, 16)


def test_reference_dates_in_other_shapes():
    h0 = parse_kode("H+0")
    for value in ("2026-08-14", date(2026, 8, 14), "2026-08-14T10:00:00+07:00",
                  datetime(2026, 8, 14, 2, tzinfo=timezone.utc)):
        assert h0.due(START, {"tanggal_kegiatan": value}, CAL, "tanggal_kegiatan") == \
            at(2026, 8, 14, 16), value
    # 20.00 UTC on Friday is Saturday in WIB: the close of Tuesday (Monday is 17 Aug).
    late = {"s01": datetime(2026, 8, 14, 20, tzinfo=timezone.utc)}
    assert h0.due(START, {}, CAL, "selesai:s01", late) == at(2026, 8, 18, 16)


def test_missing_reference_gives_no_due_date():
    h1 = parse_kode("H+1")
    assert h1.due(START, {}, CAL, "tanggal_kegiatan") is None
    assert h1.due(START, {"tanggal_kegiatan": None}, CAL, "tanggal_kegiatan") is None
    assert h1.due(START, {"tanggal_kegiatan": "besok"}, CAL, "tanggal_kegiatan") is None
    assert h1.due(START, DATA, CAL, "selesai:s01_serahkan_dokumentasi") is None
    cond = parse_kode("jenis_konten=Kegiatan/seremoni:H+0|Infografis ucapan:PT2H")
    assert cond.due(START, DATA, CAL, "tanggal_kegiatan") is None
    assert cond.due(START, {"jenis_konten": "Infografis ucapan"}, CAL, "tanggal_kegiatan") == \
        at(2026, 8, 18, 8, 30)
    with pytest.raises(ValueError, match="needs sop.waktu.acuan"):
        h1.due(START, DATA, CAL)


# -- durations -----------------------------------------------------------------------------------

def test_weeks_are_a_working_week_of_the_agency():
    week = parse_kode("P1W")
    assert week.due(at(2026, 8, 10, 9), {}, CAL) == at(2026, 8, 18, 16)  # past 17 Aug
    assert week.due(at(2026, 8, 3, 9), {}, CAL) == at(2026, 8, 10, 16)      # a plain week
    six = WorkCalendar(workdays={0, 1, 2, 3, 4, 5})
    assert week.due(at(2026, 8, 3, 9), {}, six) == at(2026, 8, 10, 16)


def test_months_are_calendar_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    month = parse_kode("P1M")
    # 31 Jan + 1 month = Saturday 28 Feb: the close of Monday 2 Mar.
    assert month.due(at(2026, 1, 31, 9), {}, CAL) == at(2026, 3, 2, 16)
    # 20 Feb + 1 month = Friday 20 Mar, cuti bersama: the close of Wednesday 25 Mar.
    assert month.due(at(2026, 2, 20, 9), {}, CAL) == at(2026, 3, 25, 16)


def test_durations_in_wita():
    wita = WorkCalendar(timezone="Asia/Makassar")
    assert parse_kode("PT2H").due(at(2026, 8, 14, 15, zone=WITA), {}, wita) == \
        at(2026, 8, 18, 8, 30, zone=WITA)
    # 15.00 WIB is 16.00 WITA: closed in Makassar, so the ten minutes run on Tuesday.
    assert parse_kode("PT10M").due(START, {}, wita) == at(2026, 8, 18, 7, 40, zone=WITA)


# -- recurrence ----------------------------------------------------------------------------------

def test_next_occurrence_monthly_week_one():
    monthly = parse_kode("R/P1M/W1")
    assert monthly.next_occurrence(START, CAL) == at(2026, 9, 1, 7, 30)
    # Before March's occurrence: Sunday 1 Mar, so Monday 2 Mar.
    assert monthly.next_occurrence(at(2026, 3, 1), CAL) == at(2026, 3, 2, 7, 30)
    # Exactly at an occurrence: the next one (Wednesday 1 Apr).
    assert monthly.next_occurrence(at(2026, 3, 2, 7, 30), CAL) == at(2026, 4, 1, 7, 30)
    # 1 Jan 2026 is New Year's Day: Friday 2 Jan.
    assert monthly.next_occurrence(at(2025, 12, 10), CAL) == at(2026, 1, 2, 7, 30)
    # April 2025's first week is wholly off (Idul Fitri and cuti bersama to Monday 7 Apr).
    assert monthly.next_occurrence(at(2025, 3, 15), CAL) == at(2025, 4, 8, 7, 30)
    assert monthly.due(START, {}, CAL) == at(2026, 9, 1, 7, 30)


def test_other_recurrences():
    assert parse_kode("R/P3M/W1").next_occurrence(at(2026, 2, 10), CAL) == at(2026, 4, 1, 7, 30)
    # Week 2 starts Saturday 8 Aug: Monday 10 Aug.
    assert parse_kode("R/P1M/W2").next_occurrence(at(2026, 8, 1), CAL) == at(2026, 8, 10, 7, 30)
    assert parse_kode("R/P12M/W1").next_occurrence(at(2026, 1, 5), CAL) == at(2027, 1, 4, 7, 30)
    wit = WorkCalendar(timezone="Asia/Jayapura")
    moment = parse_kode("R/P1M/W1").next_occurrence(START, wit)
    assert moment == datetime(2026, 9, 1, 7, 30, tzinfo=ZoneInfo("Asia/Jayapura"))


# -- wrappers for timer expressions ----------------------------------------------------------------

def test_iso_wrappers():
    assert due_iso("PT2H", "2026-08-14T15:00:00+07:00") == "2026-08-18T08:30:00+07:00"
    assert due_iso("PT2H", "2026-08-14T08:00:00Z") == "2026-08-18T08:30:00+07:00"
    assert due_iso("H+1", "2026-08-14T15:00:00+07:00", DATA, CAL, "tanggal_kegiatan") == \
        "2026-08-18T16:00:00+07:00"
    assert due_iso("H+0", START, {}, CAL, "selesai:s01",
                   {"s01": "2026-08-18T03:00:00+00:00"}) == "2026-08-18T16:00:00+07:00"
    assert due_iso("H+1", START, {}, CAL, "tanggal_kegiatan") is None
    assert next_occurrence_iso("R/P1M/W1", "2026-08-14T15:00:00+07:00") == "2026-09-01T07:30:00+07:00"
    wita = WorkCalendar(timezone="Asia/Makassar")
    assert due_iso("P1D", "2026-08-14T15:00:00+08:00", calendar=wita) == "2026-08-18T16:00:00+08:00"
    with pytest.raises(ValueError, match="no timezone"):
        due_iso("PT2H", "2026-08-14T15:00:00")
    with pytest.raises(ValueError, match="does not recur"):
        next_occurrence_iso("P1M", START)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", due_iso("PT10M", START))
