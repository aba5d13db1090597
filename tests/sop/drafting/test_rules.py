"""The drafting rules one by one, on small tables built here (the seeds are in test_seeds.py)."""
import json

from lxml import etree

from server.modeling.lint import errors, lint
from server.sop import embedded_forms
from server.sop.drafting import draft_sop
from server.sop.reading.model import Note, SopDocument, SopRow, SopTable
from tests.bpmn_props import NS, properties as props
from tests.sop.drafting.structure import structures

HEADINGS = {"no": "No", "kegiatan": "Kegiatan", "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output",
            "keterangan": "Keterangan"}
ACTORS = ["Staf", "Kepala Seksi", "Kepala Dinas"]


def doc(rows, actors=ACTORS, headings=HEADINGS, trailing=(), graph="", identity=None, **extra):
    table = SopTable(headings=dict(headings), actors=list(actors), trailing=list(trailing), graph=graph,
                     rows=[SopRow(no=no, kegiatan=text, marks=list(marks), waktu=waktu, kelengkapan=kel)
                           for no, text, marks, waktu, kel in rows])
    return SopDocument(identity=identity or {"sop.nama": "Uji Prosedur"}, labels=extra.get("labels", {}),
                       identity_lists=extra.get("lists", {}), tables=[table], source_format="text",
                       unread=extra.get("unread", []))


def row(no, text, marks=("", "", ""), waktu="10 menit", kel=""):
    return (no, text, marks, waktu, kel)


def process(xml):
    return etree.fromstring(xml.encode("utf-8")).find("bpmn:process", NS)


def task(xml, no):
    for el in process(xml).iterfind("bpmn:userTask", NS):
        if props(el)["sop.no"] == no:
            return el
    raise KeyError(no)


def only(result):
    assert len(result.drafts) == 1
    return result.drafts[0]["xml"]


def test_marks_give_the_actor_and_are_read_not_guessed():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Meneruskan konsep", ("", "", "←")),   # line from the right: box in column 2
                            row("3", "Menandatangani surat", ("", "", "o"))]), "uji", "Uji", set())
    xml = only(result)
    assert structures(xml)[0]["rows"] == {"1": "Staf", "2": "Kepala Seksi", "3": "Kepala Dinas"}
    assert all("alur.tafsiran" not in props(task(xml, no)) for no in ("1", "2", "3"))
    assert not [n for n in result.guessed if "Pelaksana" in n.id]


def test_words_give_the_actor_when_no_mark_does_and_the_guess_is_marked():
    result = draft_sop(doc([row("1", "Menyerahkan berkas kepada Kepala Seksi"),
                            row("2", "Memeriksa berkas, jika disetujui diteruskan"),
                            row("3", "Kepala Dinas menandatangani surat"),
                            row("4", "Mengarsipkan surat")]), "uji", "Uji", set())
    xml = only(result)
    s = structures(xml)[0]
    # 1: leftmost; 2: named by row 1's "kepada"; 3: the subject; 4: the previous row's actor
    assert s["rows"] == {"1": "Staf", "2": "Kepala Seksi", "3": "Kepala Dinas", "4": "Kepala Dinas"}
    assert "kepada Kepala Seksi" in props(task(xml, "2"))["alur.tafsiran"]
    assert "Kepala Dinas menandatangani" in props(task(xml, "3"))["alur.tafsiran"]
    assert any(n.where == "Tabel 1, baris 2" and "kepada Kepala Seksi" in n.id for n in result.guessed)


def test_a_decision_from_the_words_gets_labels_from_them_and_goes_back_a_step_marked():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Memperbaiki konsep", ("x", "", "")),
                            row("3", "Memeriksa konsep, jika disetujui diteruskan", ("", "x", "")),
                            row("4", "Mengirim konsep", ("x", "", ""))]), "uji", "Uji", set())
    xml = only(result)
    s = structures(xml)[0]
    assert s["decisions"] == {"3": ["Disetujui", "Tidak disetujui"]}
    assert s["loops"] == {"3": ["2"]}
    back = process(xml).find("bpmn:sequenceFlow[@name='Tidak disetujui']", NS)
    assert "langkah sebelumnya" in props(back)["alur.tafsiran"]
    form = embedded_forms(process(xml))[task(xml, "3").get("id")]
    assert form["properties"]["keputusan"]["enum"] == ["Disetujui", "Tidak disetujui"]
    assert form["allOf"][0]["then"]["required"] == ["alasan"]
    assert not errors(lint(xml.encode(), "d.bpmn", None))


