"""The SOP AP form's fixed words (Permen PAN-RB 35/2012): its identity block's fields and their
printed labels, and the procedure table's columns and default headings.

Reading a document, drafting diagrams from it, checking a diagram and printing its sheet all name
the same fields; they take them from here so that none of them drifts from the others."""
from __future__ import annotations

# Field (the diagram's property without "sop.") -> the label the regulation prints, in print order:
# the upper block (Nomor SOP ... Nama SOP), then the grid below it. `sop.label.<field>` overrides one.
LABELS = {
    "nomor": "Nomor SOP", "tanggal_pembuatan": "Tanggal Pembuatan", "tanggal_revisi": "Tanggal Revisi",
    "tanggal_efektif": "Tanggal Efektif", "disahkan_oleh": "Disahkan oleh", "nama": "Nama SOP",
    "dasar_hukum": "Dasar Hukum", "kualifikasi_pelaksana": "Kualifikasi Pelaksana",
    "keterkaitan": "Keterkaitan", "peralatan_perlengkapan": "Peralatan/Perlengkapan",
    "peringatan": "Peringatan", "pencatatan_pendataan": "Pencatatan dan Pendataan",
}
# The sheet's upper block beside the agency (the signer, Disahkan oleh, is printed apart).
HEADER_KEYS = ("nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "nama")
# The lower grid, two fields a row.
GRID_KEYS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan",
             "peringatan", "pencatatan_pendataan")
# Every identity field, in the order a diagram carries them (the modeler's panel, new diagrams).
FIELDS = ("instansi", "nomor", "nama", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
          "disahkan_oleh") + GRID_KEYS
# The same as the diagram's property names.
PROPERTIES = tuple(f"sop.{key}" for key in FIELDS)

# The table's columns besides the actors (`sop.kolom.<key>` renames one) and their default headings.
HEADINGS = {"no": "No", "kegiatan": "Kegiatan", "pelaksana": "Pelaksana", "mutu_baku": "Mutu Baku",
            "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output", "keterangan": "Keterangan"}
COLUMNS = tuple(HEADINGS)

# The longest SOP name Alur keeps (a new SOP's form refuses longer; an imported title is cut).
NAME_MAX = 300
