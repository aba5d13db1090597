"""The sheet's data read from diagrams: the seeds' rows, actors, decisions, loops and terminators,
and each sheet property on a diagram of the test's own."""
from __future__ import annotations

import pytest

from server.sop.sheet.model import SheetError, document_key, sheet_of

from tests.sop.seeds import seed_diagrams

from .diagrams import chain, diagram, seed


def _steps(table):
    return [r for r in table.rows if r.kind != "terminator"]


def _exits(table, row):
    """(target's printed number or capsule text, label) of a row's exits."""
    out = []
    for e in row.exits:
        target = table.rows[e.target]
        out.append((target.terminators[e.capsule].text if e.capsule is not None else target.no, e.label))
    return sorted(out)


def test_kemenpora_rows_actors_decision_and_loop():
    table = sheet_of([seed("000")]).tables[0]
    assert table.actors == ("Anggota Tim Publikasi", "Ketua Tim Publikasi", "Penanggungjawab Bidang Kehumasan",
                            "Kepala Biro Humas dan Umum")
    steps = _steps(table)
    assert [r.no for r in steps] == [str(i) for i in range(1, 9)]
    assert [r.column for r in steps] == [3, 2, 1, 0, 1, 3, 1, 0]
    six = steps[5]
    assert six.kind == "decision" and [r.kind for r in steps].count("decision") == 1
    assert _exits(table, six) == [("5", "Tidak"), ("7", "Ya")]
    loop = next(e for e in six.exits if e.label == "Tidak")
    assert loop.target < table.rows.index(six)          # the loop goes back up
    assert steps[0].kegiatan.startswith("Mendisposisi pembuatan konten")
    assert steps[0].kelengkapan.items == ("Dokumen permohonan",) and steps[0].waktu.items == ("10 menit",)


def test_terminators_start_and_end_the_chart():
    for name in ("000", "001", "003", "004"):
        table = sheet_of([seed(name)]).tables[0]
        capsules = [c for r in table.rows for c in r.terminators]
        assert [c.kind for c in capsules].count("start") == 1, name
        assert [c.kind for c in capsules].count("end") >= 1, name
        start = next(c for c in capsules if c.kind == "start")
        first = _steps(table)[0]
        assert [table.rows[e.target] for e in start.exits] == [first], name
        last = _steps(table)[-1]
        assert any(e.capsule is not None for e in last.exits), name


def test_bsip_marked_decision_and_as_signed_drops_it():
    sheet = sheet_of([seed("001")])
    table = sheet.tables[0]
    three = next(r for r in table.rows if r.no == "3")
    assert three.kind == "decision"
    assert _exits(table, three) == [("2", "Tidak disetujui"), ("4", "Disetujui")]
    assert all(e.marked for e in three.exits)
    assert sheet.marked and not sheet.as_signed
    signed = sheet_of([seed("001")], as_signed=True)
    assert signed.marked == () and signed.as_signed
    three = next(r for r in signed.tables[0].rows if r.no == "3")
    assert three.exits == ()


def test_ponjong_two_decisions_both_looping_to_row_1():
    table = sheet_of([seed("003")]).tables[0]
    assert len(table.actors) == 5
    decisions = [r for r in table.rows if r.kind == "decision"]
    assert [r.no for r in decisions] == ["3", "4"]
    assert _exits(table, decisions[0]) == [("1", "TOLAK"), ("4", "TERIMA")]
    assert _exits(table, decisions[1]) == [("1", "TOLAK"), ("5", "TERIMA")]


def test_dki_rows_as_printed_and_three_loops():
    table = sheet_of([seed("004")]).tables[0]
    steps = _steps(table)
    assert [r.element_id for r in steps][-1] == "s06_unggah_materi_publikasi"
    assert [r.no for r in steps] == ["1", "2", "3", "4", "5", "5"]   # sop.no.cetak of s06
    loops = [(r.no, table.rows[e.target].no) for r in steps for e in r.exits
             if e.label == "Tolak"]
    assert loops == [("2", "1"), ("3", "2"), ("4", "3")]


def test_nomporejo_chain_of_gateways_combines_labels():
    table = sheet_of([seed("002_nomporejo_konten_media")]).tables[0]
    three = next(r for r in table.rows if r.no == "3")
    labels = sorted(e.label for e in three.exits)
    assert labels == ["TERIMA", "TOLAK · Tidak", "TOLAK · Ya"]
    ya = next(e for e in three.exits if e.label == "TOLAK · Ya")
    assert ya.capsule is not None and ya.marked
    assert table.rows[ya.target].terminators[ya.capsule].text == "Tidak dipublikasikan"


