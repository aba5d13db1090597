"""Uploaded BPMN files: what parse_bpmn and check_executable refuse, and why."""
import http.server
import threading

import pytest
from lxml import etree

from server.engine.safe_xml import BPMN_NS, check_executable, parse_bpmn
from server.errors import DiagramRejected

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DEFS_OPEN = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
             b'id="defs" targetNamespace="http://alur.example/bpmn">')


def diagram(body: str = "", executable: str = "true", pid: str = "proses_uji") -> bytes:
    return (HEAD + DEFS_OPEN
            + f'<bpmn:process id="{pid}" isExecutable="{executable}">{body}</bpmn:process>'.encode()
            + b"</bpmn:definitions>")


def assert_bilingual(exc: DiagramRejected) -> None:
    assert exc.message_id and exc.message_en and exc.message_id != exc.message_en


def test_valid_diagram_parses():
    root = parse_bpmn(diagram('<bpmn:startEvent id="mulai_permohonan"/>'))
    assert root.tag == f"{{{BPMN_NS}}}definitions"
    assert check_executable(root) == ["proses_uji"]


def test_comments_and_bom_are_fine():
    data = b"\xef\xbb\xbf" + diagram('<!-- catatan --><bpmn:startEvent id="mulai"/>')
    assert check_executable(parse_bpmn(data)) == ["proses_uji"]


BILLION_LAUGHS = HEAD + b"""<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
""" + DEFS_OPEN + b'<bpmn:process id="p" isExecutable="true" name="&lol9;"/></bpmn:definitions>'


def test_billion_laughs_refused():
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(BILLION_LAUGHS)
    assert "DOCTYPE" in err.value.message_id
    assert "DOCTYPE" in err.value.message_en
    assert_bilingual(err.value)


def test_xxe_file_refused():
    data = HEAD + b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + DEFS_OPEN + \
        b'<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation>' \
        b"</bpmn:process></bpmn:definitions>"
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(data)
    assert "root:" not in err.value.message_en


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802 (http.server API)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<x>leak</x>")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_recorder():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("decl", [
    '<!DOCTYPE d [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>',
    '<!DOCTYPE d SYSTEM "http://127.0.0.1:{port}/dtd">',
    '<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>',
])
def test_xxe_network_refused_and_never_fetched(http_recorder, decl):
    data = HEAD + decl.format(port=http_recorder).encode() + DEFS_OPEN + \
        b'<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation>' \
        b"</bpmn:process></bpmn:definitions>"
    with pytest.raises(DiagramRejected):
        parse_bpmn(data)
    assert _Recorder.hits == []


def test_xxe_port_9_refused():
    data = HEAD + b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>' + DEFS_OPEN + \
        b'<bpmn:process id="p" isExecutable="true" name="&xxe;"/></bpmn:definitions>'
    with pytest.raises(DiagramRejected):
        parse_bpmn(data)


def test_doctype_alone_refused():
    data = HEAD + b"<!DOCTYPE definitions>" + diagram()[len(HEAD):]
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(data)
    assert err.value.message_id.startswith("Diagram ditolak: berkas memuat deklarasi DOCTYPE/entitas")


def test_doctype_hidden_in_utf16_refused():
    text = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]>'
            + diagram()[len(HEAD):].decode())
    with pytest.raises(DiagramRejected):
        parse_bpmn(text.encode("utf-16"))


def test_utf16_without_doctype_is_fine():
    text = '<?xml version="1.0" encoding="UTF-16"?>' + diagram()[len(HEAD):].decode()
    assert check_executable(parse_bpmn(text.encode("utf-16"))) == ["proses_uji"]


def test_other_encodings_refused():
    data = b'<?xml version="1.0" encoding="UTF-7"?>' + diagram()[len(HEAD):]
    with pytest.raises(DiagramRejected):
        parse_bpmn(data)
    with pytest.raises(DiagramRejected):
        parse_bpmn(diagram().decode().encode("utf-32"))


def test_entity_surviving_in_tree_refused(monkeypatch):
    # If the byte scan were bypassed, the parsed tree is still checked.
    from server.engine import safe_xml
    monkeypatch.setattr(safe_xml, "_DTD_PATTERNS", ())
    data = HEAD + b'<!DOCTYPE d [<!ENTITY e "x">]>' + DEFS_OPEN + \
        b'<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&e;</bpmn:documentation>' \
        b"</bpmn:process></bpmn:definitions>"
    with pytest.raises(DiagramRejected) as err:
        safe_xml.parse_bpmn(data)
    assert "DOCTYPE" in err.value.message_en


@pytest.mark.parametrize("data", [b"", b"   ", b"hello", b"{\"json\": true}", b"<a><b></a>",
                                  b"\x00\x01\x02", HEAD + DEFS_OPEN])
def test_not_xml_refused(data):
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(data)
    assert_bilingual(err.value)


def test_wrong_root_refused():
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(b'<definitions xmlns="http://example.org/other"/>')
    assert "bpmn:definitions" in err.value.message_id


def test_size_limit():
    data = diagram("<!--" + "x" * 2000 + "-->")
    with pytest.raises(DiagramRejected) as err:
        parse_bpmn(data, max_bytes=1000)
    assert "1000" in err.value.message_id
    assert parse_bpmn(data, max_bytes=len(data)) is not None


def test_default_size_limit_is_5_mib():
    data = diagram("<!--" + "x" * (5 * 1024 * 1024) + "-->")
    with pytest.raises(DiagramRejected):
        parse_bpmn(data)


@pytest.mark.parametrize("executable", ["false", "FALSE", ""])
def test_no_executable_process_refused(executable):
    root = parse_bpmn(diagram(executable=executable))
    with pytest.raises(DiagramRejected) as err:
        check_executable(root)
    assert "isExecutable" in err.value.message_id
    assert_bilingual(err.value)


def test_no_process_at_all_refused():
    root = parse_bpmn(HEAD + DEFS_OPEN + b"</bpmn:definitions>")
    with pytest.raises(DiagramRejected):
        check_executable(root)


@pytest.mark.parametrize("reserved", ["Start", "End"])
def test_reserved_ids_refused(reserved):
    root = parse_bpmn(diagram(f'<bpmn:startEvent id="{reserved}"/>'))
    with pytest.raises(DiagramRejected) as err:
        check_executable(root)
    assert f'"{reserved}"' in err.value.message_id
    assert "bpmn:startEvent" in err.value.message_en
    assert "internal" in err.value.message_en
    assert err.value.detail["element_id"] == reserved


def test_reserved_ids_are_case_sensitive():
    root = parse_bpmn(diagram('<bpmn:startEvent id="start"/><bpmn:endEvent id="END"/>'))
    assert check_executable(root) == ["proses_uji"]


def test_duplicate_ids_refused():
    root = parse_bpmn(diagram('<bpmn:userTask id="s01_isi"/><bpmn:userTask id="s01_isi"/>'))
    with pytest.raises(DiagramRejected) as err:
        check_executable(root)
    assert "s01_isi" in err.value.message_id


def test_multiple_executable_processes_listed():
    data = HEAD + DEFS_OPEN + (
        b'<bpmn:process id="a" isExecutable="true"/><bpmn:process id="b" isExecutable="false"/>'
        b'<bpmn:process id="c" isExecutable="true"/></bpmn:definitions>')
    assert check_executable(parse_bpmn(data)) == ["a", "c"]


def test_returns_lxml_element():
    assert isinstance(parse_bpmn(diagram()), etree._Element)
