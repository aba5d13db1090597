"""Bad event-log files and what the refusal must say (in English), one table for every test
that sends a log in: the reader's own tests take them all, the upload routes' tests a few, so
the routes are checked against the same files the reader refuses."""
from __future__ import annotations

import gzip

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true"/></bpmn:definitions>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<log xmlns="http://www.xes-standard.org/" xes.version="1849-2016"><trace>
<string key="concept:name" value="&secret;"/></trace></log>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<log xmlns="http://www.xes-standard.org/"><string key="concept:name" value="&lol9;"/></log>"""


# (file name, its bytes, words the English message must contain)
BAD_LOGS = [
    ("log.xes", b"<!DOCTYPE html>\n<html><body><h1>Masuk</h1></body></html>", "an HTML page, not an XES log"),
    ("log.xes", b"<html><head></head><body>x</body></html>", "an HTML page"),
    ("diagram.xes", BPMN, "a BPMN diagram, not an XES log"),
    ("diagram.bpmn", BPMN, "a BPMN diagram"),
    ("log.xes", b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
     "its root element is <feed> (http://www.w3.org/2005/Atom), not <log>"),
    ("log.xes", XXE, "DOCTYPE/entity declaration (line 2)"),
    ("log.xes", LAUGHS, "DOCTYPE/entity declaration (line 2)"),
    ("log.xes", b'<?xml version="1.0" encoding="UTF-16"?><log/>', "encoding 'UTF-16' is not supported"),
    ("log.xes", "<log/>".encode("utf-16"), "UTF-16/UTF-32 is not supported"),
    ("log.xes", b'<log xmlns="http://www.xes-standard.org/">\n<trace>\n<event>\n</trace></log>',
     "not well-formed XML (line 4)"),
    ("log.xes", b"bukan xml sama sekali", "an XES file must be XML"),
    ("log.xes", b'<log xmlns="http://www.xes-standard.org/"><trace><event>\n'
                b'<string key="concept:name" value="A"/></event></trace></log>', "on line 1 has no time:timestamp"),
    ("log.xes", b'<log xmlns="http://www.xes-standard.org/"><trace><event>\n'
                b'<date key="time:timestamp" value="2026-11-23T09:00:00"/></event></trace></log>',
     "on line 1 has no concept:name"),
    ("log.xes", b'<log xmlns="http://www.xes-standard.org/"><trace>\n<event><string key="concept:name" value="A"/>'
                b'\n<date key="time:timestamp" value="kemarin"/></event></trace></log>',
     "the date 'kemarin' on line 2 cannot be read"),
    ("log.xes", b'<log xmlns="http://www.xes-standard.org/"><trace><string key="concept:name" value="1"/>'
                b'</trace></log>', "no start or complete event"),
    ("log.csv", b"", "the file is empty"),
    ("log.csv", b"  \r\n\r\n ", "the file is empty"),
    ("log.csv", b"case,activity,timestamp\n", "holds no events at all"),
    ("log.csv", bytes(range(256)) * 4, "not text"),
    ("log.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not text"),
    ("log.csv", b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook or ZIP file; save it as CSV"),
    ("log.csv", b"%PDF-1.7\n", "a PDF document"),
    ("log.csv", b"kasus;kegiatan;pelaksana\nK1;A;budi\n", "required column(s) missing: timestamp"),
    ("log.csv", b"nama,nilai\nx,1\n", "required column(s) missing: case, activity, timestamp"),
    ("log.csv", b"case,kasus,activity,timestamp\n1,1,A,2026-11-23\n", "'case' and 'kasus' are both read as case"),
    ("log.csv", b"case,activity,timestamp\nK1,A,2026-11-23\nK1,B,31/02/2026\n",
     "row 3: the date '31/02/2026' cannot be read"),
    ("log.csv", b"case,activity,timestamp\nK1,A,11/23/2026 9:30 AM\n", "row 2: the date '11/23/2026 9:30 AM'"),
    ("log.csv", b"case,activity,timestamp\nK1,,2026-11-23\n", "row 2: the activity column is empty"),
    ("log.csv", b"case;activity;timestamp\n;A;2026-11-23\n", "row 2: the case column is empty"),
    ("log.csv", b"case,activity,timestamp\nK1,A,\n", "row 2: the timestamp column is empty"),
    ("log.xes.gz", b"\x1f\x8b\x08\x00garbage-after-the-header", "the gzip file is damaged"),
    ("log.xes.gz", gzip.compress(b"<log/>" * 100)[:-12], "the gzip file is truncated"),
    ("log.xes.gz", b"not gzip at all", "this .gz file is not valid gzip"),
]


def bad_logs(*words: str) -> list[tuple[str, bytes, str]]:
    """The first case of BAD_LOGS whose expected message contains each of `words`, in that order."""
    return [next(case for case in BAD_LOGS if w in case[2]) for w in words]