def test_nomporejo_four_processes_one_document_two_tables():
    diagrams = seed_diagrams("002")
    assert [pid for _, pid in diagrams] == ["nomporejo_konten_media_sosial", "nomporejo_konten_website",
                                            "nomporejo_laporan_media_sosial", "nomporejo_laporan_website"]
    assert [document_key(*d) for d in diagrams] == [("nomporejo-produksi-konten", 1), ("nomporejo-produksi-konten", 2),
                                                    ("nomporejo-produksi-konten", 1), ("nomporejo-produksi-konten", 2)]
    sheet = sheet_of(diagrams)
    assert len(sheet.tables) == 2
    assert [r.no for r in _steps(sheet.tables[0])] == ["1", "2", "3", "4", "5", "6"]
    assert [r.no for r in _steps(sheet.tables[1])] == ["1", "2", "3", "4", "5"]
    assert sheet.tables[1].actors[1] == "Admin Website"
    assert _steps(sheet.tables[0])[-1].kegiatan.startswith("Admin Media Sosial melaporkan data analitik media sosial")


def test_document_key_absent_for_a_process_alone():
    assert document_key(chain("p", 2), "p") is None


def test_identity_labels_lists_signer_and_agency_from_the_new_properties():
    xml = chain("p", 2, process_props={
        "sop.instansi": "Pemerintah Kabupaten X\nDinas Y; Bidang Z",
        "sop.nomor": "1/2024", "sop.nama": "Uji Lembar", "sop.tanggal_efektif": "3 Juli 2024",
        "sop.label.tanggal_efektif": "Tanggal Pengesahan", "sop.label.disahkan_oleh": "Pengesahan",
        "sop.disahkan_oleh": "Kepala Dinas", "sop.disahkan_oleh.nama": "Budi, S.Sos",
        "sop.disahkan_oleh.nip": "19740605 200012 1 001",
        "sop.dasar_hukum": "UU 14/2008\nPP 61/2010", "sop.daftar.dasar_hukum": "angka",
        "sop.peralatan_perlengkapan": "Komputer", "sop.daftar.peralatan_perlengkapan": "bogus"})
    sheet = sheet_of([(xml, "p")])
    assert sheet.agency_lines == ("Pemerintah Kabupaten X", "Dinas Y", "Bidang Z")
    fields = {f.key: f for f in sheet.fields}
    assert fields["tanggal_efektif"].label == "Tanggal Pengesahan"
    assert fields["tanggal_efektif"].items == ("3 Juli 2024",)
    assert fields["tanggal_revisi"].label == "Tanggal Revisi" and fields["tanggal_revisi"].items == ()
    assert fields["nama"].items == ("Uji Lembar",)
    assert sheet.signer_label == "Pengesahan"
    assert (sheet.signer.position, sheet.signer.name, sheet.signer.nip) == ("Kepala Dinas", "Budi, S.Sos",
                                                                             "19740605 200012 1 001")
    grid = {f.key: f for f in sheet.grid}
    assert [f.label for f in sheet.grid] == ["Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan",
                                              "Peralatan/Perlengkapan", "Peringatan", "Pencatatan dan Pendataan"]
    assert grid["dasar_hukum"].items == ("UU 14/2008", "PP 61/2010") and grid["dasar_hukum"].style == "angka"
    assert grid["peralatan_perlengkapan"].style == ""


@pytest.mark.parametrize("prefix, position, name, nip", [
    ("000", "Kepala Biro Humas dan Umum", "Triyono, SP., M.Si", "19740605 200012 1 001"),
    ("001", "Sekretaris Badan", "Dr. Vr. Haris Syahbuddin, DEA", "196804/51992031001"),
    ("002", "Lurah Nomporejo", "Sapon", ""),
    ("003", "", "IRWAN TRIWIBOWO, S.Sos, MM", ""),
    ("004", "Kepala Biro Kerja Sama Daerah Setda Provinsi DKI Jakarta", "Marulina Dewi", "197702261997112001"),
])
def test_the_seeds_signer_from_its_own_properties(prefix, position, name, nip):
    signer = sheet_of(seed_diagrams(prefix)).signer
    assert (signer.position, signer.name, signer.nip) == (position, name, nip)


def test_older_signer_value_is_split_into_position_name_and_nip():
    """A diagram from before sop.disahkan_oleh.nama/.nip: the one value is split."""
    xml = chain("p", 1, process_props={"sop.disahkan_oleh": "Kepala Biro\nTriyono, SP., M.Si NIP 19740605 200012 1 001"})
    signer = sheet_of([(xml, "p")]).signer
    assert (signer.position, signer.name, signer.nip) == ("Kepala Biro", "Triyono, SP., M.Si", "19740605 200012 1 001")
    assert signer.nip_label == "NIP"