def test_the_text_says_where_a_rejection_goes():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Memeriksa konsep", ("", "x", "")),
                            row("3", "Memberikan keputusan; apabila tidak, dikembalikan kepada Staf", ("", "", "x")),
                            row("4", "Mengirim surat", ("x", "", ""))]), "uji", "Uji", set())
    s = structures(only(result))[0]
    assert s["loops"]["3"] == ["1"]


def test_printed_labels_count_the_decisions_in_the_deciders_column():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Memeriksa konsep", ("", "x", "")),   # a cue, but no label: no decision
                            row("3", "Apabila disetujui diteruskan", ("", "", "TIDAK")),
                            row("4", "Mengirim surat", ("", "", "YA"))]), "uji", "Uji", set())
    s = structures(only(result))[0]
    assert s["decisions"] == {"3": ["TIDAK", "YA"]}
    assert s["rows"]["3"] == "Kepala Dinas"
    assert any("tidak dibaca sebagai keputusan" in n.id for n in result.guessed)


def test_labels_printed_after_the_table_go_to_the_rows_that_decide_most_clearly():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Memeriksa konsep", ("", "x", "")),
                            row("3", "Memberikan keputusan atas konsep", ("", "", "x")),
                            row("4", "Mengirim surat", ("x", "", ""))], trailing=["ITOLAK", "TERIMA"]),
                       "uji", "Uji", set())
    assert structures(only(result))[0]["decisions"] == {"3": ["TERIMA", "TOLAK"]}


def test_a_mermaid_graph_gives_decision_labels_and_target():
    graph = "graph TD A[] --> B[] B --> C[] C --> D{ } D -- Tolak --> B D -- Terima --> E[]"
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", "")),
                            row("2", "Memperbaiki konsep", ("x", "", "")),
                            row("3", "Menelaah konsep", ("", "x", "")),
                            row("4", "Mengirim surat", ("x", "", ""))], graph=graph), "uji", "Uji", set())
    s = structures(only(result))[0]
    assert s["decisions"] == {"3": ["Terima", "Tolak"]} and s["loops"] == {"3": ["2"]}


def test_unreadable_waktu_is_left_to_the_owner():
    result = draft_sop(doc([row("1", "Menyusun konsep", ("x", "", ""), waktu="secepatnya"),
                            row("2", "Mengirim konsep", ("x", "", ""), waktu="")]), "uji", "Uji", set())
    xml = only(result)
    first = props(task(xml, "1"))
    assert first["sop.waktu"] == "secepatnya" and first["sop.waktu.kode"] == ""
    assert process(xml).find("bpmn:boundaryEvent", NS) is None
    assert any(n.where == "Tabel 1, baris 1" and "sop.waktu.kode" in n.id for n in result.unread)
    assert [f.code for f in lint(xml.encode(), "d.bpmn", None)] == ["waktu-kode-missing"]


def test_a_waktu_counted_from_an_earlier_step_or_the_activity_date():
    result = draft_sop(doc([row("1", "Menyerahkan dokumentasi kegiatan", ("x", "", ""),
                                waktu="Hari H setelah kegiatan berlangsung"),
                            row("2", "Memeriksa kelengkapan", ("", "x", ""),
                                waktu="H+1 setelah pengumpulan dokumentasi")]), "uji", "Uji", set())
    xml = only(result)
    one, two = props(task(xml, "1")), props(task(xml, "2"))
    assert (one["sop.waktu.kode"], one["sop.waktu.acuan"]) == ("H+0", "tanggal_kegiatan")
    assert (two["sop.waktu.kode"], two["sop.waktu.acuan"]) == ("H+1", f"selesai:{task(xml, '1').get('id')}")
    start = process(xml).find("bpmn:startEvent", NS)
    assert "tanggal_kegiatan" in embedded_forms(process(xml))[start.get("id")]["required"]
    timers = [b.get("attachedToRef") for b in process(xml).iterfind("bpmn:boundaryEvent", NS)]
    assert timers == [task(xml, "1").get("id"), task(xml, "2").get("id")]
    assert not lint(xml.encode(), "d.bpmn", None)


