"""The browser form layer: every SOP form renders as accessible HTML, and what a browser posts
for that HTML comes back as the data the schema describes."""
from __future__ import annotations

import copy
import io
import json
import re
from datetime import date, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from server.errors import InvalidInput
from server.formschema import decision_field, validate_submission
from server.formschema.samples import sample_submission
from server.work.pages.formview import add_row_request, build_fields, parse_form

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((ROOT / "forms").glob("**/*.schema.json"))
TEMPLATE = ('{% import "work/_form.html" as ui %}{{ ui.render_fields(fields) }}'
            '{% for f in fields if f.kind == "decision" %}{{ ui.render_decision(f) }}{% endfor %}')


def _(s, **kw):
    return s % kw if kw else s


@pytest.fixture(scope="module")
def env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([ROOT / "server/web/templates", ROOT / "server/work/templates"]),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["_"] = _
    return env


def render(env, fields) -> str:
    return env.from_string(TEMPLATE).render(fields=fields)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def schema_id(path: Path) -> str:
    return str(path.relative_to(ROOT / "forms"))


def no_store(upload, accept):
    raise AssertionError("nothing was uploaded")


class Page(HTMLParser):
    """What a browser knows of the rendered form: its controls, labels and what it would post."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.posted: list[tuple[str, str]] = []
        self.controls: list[dict] = []  # every element with an id
        self.label_for: set[str] = set()
        self.inline: list[str] = []  # inline scripts, styles and event handlers
        self._textarea = None
        self._select = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style") or "style" in a or any(k.startswith("on") for k in a):
            self.inline.append(tag)
        if "id" in a:
            self.controls.append({"tag": tag, **a})
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if "disabled" in a or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.posted.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "reset", "image"):
                self.posted.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            text = text[1:] if text.startswith("\n") else text  # as HTML parsing drops it
            self.posted.append((name, text.replace("\n", "\r\n")))  # browsers post CR LF
            self._textarea = None
        elif tag == "select" and self._select is not None:
            s = self._select
            self.posted.append((s["name"], s["selected"] if s["selected"] is not None else s["first"]))
            self._select = None

    def form(self, **pressed) -> MultiDict:
        return MultiDict(self.posted + list(pressed.items()))

    def ids(self) -> set[str]:
        return {c["id"] for c in self.controls}


def fake_files(accept, n):
    return [f"berkas-{i}" for i in range(n)]


FILE_META = {f"berkas-{i}": {"filename": f"foto{i}.jpg", "content_type": "image/jpeg",
                             "url": f"/berkas/berkas-{i}", "thumb_url": f"/berkas/berkas-{i}/thumb"}
             for i in range(10)}


def full(schema: dict) -> dict:
    """The schema with every field (and every row column) required, so samples fill them all."""
    schema = copy.deepcopy(schema)
    schema["required"] = list(schema["properties"])
    for prop in schema["properties"].values():
        items = prop.get("items", {})
        if items.get("type") == "object":
            items["required"] = list(items["properties"])
    return schema


def normalised(schema: dict, data: dict) -> dict:
    """Date-times as instants (the page shows them in local time) for comparison."""
    out = dict(data)
    for name, prop in schema["properties"].items():
        if prop.get("format") == "date-time" and isinstance(out.get(name), str):
            out[name] = datetime.fromisoformat(out[name])
    return out


# --- every form renders --------------------------------------------------------------------------

@pytest.mark.parametrize("path", SCHEMAS, ids=schema_id)
def test_every_form_renders_every_field_with_label_and_id(env, path):
    schema = load(path)
    fields = build_fields(schema, {}, {})
    assert [f.name for f in fields] == list(schema["properties"])
    html = render(env, fields)
    page = Page(html)
    assert not page.inline, "no inline scripts, styles or handlers"
    ids = page.ids()
    assert len(ids) == len(page.controls), "ids are unique"
    for name, prop in schema["properties"].items():
        assert f'id="fieldwrap-{name}"' in html
        assert escape(prop.get("title", name), quote=False) in html
        assert f"field-{name}" in ids
    for control in page.controls:
        if control["tag"] in ("input", "textarea", "select") and control.get("type") != "hidden":
            assert control["id"] in page.label_for, f"{control['id']} has a label"
        assert "required" not in control and "maxlength" not in control
    decision = decision_field(schema)
    if decision:
        for i, label in enumerate(decision.labels):
            assert f'id="field-{decision.name}-{i}"' in html
            cls = "decision-btn reject" if label in decision.reject_labels else "decision-btn"
            assert (f'<button type="submit" name="{decision.name}" value="{label}" '
                    f'id="field-{decision.name}-{i}" class="{cls}">{label}</button>') in html


@pytest.mark.parametrize("path", SCHEMAS, ids=schema_id)
def test_every_field_shows_its_errors(env, path):
    schema = load(path)
    errors = {name: ["Wajib diisi.", "Kedua <pesan>"] for name in schema["properties"]}
    html = render(env, build_fields(schema, {}, errors))
    for name in schema["properties"]:
        assert f'<p class="field-error" id="error-{name}" role="alert">Wajib diisi.<br>Kedua &lt;pesan&gt;</p>' in html
    page = Page(html)
    invalid = [c for c in page.controls if c.get("aria-invalid") == "true"]
    for f in build_fields(schema, {}, errors):
        if f.kind in ("decision", "object-list"):  # groups of controls: the group points at it
            group = next(c for c in page.controls if c["id"] == f.id)
            assert f.error_id in group["aria-describedby"].split()
        else:
            name = f.name
            assert any(c["id"].startswith(f"field-{name}") and f"error-{name}" in c["aria-describedby"].split()
                       for c in invalid), name


# --- round trips ---------------------------------------------------------------------------------

def _round_trip_cases():
    for path in SCHEMAS:
        schema = load(path)
        choices = [False, True] if decision_field(schema) else [False]
        for reject in choices:
            for everything in (False, True):
                yield pytest.param(path, reject, everything,
                                   id=f"{schema_id(path)}-{'reject' if reject else 'accept'}"
                                      f"-{'all' if everything else 'required'}")


@pytest.mark.parametrize("path,reject,everything", list(_round_trip_cases()))
def test_round_trip(env, path, reject, everything):
    schema = load(path)
    source = full(schema) if everything else schema
    data = sample_submission(source, files=fake_files, reject=reject, today=date(2026, 5, 17))
    fields = build_fields(schema, data, {}, FILE_META)
    page = Page(render(env, fields))
    decision = decision_field(schema)
    pressed = {decision.name: data[decision.name]} if decision else {}
    parsed, upload_errors = parse_form(schema, page.form(**pressed), MultiDict(), store=no_store)

    expected = dict(data)
    for f in fields:  # an unticked checkbox on the page is an answer: False
        if f.kind == "boolean":
            expected.setdefault(f.name, False)
    assert upload_errors == {}
    assert normalised(schema, parsed) == normalised(schema, expected)
    validate_submission(schema, parsed)  # what the page posts is valid as it stands


# --- specific cases ------------------------------------------------------------------------------

PONJONG = load(ROOT / "forms/ponjong_upload_konten_media_sosial/s01_serahkan_dokumentasi.schema.json")
NOMPOREJO_FOTO = load(ROOT / "forms/nomporejo_konten_media_sosial/s01_serahkan_dokumentasi.schema.json")
NOMPOREJO_PERIKSA = load(ROOT / "forms/nomporejo_konten_media_sosial/s03_periksa_konten.schema.json")
KOMENTAR = load(ROOT / "forms/nomporejo_konten_media_sosial/s05_jawab_komentar.schema.json")
LAPORAN = load(ROOT / "forms/nomporejo_laporan_media_sosial/s06_laporkan_analitik.schema.json")
PERINTAH = load(ROOT / "forms/kemenpora_publikasi_media_sosial/s07_perintahkan_publikasi.schema.json")
PERSETUJUAN = load(ROOT / "forms/kemenpora_publikasi_media_sosial/s06_putuskan_persetujuan.schema.json")
PLATFORM = load(ROOT / "forms/dki_ksd_pengelolaan_media_sosial/s03_putuskan_platform.schema.json")
UNGGAH = load(ROOT / "forms/nomporejo_konten_media_sosial/s04_unggah_konten.schema.json")


def test_a_caption_too_long_is_kept_as_typed_and_counted(env):
    caption = "x" * 200 + "é"
    data, _errors = parse_form(PONJONG, MultiDict({"caption": f"  {caption}  "}), MultiDict(),
                               store=no_store)
    assert data["caption"] == caption
    with pytest.raises(InvalidInput) as raised:
        validate_submission(PONJONG, data)
    assert "Paling banyak 200 karakter (sekarang 201)." in raised.value.to_dict()["fields"]["caption"]
    html = render(env, build_fields(PONJONG, data, {"caption": ["Paling banyak 200 karakter."]}))
    assert ('<small class="char-count" id="count-caption" data-for="field-caption" '
            'data-max="200">201/200</small>') in html
    assert "maxlength" not in html


def test_line_ends_are_plain_newlines_so_counts_match_the_browser():
    data, _ = parse_form(PONJONG, MultiDict({"narasi_berita": "satu\r\ndua\rtiga"}), MultiDict(),
                         store=no_store)
    assert data["narasi_berita"] == "satu\ndua\ntiga"


def test_a_non_number_is_kept_for_the_validator():
    form = MultiDict({"ringkasan": "ok", "jumlah_komentar": "abc", "jumlah_direct_message": " 12 "})
    data, _ = parse_form(KOMENTAR, form, MultiDict(), store=no_store)
    assert data["jumlah_komentar"] == "abc"
    assert data["jumlah_direct_message"] == 12
    with pytest.raises(InvalidInput) as raised:
        validate_submission(KOMENTAR, data)
    assert raised.value.to_dict()["fields"] == {"jumlah_komentar": ["Harus berupa bilangan bulat."]}


def test_numbers_accept_a_decimal_comma_and_refuse_nonsense():
    schema = {"type": "object", "properties": {"nilai": {"type": "number"}}}
    for typed, wanted in [("1,5", 1.5), ("2.25", 2.25), ("-3", -3), ("1e400", "1e400"),
                          ("nan", "nan"), ("1.000,5", "1.000,5"), ("9" * 5000, "9" * 5000)]:
        data, _ = parse_form(schema, MultiDict({"nilai": typed}), MultiDict(), store=no_store)
        assert data["nilai"] == wanted
    data, _ = parse_form(KOMENTAR, MultiDict({"jumlah_komentar": "9" * 5000}), MultiDict(),
                         store=no_store)
    assert data["jumlah_komentar"] == "9" * 5000  # too many digits to convert: left as typed


def test_empty_optional_text_is_left_out():
    form = MultiDict({"ringkasan": "Sudah dijawab", "catatan": "   \r\n ", "jumlah_komentar": ""})
    data, _ = parse_form(KOMENTAR, form, MultiDict(), store=no_store)
    assert data == {"ringkasan": "Sudah dijawab"}


def test_an_unticked_box_is_false_only_when_it_was_on_the_page():
    base = {"keputusan": "TOLAK", "alasan": "Rahasia"}
    shown = MultiDict({**base, "__present__tidak_dipublikasikan": "1"})
    assert parse_form(NOMPOREJO_PERIKSA, shown, MultiDict(), store=no_store)[0] == {
        **base, "tidak_dipublikasikan": False}
    ticked = MultiDict({**base, "__present__tidak_dipublikasikan": "1", "tidak_dipublikasikan": "true"})
    assert parse_form(NOMPOREJO_PERIKSA, ticked, MultiDict(), store=no_store)[0][
        "tidak_dipublikasikan"] is True
    assert "tidak_dipublikasikan" not in parse_form(
        NOMPOREJO_PERIKSA, MultiDict(base), MultiDict(), store=no_store)[0]


def test_checkbox_groups_give_the_ticked_options_or_nothing():
    form = MultiDict([("platform", "Instagram"), ("platform", "TikTok"), ("keputusan", "Terima")])
    assert parse_form(PLATFORM, form, MultiDict(), store=no_store)[0]["platform"] == [
        "Instagram", "TikTok"]
    # nothing ticked: left out, so a rejection needs no platform (minItems would fail on [])
    data, _ = parse_form(PLATFORM, MultiDict({"keputusan": "Tolak", "alasan": "Belum"}),
                         MultiDict(), store=no_store)
    assert data == {"keputusan": "Tolak", "alasan": "Belum"}
    validate_submission(PLATFORM, data)


def test_links_one_per_line_blanks_dropped():
    form = MultiDict({"platform": "Instagram",
                      "tautan": " https://instagram.com/p/1 \r\n\r\n  \r\nhttps://x.com/a/2\r\n"})
    data, _ = parse_form(UNGGAH, form, MultiDict(), store=no_store)
    assert data["tautan"] == ["https://instagram.com/p/1", "https://x.com/a/2"]
    assert "tautan" not in parse_form(UNGGAH, MultiDict({"tautan": "\r\n  "}), MultiDict(),
                                      store=no_store)[0]


def test_datetime_local_becomes_rfc3339_in_the_users_zone(env):
    def parsed(value, **kw):
        form = MultiDict({"perintah_publikasi": "Terbitkan", "jadwal_publikasi": value})
        return parse_form(PERINTAH, form, MultiDict(), store=no_store, **kw)[0]["jadwal_publikasi"]

    assert parsed("2026-05-17T09:30") == "2026-05-17T09:30:00+07:00"
    assert parsed("2026-05-17T09:30:15") == "2026-05-17T09:30:15+07:00"
    assert parsed("2026-05-17T09:30", tz_offset="+09:00") == "2026-05-17T09:30:00+09:00"
    assert parsed("2026-05-17T09:30:00+08:00") == "2026-05-17T09:30:00+08:00"  # already zoned
    assert parsed("besok pagi") == "besok pagi"  # the validator reports the format
    validate_submission(PERINTAH, {"perintah_publikasi": "x", "jadwal_publikasi": parsed("2026-05-17T09:30")})

    fields = build_fields(PERINTAH, {"jadwal_publikasi": "2026-05-17T02:30:00Z"}, {})
    html = render(env, fields)
    assert ('<input type="datetime-local" name="jadwal_publikasi" id="field-jadwal_publikasi" '
            'value="2026-05-17T09:30"') in html
    wita = build_fields(PERINTAH, {"jadwal_publikasi": "2026-05-17T02:30:00Z"}, {}, tz_offset="+08:00")
    assert wita[1].text == "2026-05-17T10:30"


class Refused(Exception):
    def __init__(self, message_id):
        super().__init__(message_id)
        self.message_id = message_id


def upload(name: str, content: bytes = b"\xff\xd8\xff data") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="image/jpeg")


def test_files_kept_removed_and_uploaded_through_the_store():
    calls = []

    def store(file_storage, accept):
        calls.append((file_storage.filename, accept))
        return f"baru-{len(calls)}"

    form = MultiDict([("foto", "a"), ("foto", "b"), ("foto", "c"), ("foto__remove", "b"),
                      ("narasi", "Kegiatan")])
    uploads = MultiDict([("foto__upload", upload("d.jpg")),
                         ("foto__upload", FileStorage(io.BytesIO(b""), filename="")),  # none chosen
                         ("video__upload", upload("v.mp4"))])
    data, errors = parse_form(NOMPOREJO_FOTO, form, uploads, store=store)
    assert errors == {}
    assert data["foto"] == ["a", "c", "baru-1"]
    assert data["video"] == ["baru-2"]
    assert calls == [("d.jpg", ["image/*"]), ("v.mp4", ["video/*"])]


def test_a_refused_upload_reports_its_message_and_keeps_the_rest():
    def store(file_storage, accept):
        if file_storage.filename == "virus.exe":
            raise Refused("Jenis berkas tidak didukung.")
        return "ok-1"

    uploads = MultiDict([("foto__upload", upload("virus.exe")), ("foto__upload", upload("a.jpg"))])
    data, errors = parse_form(NOMPOREJO_FOTO, MultiDict([("foto", "lama")]), uploads, store=store)
    assert data["foto"] == ["lama", "ok-1"]
    assert errors == {"foto": ["virus.exe: Jenis berkas tidak didukung."]}


def test_a_store_failure_without_a_message_is_not_hidden():
    def store(file_storage, accept):
        raise OSError("disk full")

    with pytest.raises(OSError):
        parse_form(NOMPOREJO_FOTO, MultiDict(), MultiDict([("foto__upload", upload("a.jpg"))]),
                   store=store)


def test_attached_files_are_listed_with_previews_and_remove_boxes(env):
    meta = {"img": {"filename": "foto <1>.jpg", "content_type": "image/jpeg", "url": "/b/img",
                    "thumb_url": "/b/img/thumb"},
            "vid": {"filename": "klip.mp4", "content_type": "video/mp4", "url": "/b/vid",
                    "thumb_url": None}}
    html = render(env, build_fields(NOMPOREJO_FOTO, {"foto": ["img"], "video": ["vid", "hilang"]}, {}, meta))
    assert '<input type="hidden" name="foto" value="img">' in html
    assert '<img src="/b/img/thumb" alt="" class="thumb" loading="lazy">' in html
    assert '<video controls preload="metadata" src="/b/vid" class="thumb"></video>' in html
    assert '<span class="attachment-name">hilang</span>' in html  # no metadata: the id
    assert ('<input type="checkbox" name="video__remove" value="vid" id="field-video-remove-0">'
            in html)
    assert "foto &lt;1&gt;.jpg" in html
    assert ('<input type="file" name="foto__upload" id="field-foto" multiple accept="image/*" '
            'aria-required="true"') in html
    assert '<div class="upload-preview" data-for="field-foto"></div>' in html
    assert "At least 4 files." in html


def test_rows_of_a_list_are_parsed_and_empty_rows_dropped():
    form = MultiDict({
        "daftar_konten-0-judul": "Lomba", "daftar_konten-0-platform": "Instagram",
        "daftar_konten-0-tautan": "https://instagram.com/p/1", "daftar_konten-0-suka": "12",
        "daftar_konten-1-judul": "  ", "daftar_konten-1-platform": "", "daftar_konten-1-suka": "",
        "daftar_konten-7-judul": "Rapat", "daftar_konten-7-suka": "x",
        "daftar_konten-7-rahasia": "tidak", "daftar_konten-x-judul": "bukan baris",
    })
    data, _ = parse_form(LAPORAN, form, MultiDict(), store=no_store)
    assert data["daftar_konten"] == [
        {"judul": "Lomba", "platform": "Instagram", "tautan": "https://instagram.com/p/1", "suka": 12},
        {"judul": "Rapat", "suka": "x"},
    ]
    only_empty = MultiDict({"daftar_konten-0-judul": "", "daftar_konten-0-suka": ""})
    assert "daftar_konten" not in parse_form(LAPORAN, only_empty, MultiDict(), store=no_store)[0]


def test_add_row_without_javascript(env):
    rows = [{"judul": "Lomba", "platform": "Instagram", "tautan": "https://instagram.com/p/1"}]
    form = MultiDict({"action": "add-row:daftar_konten"})
    assert add_row_request(form) == "daftar_konten"
    assert add_row_request(MultiDict({"keputusan": "Ya"})) is None
    assert add_row_request(MultiDict({"action": "add-row:"})) is None

    plain = build_fields(LAPORAN, {"daftar_konten": rows}, {})
    more = build_fields(LAPORAN, {"daftar_konten": rows}, {}, extra_rows={"daftar_konten": 1})
    assert len(plain[3].rows) == 2 and len(more[3].rows) == 3  # rows, one empty, one asked for
    html = render(env, more)
    assert ('<button type="submit" name="action" value="add-row:daftar_konten" class="add-row" '
            'data-for="daftar_konten">Add row</button>') in html
    assert 'id="field-daftar_konten-2-judul"' in html
    assert 'name="daftar_konten-0-judul" id="field-daftar_konten-0-judul" value="Lomba"' in html
    page = Page(html)
    parsed, _ = parse_form(LAPORAN, page.form(), MultiDict(), store=no_store)
    assert parsed["daftar_konten"] == rows


def test_the_decision_is_the_pressed_button_and_the_reason_says_when_it_is_needed(env):
    fields = build_fields(PERSETUJUAN, {}, {})
    alasan = next(f for f in fields if f.name == "alasan")
    assert alasan.kind == "textarea" and not alasan.required
    assert alasan.required_when == {"field": "keputusan", "values": ["Tidak"]}
    html = render(env, fields)
    assert """id="fieldwrap-alasan" data-required-when='{"keputusan": ["Tidak"]}'>""" in html
    assert '<fieldset class="decision" id="field-keputusan"' in html
    assert '<button type="submit" class="implicit-submit-guard" disabled hidden' in html
    assert html.index("implicit-submit-guard") < html.index('name="alasan"') < html.index("decision-btn")

    data, _ = parse_form(PERSETUJUAN, MultiDict({"keputusan": "Tidak", "alasan": " Salah ketik "}),
                         MultiDict(), store=no_store)
    assert data == {"keputusan": "Tidak", "alasan": "Salah ketik"}
    odd, _ = parse_form(PERSETUJUAN, MultiDict({"keputusan": "Mungkin"}), MultiDict(), store=no_store)
    assert odd == {"keputusan": "Mungkin"}  # the validator names the allowed labels

    platform = {f.name: f for f in build_fields(PLATFORM, {}, {})}
    assert platform["platform"].required_when == {"field": "keputusan", "values": ["Terima"]}


def test_values_typed_before_an_error_are_shown_again(env):
    values = {"jumlah_komentar": "abc", "ringkasan": "Isi <b>tebal</b>", "catatan": "a & b"}
    html = render(env, build_fields(KOMENTAR, values, {"jumlah_komentar": ["Harus berupa bilangan bulat."]}))
    assert 'value="abc"' in html
    assert "Isi &lt;b&gt;tebal&lt;/b&gt;</textarea>" in html
    assert "a &amp; b</textarea>" in html
    assert 'aria-invalid="true" aria-describedby="error-jumlah_komentar"' in html


def test_only_schema_fields_end_up_in_the_data():
    form = MultiDict({"ringkasan": "ok", "admin": "true", "__present__admin": "1", "csrf_token": "t",
                      "action": "simpan"})
    assert parse_form(KOMENTAR, form, MultiDict(), store=no_store)[0] == {"ringkasan": "ok"}


@pytest.mark.parametrize("path", SCHEMAS, ids=schema_id)
def test_odd_posts_never_raise(path):
    schema = load(path)
    odd = MultiDict()
    for name in schema["properties"]:
        for value in ("", "\x00", "9" * 5000, "🙂" * 3, "-1-", "2026-13-45T99:99"):
            odd.add(name, value)
            odd.add(f"{name}-0-judul", value)
            odd.add(f"{name}-99999999999-judul", value)
            odd.add(f"{name}__remove", value)
    uploads = MultiDict([(f"{n}__upload", "not a file") for n in schema["properties"]])
    data, errors = parse_form(schema, odd, uploads, store=lambda f, a: "id", tz_offset="nonsense")
    assert set(data) <= set(schema["properties"])


def test_values_of_the_wrong_shape_still_render(env):
    schema = LAPORAN
    values = {"daftar_konten": "bukan daftar", "laporan": "satu", "bulan": ["a"], "jumlah_penonton": {"x": 1}}
    html = render(env, build_fields(schema, values, {"bulan": "tidak list"}, files=None))
    assert 'id="fieldwrap-daftar_konten"' in html
    assert '<p class="field-error" id="error-bulan" role="alert">tidak list</p>' in html


def test_no_javascript_or_styles_inline():
    text = (ROOT / "server/work/templates/work/_form.html").read_text(encoding="utf-8")
    assert "<script" not in text and "style=" not in text
    assert not re.search(r"\son[a-z]+=", text)


EVERY_KIND = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "nama": {"type": "string", "maxLength": 50},
        "email": {"type": "string", "format": "email"},
        "sifat": {"type": "string", "enum": ["Biasa", "Segera"]},
        "bidang": {"type": "string", "enum": ["A", "B", "C", "D", "E", "F"]},
        "nilai": {"type": "number"},
        "rahasia": {"type": "boolean"},
        "kata_kunci": {"type": "array", "items": {"type": "string"}},
        "daftar": {"type": "array", "items": {"type": "object", "properties": {
            "judul": {"type": "string"}, "jumlah": {"type": "integer"},
            "jenis": {"type": "string", "enum": ["X", "Y"]}, "ada": {"type": "boolean"}}}},
    },
}


def test_round_trip_of_every_kind_including_optional_choices(env):
    fields = build_fields(EVERY_KIND, {}, {})
    assert [f.kind for f in fields] == ["text", "text", "radio", "select", "number", "boolean",
                                        "text-list", "object-list"]
    assert fields[1].input_type == "email"
    assert [c.kind for c in fields[-1].rows[0]] == ["text", "integer", "select", "boolean"]

    data = {"nama": "Budi", "email": "budi@contoh.go.id", "sifat": "Segera", "bidang": "F",
            "nilai": 2.5, "rahasia": True, "kata_kunci": ["satu", "dua"],
            "daftar": [{"judul": "a", "jumlah": 1, "jenis": "Y", "ada": True},
                       {"judul": "b", "ada": False}, {"jumlah": 3}]}
    page = Page(render(env, build_fields(EVERY_KIND, data, {})))
    parsed, _ = parse_form(EVERY_KIND, page.form(), MultiDict(), store=no_store)
    # an unticked box in a row is an answer (False) but alone does not make a row
    assert parsed == {**data, "daftar": [data["daftar"][0], data["daftar"][1],
                                         {"jumlah": 3, "ada": False}]}

    # nothing chosen: the optional radio group offers "no answer", the select its placeholder
    empty = Page(render(env, build_fields(EVERY_KIND, {}, {})))
    assert parse_form(EVERY_KIND, empty.form(), MultiDict(), store=no_store)[0] == {"rahasia": False}
