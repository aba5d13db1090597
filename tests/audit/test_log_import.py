"""Logs brought from outside: Alur's own XES and CSV read back as written, the CSV variants of
spreadsheets, and every kind of bad file refused with a message that says what is wrong."""
from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from server.audit.services.event_log import LogEvent, LogTrace
from server.audit.services.log_csv import write_csv
from server.audit.services.log_import import MAX_BYTES, read_log
from server.audit.services.xes import write_xes
from server.errors import InvalidInput

from .bad_logs import BAD_LOGS, XXE
from .test_xes_rules import sample_traces

UTC = timezone.utc


def _ms(moment):
    return None if moment is None else moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _as_read(trace: LogTrace) -> LogTrace:
    """What reading a written trace gives: dates to the millisecond, Alur's ids not taken from a
    file (the instance id stays an attribute), missing attributes omitted."""
    attributes = {k: _ms(v) if isinstance(v, datetime) else v for k, v in trace.attributes.items() if v is not None}
    if trace.instance_id is not None:
        attributes["instance"] = trace.instance_id
    events = [LogEvent(e.activity, e.transition, _ms(e.at), e.resource, e.role, e.element_id, e.row, e.waktu,
                       None, None, _ms(e.due_at), e.task_state) for e in trace.events]
    return LogTrace(trace.case, events, None, attributes)


def _nan_free(traces):
    for t in traces:
        t.attributes.pop("ratio", None)  # NaN is never equal to itself
    return traces


def test_our_xes_reads_back_as_written():
    written = _nan_free(sample_traces())
    out = io.BytesIO()
    write_xes(written, out, log_name="SOP Uji", tz="Asia/Jakarta")
    log = read_log("sop-uji.xes", out.getvalue())
    assert log.format == "xes" and log.name == "SOP Uji" and log.warnings == []
    expected = [_as_read(t) for t in written]
    # the control character XML cannot carry comes back as U+FFFD
    expected[0].events[2] = replace(expected[0].events[2], activity="Membahas\tkonsep\ufffd")
    assert log.traces == expected
    assert log.events == 4
    assert log.traces[0].events[1].at == datetime(2026, 11, 23, 2, 35, 0, 123000, tzinfo=UTC)


def test_a_gzipped_xes_reads_the_same():
    out = io.BytesIO()
    write_xes(_nan_free(sample_traces()), out, log_name="SOP Uji")
    plain = read_log("a.xes", out.getvalue())
    assert read_log("a.xes.gz", gzip.compress(out.getvalue())).traces == plain.traces


def test_our_csv_reads_back_as_written():
    written = sample_traces()
    for sep in ("comma", "semicolon"):
        out = io.StringIO()
        write_csv(written, out, tz="Asia/Jakarta", sep=sep)
        log = read_log("log.csv", out.getvalue().encode("utf-8"))
        assert log.format == "csv" and log.warnings == []
        expected = [LogTrace(t.case, [LogEvent(e.activity, e.transition, _ms(e.at), e.resource, e.role, e.element_id,
                                               e.row, e.waktu, task_state=e.task_state) for e in t.events])
                    for t in written if t.events]  # a case is its rows: one without events has none
        assert log.traces == expected
        assert log.columns["case"] == "case"


CSV_VARIANTS = {
    "pm4py names, comma": ("case:concept:name,concept:name,time:timestamp,org:resource,org:role\n"
                           "K1,Mendisposisi,2026-11-23T09:30:00+07:00,budi,Kepala Biro\n"
                           "K1,Membahas,2026-11-23T10:00:00+07:00,ani,Ketua Tim\n", "utf-8"),
    "Indonesian, semicolon, BOM": ("\ufeffKasus;Kegiatan;Tanggal;Pelaksana;Jabatan\n"
                                   "K1;Mendisposisi;23/11/2026 09:30;budi;Kepala Biro\n"
                                   "K1;Membahas;23/11/2026 10:00:00;ani;Ketua Tim\n", "utf-8"),
    "tab, spaced names": ("Case ID\tActivity\tTimestamp\tResource\tRole\n"
                          "K1\tMendisposisi\t2026-11-23 09:30\tbudi\tKepala Biro\n"
                          "K1\tMembahas\t2026-11-23 10:00\tani\tKetua Tim\n", "utf-8"),
    "Excel sep line, dotted times": ("sep=;\nNo_Kasus;Aktivitas;Waktu_Selesai;Pelaksana;Jabatan\n"
                                     "K1;Mendisposisi;23.11.2026 09.30;budi;Kepala Biro\n"
                                     "K1;Membahas;23.11.2026 10.00;ani;Ketua Tim\n", "utf-8"),
    "UTF-16 from Excel": ("CASE\tACTIVITY\tTIMESTAMP\tRESOURCE\tROLE\n"
                         "K1\tMendisposisi\t2026-11-23T02:30:00Z\tbudi\tKepala Biro\n"
                         "K1\tMembahas\t2026-11-23T03:00:00Z\tani\tKetua Tim\n", "utf-16"),
}


