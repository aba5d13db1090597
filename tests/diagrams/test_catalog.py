"""The catalog stored with a version (server/sop/catalog.py) carries the sheet facts the inbox and
the audit show: the row number as printed and which cells are lists, read from the seeds."""
from pathlib import Path

from server.engine import safe_xml
from server.sop import read_catalog

REPO = Path(__file__).resolve().parents[2]


def catalog(filename: str, process_id: str) -> dict:
    return read_catalog(safe_xml.parse_bpmn((REPO / "bpmn" / filename).read_bytes()), process_id)


def test_a_row_printed_with_another_number():
    steps = catalog("004_dki_ksd_pengelolaan_media_sosial.bpmn", "dki_ksd_pengelolaan_media_sosial")["steps"]
    assert (steps["s06_unggah_materi_publikasi"]["no"], steps["s06_unggah_materi_publikasi"]["no_cetak"]) == ("6", "5")
    assert (steps["s05_setujui_konten"]["no"], steps["s05_setujui_konten"]["no_cetak"]) == ("5", "5")
    assert steps["s01_serahkan_konsep_dokumentasi"]["daftar"] == {"kelengkapan": "strip", "waktu": "strip",
                                                                  "keterangan": "strip"}
    assert steps["s01_serahkan_konsep_dokumentasi"]["kelengkapan"].split("\n") == [
        "Dokumen yang diserahkan berupa foto/video dan narasi/caption",
        "Caption kegiatan maksimal 200 karakter",
        "Menyerahkan link foto dan video"]


def test_lists_and_the_identity_block_as_the_sheet_needs_them():
    found = catalog("000_kemenpora_publikasi_media_sosial.bpmn", "kemenpora_publikasi_media_sosial")
    row4 = found["steps"]["s04_produksi_konten"]
    assert row4["daftar"] == {"kelengkapan": "angka", "output": "angka"}
    assert row4["output"] == "Hasil kesepakatan Jenis Konten\nPoster / Video (Reels IG, Podcast, Short Video)"
    assert found["steps"]["s01_disposisi_pembuatan_konten"]["daftar"] == {}
    identity = found["identity"]
    assert (identity["sop.disahkan_oleh"], identity["sop.disahkan_oleh.nama"], identity["sop.disahkan_oleh.nip"]) == (
        "Kepala Biro Humas dan Umum", "Triyono, SP., M.Si", "19740605 200012 1 001")
    assert identity["sop.kolom.mutu_baku"] == "Mutu Baku"
