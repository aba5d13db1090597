"""A cell's text: HTML and markdown fragments to lines, lists to items with their style, ordinary
sentences left whole."""
from __future__ import annotations

import pytest

from server.sop.reading.cells import is_bold, split_list, to_text


@pytest.mark.parametrize("text,items,style", [
    ("1. Dokumentasi minimal 5 2. Narasi Berita 3. Caption Kegiatan dengan maksimal 200 karakter",
     ["Dokumentasi minimal 5", "Narasi Berita", "Caption Kegiatan dengan maksimal 200 karakter"], "angka"),
    ("1. Hasil kesepakatan Jenis Konten; 2. Poster / Video", ["Hasil kesepakatan Jenis Konten", "Poster / Video"],
     "angka"),
    ("1. Satu\n2. Dua\n3. Tiga", ["Satu", "Dua", "Tiga"], "angka"),
    ("1. Pencatatan konten yang diunggah", ["Pencatatan konten yang diunggah"], "angka"),
    ("- Dokumentasi foto minimal 4 buah - Narasi kegiatan - video",
     ["Dokumentasi foto minimal 4 buah", "Narasi kegiatan", "video"], "strip"),
    ("- Undang - Undang Nomor 25 - program - program lain", ["Undang - Undang Nomor 25", "program - program lain"],
     "strip"),
    ("a. Sarjana b. Mampu menulis c. Teliti", ["Sarjana", "Mampu menulis", "Teliti"], "huruf"),
    ("1. Lembar kerja\nyang disetujui\n2. Kamera", ["Lembar kerja yang disetujui", "Kamera"], "angka"),
])
def test_lists(text, items, style):
    assert split_list(text) == (items, style)


@pytest.mark.parametrize("text", [
    "Apabila disetujui, konten dipublikasikan. Apabila tidak, memerintahkan Ketua Tim untuk merevisi.",
    "Rapat dimulai pukul 2. Setelah itu konten dikirim.",
    "Undang - Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "2 jam",
    "H+1 setelah kegiatan berlangsung",
    "2. Dua tanpa satu",
])
def test_ordinary_text_is_not_a_list(text):
    assert split_list(text) == ([text], "")


def test_html_lists_and_paragraphs():
    cell = ('<p><b>Dasar Hukum</b></p> <ol style="list-style-type: none"> <li>1 Undang-Undang Nomor 14</li> '
            '<li>2 Peraturan Gubernur</li> </ol>')
    assert to_text(cell) == "Dasar Hukum\n1. Undang-Undang Nomor 14\n2. Peraturan Gubernur"
    assert to_text("<ol><li>Satu</li><li>Dua</li></ol>") == "1. Satu\n2. Dua"
    assert to_text("<ul><li>Satu</li><li>Dua</li></ul>") == "- Satu\n- Dua"
    assert to_text("Baris satu<br>baris <i>dua</i> &amp; tiga") == "Baris satu\nbaris dua & tiga"
    assert to_text("<pre> graph TD A[] --> B[] </pre>") == "graph TD A[] --> B[]"


def test_signature_gaps_are_lines_only_when_asked():
    text = " Kepala Biro Kerja Sama Daerah   Marulina Dewi NIP. 197702261997112001"
    assert to_text(text) == "Kepala Biro Kerja Sama Daerah Marulina Dewi NIP. 197702261997112001"
    assert to_text(text, keep_gaps=True) == "Kepala Biro Kerja Sama Daerah\nMarulina Dewi NIP. 197702261997112001"


def test_markdown():
    assert to_text("## STANDAR OPERASIONAL PROSEDUR") == "STANDAR OPERASIONAL PROSEDUR"
    assert to_text("**DASAR HUKUM :**") == "DASAR HUKUM :"
    assert is_bold("**KAPANEWON PONJONG**") and is_bold("<b>BIRO</b>") and not is_bold("Biasa **tebal** saja")