@pytest.mark.parametrize("name", list(CSV_VARIANTS))
def test_csv_variants_of_spreadsheets(name):
    text, encoding = CSV_VARIANTS[name]
    log = read_log("catatan.csv", text.encode(encoding))
    assert log.format == "csv"
    [trace] = log.traces
    assert trace.case == "K1"
    assert [(e.activity, e.transition, e.at, e.resource, e.role) for e in trace.events] == [
        ("Mendisposisi", "complete", datetime(2026, 11, 23, 2, 30, tzinfo=UTC), "budi", "Kepala Biro"),
        ("Membahas", "complete", datetime(2026, 11, 23, 3, 0, tzinfo=UTC), "ani", "Ketua Tim")]


def test_csv_dates_and_lifecycles():
    text = ("case,activity,timestamp,lifecycle,start_timestamp,extra,row\n"
            "A,Satu,23-11-2026,,,x,1\n"
            "A,Dua,2026-11-24,start,,y,2\n"
            "A,Dua,2026-11-24T08:00:00.250,COMPLETE,,y,2\n"
            "B,Satu,24/11/2026 07:00,complete,24/11/2026 06:30,z,1\n"
            "B,Satu,24/11/2026 07:05,schedule,,z,1\n"
            "\n"
            "C,\"Tiga, dengan koma\",2026-11-25T10:00:00Z,,,z,'-3\n")
    log = read_log("log.csv", text.encode(), tz="Asia/Makassar")  # WITA, UTC+8
    a, b, c = log.traces
    wita = timezone(timedelta(hours=8))
    assert [(e.activity, e.transition, e.at, e.row) for e in a.events] == [
        ("Satu", "complete", datetime(2026, 11, 23, tzinfo=wita), "1"),
        ("Dua", "start", datetime(2026, 11, 24, tzinfo=wita), "2"),
        ("Dua", "complete", datetime(2026, 11, 24, 8, 0, 0, 250000, tzinfo=wita), "2")]
    assert [(e.transition, e.at) for e in b.events] == [
        ("start", datetime(2026, 11, 24, 6, 30, tzinfo=wita)), ("complete", datetime(2026, 11, 24, 7, tzinfo=wita))]
    assert c.events[0].activity == "Tiga, dengan koma" and c.events[0].row == "-3"  # the export's guard taken off
    assert any("schedule" in w for w in log.warnings) and any("schedule" in w for w in log.warnings_en)
    assert any("extra" in w for w in log.warnings_en)  # an unknown column, ignored
    assert log.columns == {"case": "case", "activity": "activity", "timestamp": "timestamp",
                           "lifecycle": "lifecycle", "start": "start_timestamp", "row": "row"}


def test_a_windows_1252_csv_is_read_with_a_warning():
    text = "case;activity;timestamp\nK1;Rapat café;2026-11-23 09:30\n"
    log = read_log("log.csv", text.encode("cp1252"))
    assert log.traces[0].events[0].activity == "Rapat café"
    assert log.warnings_en == ["The file is not UTF-8; it was read as Windows-1252."]


def test_xes_from_other_tools_without_namespace_and_with_other_lifecycles():
    document = b"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <string key="concept:name" value="dari alat lain"/>
  <trace><string key="concept:name" value="k-1"/>
    <event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="SCHEDULE"/>
      <date key="time:timestamp" value="2026-11-23T09:00:00"/></event>
    <event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="START"/>
      <date key="time:timestamp" value="2026-11-23T09:10:00.1234567+07:00"/></event>
    <event><string key="concept:name" value="A"/>
      <date key="time:timestamp" value="2026-11-23T09:20:00"/><string key="org:resource" value="ani"/>
      <string key="cost:amount" value="12"><string key="meta" value="nested"/></string></event>
  </trace>
  <trace><event><string key="concept:name" value="B"/><date key="time:timestamp" value="2026-11-24T01:00:00Z"/>
  </event></trace>
