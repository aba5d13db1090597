"""The official SOP document, in and out: how long the SOP AP sheet takes to render, and an SOP
table to import, at the seeds' size and at a large SOP's.

    python -m bench.sop_document [--runs 5] [--rows 120]

Pure functions, no database. Measured, `--runs` times each after one untimed run (median, worst):
- sheet: `sheet_of` + `render_html`, `render_pdf` (WeasyPrint), `render_docx` (python-docx, one
  PNG per row band), for each seed document (Nomporejo: its four processes as one document) and
  for a large SOP of `--rows` rows in 8 actor columns with a decision every 5 rows (a diagram
  drafted by the import from a generated table, so the sheet meets a real layout);
- import: `read_sop` + `draft_sop` of each seed's text, and of the generated table as CSV, XLSX
  and DOCX (written the way tests/sop/tables.py writes them).
Pages and sizes of each output are printed beside its times. See bench/README.md.
"""
from __future__ import annotations

import argparse
import io
import sys

from pypdf import PdfReader

from bench.common import log, machine, timed
from server.sop.drafting import draft_sop
from server.sop.reading import read_sop
from server.sop.sheet.docx import render_docx
from server.sop.sheet.html import render_html
from server.sop.sheet.model import sheet_of
from server.sop.sheet.pdf import render_pdf

# the seeds' finder and the table writers the tests use (run from the repository's root: python -m)
from tests.sop.seeds import PREFIXES, seed_diagrams, seed_path, seed_text
from tests.sop.tables import as_docx, as_xlsx, grids_of, identity_rows_of

ACTORS = ["Staf Pelaksana", "Admin Medsos", "Pranata Humas", "Ketua Tim Kerja", "Kepala Subbagian",
          "Kepala Bagian", "Sekretaris", "Kepala Biro"]


def large_table(rows: int) -> bytes:
    """A CSV SOP table of `rows` rows over 8 actors: each row's mark in its actor's column, every
    fifth row a decision whose rejection goes back a row, Mutu Baku in each row."""
    head = ["No", "Kegiatan", *ACTORS, "Kelengkapan", "Waktu", "Output", "Keterangan"]
    lines = [";".join(head)]
    for n in range(1, rows + 1):
        actor = (n - 1) % len(ACTORS)
        deciding = n % 5 == 0
        marks = ["x" if i == actor else "" for i in range(len(ACTORS))]
        kegiatan = (f"Memeriksa dan memberikan persetujuan atas hasil langkah {n - 1}; apabila tidak disetujui "
                    f"dikembalikan ke langkah {n - 1}" if deciding else
                    f"Menyiapkan bahan dan dokumen untuk langkah {n} beserta catatan pendukung yang diperlukan")
        if deciding:
            marks[actor] = "Tidak"
        lines.append(";".join([str(n), kegiatan, *marks, "Dokumen langkah sebelumnya", "1 hari",
                               f"Hasil langkah {n}", ""]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sheet_rows(label: str, diagrams, runs: int) -> None:
    sheet = sheet_of(diagrams)
    html, pdf, docx = render_html(sheet), render_pdf(sheet), render_docx(sheet)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for name, call, size in (("html", lambda: render_html(sheet_of(diagrams)), len(html)),
                             ("pdf", lambda: render_pdf(sheet_of(diagrams)), len(pdf)),
                             ("docx", lambda: render_docx(sheet_of(diagrams)), len(docx))):
        stats = timed(call, runs, warmup=1)
        print(f"| sheet {name} | {label} | {stats.median_ms:.0f} | {max(stats.samples) * 1000:.0f} | "
              f"{size / 1024:.0f} KiB{f', {pages} pages' if name == 'pdf' else ''} |")


def _import_row(label: str, data: bytes, filename: str, runs: int) -> list:
    result = draft_sop(read_sop(data, filename), "bench", "Instansi Uji", set())
    stats = timed(lambda: draft_sop(read_sop(data, filename), "bench", "Instansi Uji", set()), runs, warmup=1)
    rows = result.summary["rows"]
    print(f"| import | {label} | {stats.median_ms:.0f} | {max(stats.samples) * 1000:.0f} | "
          f"{len(data) / 1024:.0f} KiB in, {rows} rows, {len(result.drafts)} drafts |")
    return result.drafts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=120)
    args = parser.parse_args(argv)
    print(f"# SOP document benchmark ({machine('weasyprint', 'python-docx', 'openpyxl', 'Pillow')})\n")
    print("| what | input | median ms | worst ms | output |\n|---|---|---|---|---|")
    for prefix in PREFIXES:
        log(f"seed {prefix}")
        _sheet_rows(f"seed {prefix}", seed_diagrams(prefix), args.runs)
    for prefix in PREFIXES:
        _import_row(f"seed {prefix} text", seed_text(prefix), seed_path(prefix).name, args.runs)
    table = large_table(args.rows)
    drafts = _import_row(f"{args.rows} rows CSV", table, "besar.csv", args.runs)
    doc = read_sop(table, "besar.csv")
    _import_row(f"{args.rows} rows XLSX", as_xlsx(grids_of(doc), identity_rows_of(doc)), "besar.xlsx", args.runs)
    _import_row(f"{args.rows} rows DOCX", as_docx(grids_of(doc), identity_rows_of(doc)), "besar.docx", args.runs)
    log(f"large sheet ({args.rows} rows)")
    _sheet_rows(f"{args.rows} rows, 8 actors", [(d["xml"], d["key"]) for d in drafts], args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