def test_headings_keterangan_title_and_task_lists():
    xml = chain("p", 2, process_props={"sop.kolom.kegiatan": "Uraian Prosedur", "sop.kolom.mutu_baku": "Baku Mutu",
                                       "sop.kolom.keterangan": "", "sop.judul_tabel": "Tabel Uji"},
                task_props={1: {"sop.kelengkapan": "Foto\nNarasi", "sop.daftar.kelengkapan": "strip",
                                "sop.keterangan": "ada", "sop.no.cetak": "1a"}})
    table = sheet_of([(xml, "p")]).tables[0]
    assert table.headings["kegiatan"] == "Uraian Prosedur" and table.headings["mutu_baku"] == "Baku Mutu"
    assert table.headings["no"] == "No" and table.headings["waktu"] == "Waktu"
    assert table.keterangan is False and table.title == "Tabel Uji"
    one = _steps(table)[0]
    assert one.no == "1a" and one.kelengkapan.items == ("Foto", "Narasi") and one.kelengkapan.style == "strip"
    # without sop.kolom.keterangan the column is printed when a row has a remark
    assert sheet_of([(chain("q", 1, task_props={1: {"sop.keterangan": "x"}}), "q")]).tables[0].keterangan
    assert not sheet_of([(chain("q", 1), "q")]).tables[0].keterangan


def test_sop_baris_puts_terminators_in_a_rows_band():
    xml = chain("p", 3, start_props={"sop.baris": "1"}, end_props={"sop.baris": "3"})
    table = sheet_of([(xml, "p")]).tables[0]
    assert [r.kind for r in table.rows] == ["process"] * 3
    assert [c.kind for c in table.rows[0].terminators] == ["start"]
    assert [c.text for c in table.rows[2].terminators] == ["Selesai"]
    assert table.rows[2].exits[0].capsule == 0 and table.rows[2].exits[0].target == 2
    plain = sheet_of([(chain("p", 3), "p")]).tables[0]
    assert [r.kind for r in plain.rows] == ["terminator", "process", "process", "process", "terminator"]


def test_unnamed_events_are_mulai_and_selesai_and_timers_boundaries_are_left_out():
    lanes = {"A": ["m", "t1", "b1", "e"]}
    nodes = [("startEvent", "m", "", None), ("userTask", "t1", "Tugas", {"sop.no": "1"}),
             ("boundaryEvent", "b1", "", None), ("endEvent", "e", "", None)]
    flows = [("m", "t1", "", None), ("t1", "e", "", None)]
    table = sheet_of([(diagram("p", lanes, nodes, flows), "p")]).tables[0]
    texts = [c.text for r in table.rows for c in r.terminators]
    assert texts == ["Mulai", "Selesai"]
    assert len(_steps(table)) == 1


def test_rows_without_numbers_follow_the_diagram_left_to_right():
    lanes = {"A": ["t2", "t1"], "B": ["t3"]}
    nodes = [("task", "t1", "Pertama", None), ("manualTask", "t3", "Kedua", None), ("userTask", "t2", "Ketiga", None)]
    flows = [("t1", "t3", "", None), ("t3", "t2", "", None)]
    table = sheet_of([(diagram("p", lanes, nodes, flows), "p")]).tables[0]
    assert [(r.no, r.kegiatan, r.column) for r in table.rows] == [("1", "Pertama", 0), ("2", "Kedua", 1),
                                                                  ("3", "Ketiga", 0)]


def test_incomplete_drafts_give_a_sheet_or_a_clear_error():
    # parallel gateway, a gateway loop without tasks, a flow to nowhere: a sheet all the same
    lanes = {"A": ["t1", "pg", "t2", "t3", "g1", "g2"]}
    nodes = [("userTask", "t1", "Satu", {"sop.no": "1"}), ("parallelGateway", "pg", "", None),
             ("userTask", "t2", "Dua", {"sop.no": "2"}), ("userTask", "t3", "Tiga", None),
             ("exclusiveGateway", "g1", "", None), ("exclusiveGateway", "g2", "", None)]
    flows = [("t1", "pg", "", None), ("pg", "t2", "", None), ("pg", "t3", "", None), ("t3", "g1", "", None),
             ("g1", "g2", "a", None), ("g2", "g1", "b", None), ("g1", "ghost", "", None)]
    table = sheet_of([(diagram("p", lanes, nodes, flows), "p")]).tables[0]
    assert [r.no for r in table.rows] == ["1", "2", "3"]   # the unnumbered step continues the numbers
    assert sorted(table.rows[e.target].kegiatan for e in table.rows[0].exits) == ["Dua", "Tiga"]
    for bad, pid in ((chain("p", 0), "p"), ("<not xml", "p"), (chain("p", 1), "other"),
                     (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "p")):
        with pytest.raises(SheetError) as caught:
            sheet_of([(bad, pid)])
        assert caught.value.message_id and caught.value.message_en
    with pytest.raises(SheetError):
        sheet_of([])


def test_nip_printed_with_its_label_as_printed():
    xml = chain("p", 1, process_props={"sop.disahkan_oleh": "Kepala", "sop.disahkan_oleh.nama": "Ani",
                                       "sop.disahkan_oleh.nip": "1977", "sop.label.nip": "NIP."})
    assert sheet_of([(xml, "p")]).signer.nip_label == "NIP."
    old = chain("p", 1, process_props={"sop.disahkan_oleh": "Kepala\nAni NIP. 197702261997112001"})
    signer = sheet_of([(old, "p")]).signer
    assert (signer.name, signer.nip_label, signer.nip) == ("Ani", "NIP.", "197702261997112001")