def test_a_repeated_number_gets_the_next_free_one_and_keeps_the_printed():
    xml = only(draft_sop(doc([row("1", "Menyusun", ("x", "", "")), row("2", "Memeriksa", ("", "x", "")),
                              row("2", "Mengirim", ("x", "", ""))]), "uji", "Uji", set()))
    third = props(task(xml, "3"))
    assert third["sop.no.cetak"] == "2"


def test_a_recurring_last_row_is_a_timer_process_of_the_same_document():
    result = draft_sop(doc([row("1", "Menyusun berita", ("x", "", "")),
                            row("2", "Staf melaporkan statistik tiap bulan minggu ke-2", waktu="1 bulan")]),
                       "uji", "Uji", set())
    assert len(result.drafts) == 2
    report = process(result.drafts[1]["xml"])
    start = report.find("bpmn:startEvent", NS)
    assert props(start)["sop.waktu.kode"] == "R/P1M/W2"
    assert start.find("bpmn:timerEventDefinition/bpmn:timeCycle", NS).text == '"R1/P1M"'
    documents = [props(process(d["xml"])) for d in result.drafts]
    assert documents[0]["sop.dokumen"] == documents[1]["sop.dokumen"] != ""
    for d in result.drafts:
        assert not lint(d["xml"].encode(), "d.bpmn", None)


def test_keys_avoid_taken_ones_and_identity_is_carried():
    identity = {"sop.nama": "PENGELOLAAN ARSIP DINAS", "sop.nomor": "12/2024", "sop.disahkan_oleh": "Kepala Dinas",
                "sop.disahkan_oleh.nama": "Budi", "sop.dasar_hukum": "UU 1\nUU 2"}
    headings = {k: v for k, v in HEADINGS.items() if k != "keterangan"}
    result = draft_sop(doc([row("1", "Menyusun", ("x", "", ""))], identity=identity, headings=headings,
                           labels={"tanggal_efektif": "Tanggal Pengesahan"}, lists={"dasar_hukum": "angka"},
                           unread=[Note("Tanda tangan tidak terbaca", "Signature unreadable")]),
                       "dinas-x", "Dinas X", {"pengelolaan_arsip_dinas"})
    draft = result.drafts[0]
    assert draft["key"] == "pengelolaan_arsip_dinas_2" and draft["name"] == "Pengelolaan Arsip Dinas"
    p = props(process(draft["xml"]))
    assert p["sop.nomor"] == "12/2024" and p["sop.disahkan_oleh.nama"] == "Budi"
    assert p["sop.instansi"] == "Dinas X" and p["alur.agency"] == "dinas-x"
    assert p["sop.label.tanggal_efektif"] == "Tanggal Pengesahan" and p["sop.daftar.dasar_hukum"] == "angka"
    assert p["sop.kolom.kegiatan"] == "Kegiatan" and p["sop.kolom.keterangan"] == ""
    report = result.report()
    assert set(report) == {"read", "guessed", "unread", "summary"}
    assert report["summary"] == {"tables": 1, "rows": 1, "actors": 3, "decisions": 0, "loops": 0}
    assert report["unread"][0]["id"] == "Tanda tangan tidak terbaca"
    json.dumps(report)


def test_files_and_limits_come_from_the_kelengkapan():
    xml = only(draft_sop(doc([row("1", "Menyerahkan dokumentasi video dan/atau foto", ("x", "", ""),
                                  kel="Dokumentasi foto minimal 4 buah\nCaption maksimal 150 karakter\n"
                                      "Link video\nNarasi kegiatan")]), "uji", "Uji", set()))
    form = embedded_forms(process(xml))[task(xml, "1").get("id")]["properties"]
    assert form["foto"]["minItems"] == 4 and form["foto"]["x-alur-accept"] == ["image/*"]
    assert form["caption"]["maxLength"] == 150
    assert form["tautan"]["items"]["format"] == "uri"
    assert form["narasi_kegiatan"]["type"] == "string"
    assert "catatan" in form


def test_a_step_id_takes_the_words_after_the_actor_named_as_subject():
    """'Admin membuat laporan bulanan untuk kepala': the id reads the verb and its object, not the end."""
    result = draft_sop(doc([row("1", "Admin membuat laporan bulanan untuk kepala")], actors=["Admin", "Kepala"]),
                       "uji", "Uji", set())
    ids = [el.get("id") for el in process(only(result)).iterfind("bpmn:userTask", NS)]
    assert ids == ["s01_membuat_laporan_bulanan"]
