"""The five seed texts read as the seeds' README and their own text say they are: actor columns,
numbered rows, Mutu Baku cells, Keterangan, identity block."""
from __future__ import annotations

import re

import pytest

from tests.sop.seeds import PREFIXES, SEEDS
from tests.sop.tables import seed_document


def _readme_actors() -> dict[str, list[list[str]]]:
    """prefix -> actor columns per table, from the README's table ("(X in the second)" for table 2)."""
    out = {}
    for line in (SEEDS / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\d{3})_\w+\.txt \|.*\| ([^|]+) \|$", line)
        if not m:
            continue
        first, second = [], []
        for name in m.group(2).split(";"):
            name = name.strip()
            other = re.match(r"^(.*?) \((.*?) in the second\)$", name)
            first.append(other.group(1) if other else name)
            second.append(other.group(2) if other else name)
        out[m.group(1)] = [first] if first == second else [first, second]
    return out


README = _readme_actors()


def test_the_readme_table_was_read():
    assert sorted(README) == PREFIXES


@pytest.mark.parametrize("prefix", PREFIXES)
def test_actor_columns_are_the_readmes(prefix):
    doc = seed_document(prefix)
    assert [t.actors for t in doc.tables] == README[prefix]
    assert doc.source_format == "text"


@pytest.mark.parametrize("prefix,numbers", [
    ("000", [["1", "2", "3", "4", "5", "6", "7", "8"]]),
    ("001", [["1", "2", "3", "4", "5"]]),
    ("002", [["1", "2", "3", "4", "5", "6"], ["1", "2", "3", "4", "5"]]),
    ("003", [["1", "2", "3", "4", "5"]]),
    ("004", [["1", "2", "3", "4", "5", "5"]]),          # DKI prints 5 twice
])
def test_rows_and_their_printed_numbers(prefix, numbers):
    assert [[r.no for r in t.rows] for t in seed_document(prefix).tables] == numbers


@pytest.mark.parametrize("prefix,keterangan", [("000", True), ("001", True), ("002", True), ("003", False),
                                                ("004", True)])
def test_keterangan_column_presence(prefix, keterangan):
    for table in seed_document(prefix).tables:
        assert ("keterangan" in table.headings) is keterangan


def test_kemenpora():
    doc = seed_document("000")
    table = doc.tables[0]
    assert table.headings == {"no": "No.", "kegiatan": "Kegiatan", "pelaksana": "Pelaksana", "mutu_baku": "Mutu Baku",
                              "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output",
                              "keterangan": "Keterangan"}
    assert table.title == "Pengelolaan Publikasi Media Sosial Kehumasan"
    rows = {r.no: r for r in table.rows}
    assert rows["2"].marks == ["", "", "", "\u2190"]
    assert rows["6"].marks == ["", "\u2191", "", "Tidak"]
    assert rows["7"].marks == ["", "", "\u2190", "Ya"]
    assert rows["4"].kelengkapan == ("Data Riset dan Brief Konsep\n"
                                     "Desain grafis atau kamera, sesuai dengan konsep yang ditentukan")
    assert rows["4"].output == "Hasil kesepakatan Jenis Konten\nPoster / Video (Reels IG, Podcast, Short Video)"
    assert rows["4"].lists == {"kelengkapan": "angka", "output": "angka"}
    assert (rows["3"].kelengkapan, rows["3"].waktu, rows["3"].output) == ("Rencana Konten", "1 hari", "Brief Konsep")
    assert rows["5"].keterangan == "Pilihan Platform: Instagram, Twitter, Facebook, TikTok, dan YouTube"
    ident = doc.identity
    assert ident["sop.nomor"] == "3.28.4/BIV/III/2023"
    assert ident["sop.tanggal_pembuatan"] == "28 Maret 2023"
    assert ident["sop.tanggal_revisi"] == ident["sop.tanggal_efektif"] == ""
    assert ident["sop.nama"] == "Pengelolaan Publikasi Media Sosial Kehumasan"
    assert ident["sop.instansi"] == "KEMENTERIAN PEMUDA DAN OLAH RAGA\nBiro Humas dan Umum\nBidang Kehumasan"
    assert ident["sop.disahkan_oleh"] == "Kepala Biro Humas dan Umum\nTriyono, SP., M.Si NIP 19740605 200012 1 001"
    dasar = ident["sop.dasar_hukum"].split("\n")
    assert len(dasar) == 4 and dasar[0] == "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"
    assert dasar[1] == "Undang - Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
    assert ident["sop.peralatan_perlengkapan"].split("\n") == ["Alat Tulis Kantor", "Printer dan Komputer",
                                                              "Jaringan Internet", "Alat Komunikasi", "Kamera"]
    assert ident["sop.pencatatan_pendataan"] == ("Disimpan dalam bentuk file elektronik dan/atau file cetakan "
                                                 "sebagai bukti dan bahan referensi")
    assert doc.identity_lists["dasar_hukum"] == "angka"
    assert doc.labels == {}
    assert any("PENGLOLAAN" in n.id for n in doc.notes)        # the identity block's own spelling, reported