</log>"""
    log = read_log("lain.xes", document, tz="Asia/Jakarta")
    first, second = log.traces
    assert log.name == "dari alat lain" and first.case == "k-1" and second.case == "2"
    assert [(e.transition, e.at, e.resource) for e in first.events] == [
        ("start", datetime(2026, 11, 23, 2, 10, 0, 123456, tzinfo=UTC), None),
        ("complete", datetime(2026, 11, 23, 2, 20, tzinfo=UTC), "ani")]
    assert any("schedule" in w for w in log.warnings_en) and any("position" in w for w in log.warnings_en)


# --- bad files ----------------------------------------------------------------------------------

def _refusal(filename: str, data: bytes, **options) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_log(filename, data, **options)
    error = caught.value
    assert error.message_id.startswith("Log ditolak: ") and error.message_en.startswith("Log refused: ")
    assert error.fields["log"][0]["en"] in error.message_en
    return error


@pytest.mark.parametrize("filename, data, words", BAD_LOGS)
def test_bad_files_are_refused_saying_what_is_wrong(filename, data, words):
    error = _refusal(filename, data)
    assert words in error.message_en, error.message_en


def test_the_messages_are_in_indonesian_too():
    error = _refusal("log.csv", b"case,activity,timestamp\nK1,A,kemarin\n")
    assert error.message_id == ("Log ditolak: baris 2: tanggal 'kemarin' tidak dikenali; pakai ISO 8601 "
                                "(2026-11-23T09:30:00+07:00 atau 2026-11-23 09:30), dd/mm/yyyy hh:mm, atau dd-mm-yyyy.")
    assert error.detail == {"line": 2, "value": "kemarin"}
    assert "DOCTYPE" in _refusal("log.xes", XXE).message_id


def test_nothing_of_an_external_entity_is_read(tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("RAHASIA-NEGARA")
    document = XXE.replace(b"file:///etc/passwd", f"file://{secret}".encode())
    error = _refusal("log.xes", document)
    assert "RAHASIA" not in error.message_en and "RAHASIA" not in error.message_id


def _big_xes(size: int):
    """An XES document of at least `size` bytes, made as it is joined (no literal kept)."""
    head = b'<log xmlns="http://www.xes-standard.org/" xes.version="1849-2016">'
    trace = (b'<trace><string key="concept:name" value="k"/><event><string key="concept:name" value="A"/>'
             b'<date key="time:timestamp" value="2026-11-23T09:00:00.000+07:00"/></event></trace>')
    return b"".join([head, *(trace for _ in range(size // len(trace) + 1)), b"</log>"])


def test_a_file_over_the_size_cap_is_refused_before_it_is_parsed():
    document = _big_xes(MAX_BYTES + 1)
    error = _refusal("besar.xes", document)
    assert "over the limit of 100.0 MB" in error.message_en and "melebihi batas 100.0 MB" in error.message_id
    del document


def test_a_gzip_bomb_stops_at_the_cap():
    squeezer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    bomb = b"".join([*(squeezer.compress(block) for _ in range(200)), squeezer.flush()])  # 200 MB of zeros
    assert len(bomb) < 300_000
    error = _refusal("bom.xes.gz", bomb, max_bytes=8 * 1024 * 1024)
    assert "over the limit of 8.0 MB once decompressed" in error.message_en


def test_too_many_traces_or_events_are_refused():
    csv_text = "case,activity,timestamp\n" + "".join(f"K{n},A,2026-11-23\n" for n in range(30))
    error = _refusal("log.csv", csv_text.encode(), max_traces=20)
    assert "more than 20 cases (by line 22)" in error.message_en
    error = _refusal("log.csv", csv_text.encode(), max_events=10)
    assert "more than 10 events (by line 12)" in error.message_en
    error = _refusal("log.xes", _big_xes(20_000), max_events=50)
    assert "more than 50 events" in error.message_en


def test_an_excel_serial_or_us_date_is_not_guessed():
    for value in ("45254.5", "11/23/2026", "2026/11/23"):
        error = _refusal("log.csv", f"case,activity,timestamp\nK1,A,{value}\n".encode())
        assert f"the date '{value}'" in error.message_en


def test_a_waktu_column_is_the_time_only_when_no_other_column_gives_it():
    log = read_log("log.csv", b"Kasus;Kegiatan;Waktu\nK1;Rapat;23/11/2026 09:30\n")
    assert log.traces[0].events[0].at == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    log = read_log("log.csv", b"Kasus;Kegiatan;Tanggal;Waktu\nK1;Rapat;23/11/2026 09:30;1 hari\n")
    assert log.traces[0].events[0].waktu == "1 hari"


def test_events_of_a_trace_nested_elsewhere_are_not_taken():
    document = b"""<log xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="a"/>
    <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-11-23T09:00:00Z"/></event>
  </trace>
  <list key="x"><trace><event><string key="concept:name" value="B"/>
    <date key="time:timestamp" value="2026-11-23T09:00:00Z"/></event></trace></list>
  <trace><string key="concept:name" value="b"/>
    <event><string key="concept:name" value="C"/><date key="time:timestamp" value="2026-11-23T10:00:00Z"/></event>
  </trace>
</log>"""
    log = read_log("x.xes", document)
    assert [(t.case, [e.activity for e in t.events]) for t in log.traces] == [("a", ["A"]), ("b", ["C"])]
    assert any("outside any trace" in w for w in log.warnings_en)