def test_bsip():
    doc = seed_document("001")
    table = doc.tables[0]
    assert table.headings["mutu_baku"] == "STANDAR BAKU"
    assert table.headings["kegiatan"] == "KEGIATAN" and table.headings["keterangan"] == "KETERANGAN"
    rows = {r.no: r for r in table.rows}
    assert rows["1"].marks == ["", "", "mulai"]
    assert rows["3"].marks == ["", ".", ""]
    assert rows["5"].marks == ["selesai)\u25c0", "-", ""]
    assert (rows["5"].kelengkapan, rows["5"].waktu, rows["5"].output) == (
        "konten media sosial BSIP", "", "laporan unggahan konten media sosial BSIP")
    assert rows["4"].keterangan == "Instagram, Facebook, Twitter, Tiktok"
    ident = doc.identity
    assert ident["sop.nomor"] == "891.1/OT.210/H.1/05/2023"
    assert ident["sop.tanggal_pembuatan"] == "2 Mei 2023"
    assert ident["sop.tanggal_efektif"] == "8 MB/ 2023"
    assert ident["sop.disahkan_oleh"] == "Sekretaris Badan\nDr. Vr. Haris Syahbuddin, DEA NIP 196804/51992031001"
    assert ident["sop.nama"] == "PENGELOLAAN INFORMASI MELALUI MEDIA SOSIAL"
    assert doc.labels["tanggal_pembuatan"] == "Tgl. Pembuatan"
    assert doc.labels["tanggal_efektif"] == "Tgl. Efektif"
    dasar = ident["sop.dasar_hukum"].split("\n")
    assert len(dasar) == 7
    assert dasar[0] == "Undang - Undang Nomor 30 Tahun 2014 Tentang Administrasi Pemerintah"
    assert dasar[-1].startswith("Kepmentan Nomor 278 Tahun 2023")
    assert len(ident["sop.kualifikasi_pelaksana"].split("\n")) == 4
    assert ident["sop.pencatatan_pendataan"] == "Pencatatan konten yang diunggah"
    # the garbled block: the matching of values to labels is reported, the lost revision date too
    assert any("8 MB/ 2023" in n.id for n in doc.notes)
    assert any("Tanggal Revisi" in n.id for n in doc.unread)


def test_nomporejo_two_tables():
    doc = seed_document("002")
    first, second = doc.tables
    assert first.headings["kegiatan"] == "Uraian Prosedur" and first.headings["mutu_baku"] == "Baku Mutu"
    assert "D -- TOLAK --> A" in first.graph and "D -- TERIMA --> E" in first.graph
    row1 = first.rows[0]
    assert row1.marks == ["", "", ""]                     # the graph moved out of the marks
    assert row1.kelengkapan == "Dokumentasi foto minimal 4 buah\nNarasi kegiatan\nvideo"
    assert row1.lists == {"kelengkapan": "strip"}
    assert (row1.waktu, row1.output) == ("Hari H setelah kegiatan berlangsung", "Register dokumentasi dan konten")
    assert (first.rows[5].waktu, first.rows[5].output) == ("1 bulan", "Laporan bulanan media sosial")
    assert second.rows[0].kelengkapan == "Dokumentasi foto minimal 4 buah\nTeks/Narasi kegiatan"
    assert second.rows[-1].output == "Laporan bulanan website"
    ident = doc.identity
    assert ident["sop.nomor"] == "" and ident["sop.tanggal_efektif"] == ""
    assert ident["sop.nama"] == "Standar Operasional Prosedur Produksi Konten Media Sosial dan Website"
    assert ident["sop.disahkan_oleh"] == "Lurah Nomporejo\nSapon"
    assert doc.labels == {"tanggal_efektif": "Tanggal Pengesahan", "disahkan_oleh": "Pengesahan"}
    assert ident["sop.instansi"].split("\n") == ["PEMERINTAH KABUPATEN KULON PROGO",
                                                "PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI", "KALURAHAN NOMPOREJO"]
    assert len(ident["sop.dasar_hukum"].split("\n")) == 4
    assert ident["sop.kualifikasi_pelaksana"] == "Pendidikan : minimal S1"
    assert len(ident["sop.peralatan_perlengkapan"].split("\n")) == 6
    assert doc.title == "STANDAR OPERASIONAL PROSEDUR (SOP)\nPRODUKSI KONTEN MEDIA SOSIAL DAN WEBSITE"


def test_ponjong():
    doc = seed_document("003")
    table = doc.tables[0]
    assert table.trailing == ["ITOLAK", "TOLAK", "TERIMA"]
    assert table.headings["mutu_baku"] == "PENDUKUNG" and table.headings["kegiatan"] == "KEGIATAN"
    assert all(r.marks == [""] * 5 for r in table.rows)
    assert table.rows[0].kelengkapan == ("Dokumentasi minimal 5\nNarasi Berita\n"
                                         "Caption Kegiatan dengan maksimal 200 karakter")
    assert table.rows[0].lists == {"kelengkapan": "angka"}
    assert table.rows[1].waktu == "Hari H Setelah pengumpulan dokumentasi dan konten"
    ident = doc.identity
    assert (ident["sop.nomor"], ident["sop.tanggal_pembuatan"], ident["sop.tanggal_efektif"]) == (
        "010 / SOP / 2024", "2 Juli 2024", "3 Juli 2024")
    assert ident["sop.tanggal_revisi"] == "" and ident["sop.keterkaitan"] == "" and ident["sop.peringatan"] == ""
    assert ident["sop.nama"] == "ALUR UPLOAD KONTEN MEDIA SOSIAL"
    assert ident["sop.disahkan_oleh"] == "IRWAN TRIWIBOWO, S.Sos, MM"
    assert ident["sop.instansi"] == "KAPANEWON PONJONG"
    assert len(ident["sop.dasar_hukum"].split("\n")) == 6
    assert ident["sop.pencatatan_pendataan"] == ("Dilaksanakan sesuai dengan ketentuan yang berlaku\n"
                                                 "Disimpan dalam bentuk Softcopy dan Hardcopy")
    assert "pencatatan_pendataan" not in doc.identity_lists


def test_dki():
    doc = seed_document("004")
    table = doc.tables[0]
    assert table.headings["kegiatan"] == "Uraian Prosedur"
    assert table.headings["kelengkapan"] == "Persyaratan/ Kelengkapan"
    assert table.headings["mutu_baku"] == "Mutu Baku"
    first, last = table.rows[0], table.rows[-1]
    assert first.marks == ["Tolak", "", "", "", ""]
    assert last.marks == ["Selesai", "", "Terima", "", ""]
    # the sub-header is shifted by one cell; the cells follow the data: Output then Keterangan
    assert first.output == "Konsep dokumen Foto/video dan narasi"
    assert first.keterangan.split("\n")[2] == "Unggahan publikasi berupa : feed atau instastory, video di Youtube, Facebook dan Tiktok"
    assert first.lists == {"kelengkapan": "strip", "waktu": "strip", "keterangan": "strip"}
    assert first.waktu.split("\n")[1] == "Untuk infografis informasi rencana kegiatan, minimal 3 hari sebelum kegiatan dimulai"
    assert (table.rows[1].waktu, table.rows[1].keterangan[:30]) == ("60 menit", "Koordinasi dapat bertatap muka")
    assert (last.kelengkapan, last.waktu, last.output) == (
        "Dokumen berupa foto/video yang telah mendapat persetujuan Kepala Biro", "5 menit", "Dokumen Foto/video dan narasi")
    ident = doc.identity
    assert ident["sop.nomor"] == "1 / OT. 05. 00" and ident["sop.tanggal_pembuatan"] == "28 Juli 2025"
    assert ident["sop.nama"] == "Pengelolaan Media Sosial"
    assert ident["sop.disahkan_oleh"] == ("Kepala Biro Kerja Sama Daerah Setda Provinsi DKI Jakarta\n"
                                          "Marulina Dewi NIP. 197702261997112001")
    assert ident["sop.instansi"].split("\n") == ["PEMERINTAH PROVINSI DKI JAKARTA", "BIRO KERJA SAMA DAERAH",
                                                "SUBBAGIAN TATA USAHA"]
    assert doc.labels == {"tanggal_efektif": "Tanggal Pengesahan", "peralatan_perlengkapan": "Peralatan/perengkapan"}
    dasar = ident["sop.dasar_hukum"].split("\n")
    assert len(dasar) == 5 and dasar[1] == "Undang-Undang Nomor 23 Tahun 2014 Tentang Pemerintahan Daerah"
    assert ident["sop.keterkaitan"] == "SOP Pelayanan Surat Masuk Biro"
    assert len(ident["sop.kualifikasi_pelaksana"].split("\n")) == 7
    notes = " ".join(n.en for n in doc.notes)
    assert "legend" in notes and "column numbers" in notes and "shifted" in notes
