"""The identity block above the table: agency lines, Nomor SOP, dates, signer, Nama SOP, and the
2x3 grid (Dasar Hukum ... Pencatatan dan Pendataan), in whichever of the layouts agencies use.

Seen in the seeds: key and value in cells of one row, with the agency in the left column; "KEY : value"
lines, two on one line; labels on their own lines with the values printed together on a later line
(BSIP); the grid as heading cells over value cells, as cells that start with their heading, or as
heading lines followed by the items. Whatever is left unplaced is reported, not guessed silently."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..identity import GRID_KEYS, LABELS
from .cells import list_value, to_text
from .grid import Row
from .limits import MAX_IDENTITY_LINES, identity_too_long
from .model import Note, place
from .table import norm

_TGL = r"(?:tanggal|tgl\.?)\s*"
# Field -> the labels agencies print for it (LABELS is the standard one).
_VARIANTS = {
    "nomor": r"nomor\s+sop|no\.?\s*sop",
    "tanggal_pembuatan": _TGL + r"pembuatan",
    "tanggal_revisi": _TGL + r"revisi",
    "tanggal_efektif": _TGL + r"(?:efektif|pengesahan|berlaku|penetapan)",
    "disahkan_oleh": r"disahkan\s+oleh|ditetapkan\s+oleh|pengesahan|disahkan|ditetapkan",
    "nama": r"nama\s+sop|nama\s+prosedur|judul\s+sop",
    "dasar_hukum": r"dasar\s+hukum",
    "kualifikasi_pelaksana": r"kualifikasi\s+pelaksana(?:an)?",
    "keterkaitan": r"keterkaitan",
    "peralatan_perlengkapan": r"peralatan\s*(?:/|dan)\s*perl?e?n?gkapan|peralatan\s*/\s*per\w*|peralatan|perlengkapan",
    "peringatan": r"peringatan",
    "pencatatan_pendataan": r"pencatatan\s*(?:/|dan)\s*pendataan|pencatatan|pendataan",
    # read but not kept by the diagrams: reported
    "nomor_revisi": r"(?:no\.?|nomor)\s*revisi",
    "definisi": r"definisi",
}
_WHOLE = {k: re.compile(rf"^(?:{v})$", re.I) for k, v in _VARIANTS.items()}
_INLINE = re.compile(r"(?:^|\s)(" + "|".join(f"(?:{v})" for v in _VARIANTS.values()) + r")\s*:\s*", re.I)
_NOT_KEPT = ("nomor_revisi", "definisi")
_TITLE = re.compile(r"^(standar\s+operasional\s+prosedur|standard\s+operating\s+procedure)\b", re.I)
_REGULATION = re.compile(r"\s(?=(?:Undang\s*-\s*Undang|UU|Peraturan|Permen\w*|Kepmen\w*|Keputusan|Instruksi|"
                         r"Surat\s+Edaran|Perpres|Perda|Pergub|Perbup|Perwal|Permentan|Kepmentan)\b)")


def label_key(text: str) -> str | None:
    """The identity field a cell's text names, or None ("Tgl. Pembuatan" -> "tanggal_pembuatan")."""
    n = norm(text).strip()
    if not n or len(n) > 40:
        return None
    n = n.replace("/", " / ")
    n = re.sub(r"\s+", " ", n)
    for key, pattern in _WHOLE.items():
        if pattern.match(n) or pattern.match(n.replace(" / ", "/")):
            return key
    return None


@dataclass
class Identity:
    values: dict[str, str] = field(default_factory=dict)       # key (without "sop.") -> value
    labels: dict[str, str] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)
    agency: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    unread: list[Note] = field(default_factory=list)

    def as_properties(self) -> dict[str, str]:
        out = {"sop.instansi": "\n".join(self.agency)}
        for key in LABELS:
            out[f"sop.{key}"] = self.values.get(key, "")
        return out


class _Reader:
    def __init__(self):
        self.ident = Identity()
        self.open_key: str | None = None      # a key whose value continues on the following lines
        self.pending: list[str] = []          # bare labels waiting for values printed later (BSIP)
        self.heading_cols: dict[int, str] = {}   # a grid heading row: column -> key
        self.title_col: int | None = None
        self.nama_candidate = ""
        self.keys_seen = False
        self.after_title = False
        self.last_blank = True
        self.last_title = False
        self.agency_closed = False
        self.agency_seen: set[str] = set()    # the agency lines casefolded: one lookup per new line

    # -- helpers -------------------------------------------------------------------------------
    def _label(self, key: str, printed: str, row: Row) -> None:
        printed = re.sub(r"\s+", " ", to_text(printed)).strip().strip("*").rstrip(":").strip()
        if key in _NOT_KEPT:
            return
        if key in LABELS and norm(printed) != norm(LABELS[key]):
            self.ident.labels[key] = printed
        self.keys_seen = True

    def _set(self, key: str, value: str, row: Row) -> None:
        value = re.sub(r"^\s*:\s*", "", value).strip()
        if key in _NOT_KEPT:
            if value:
                where, where_en = place(line=row.line)
                self.ident.unread.append(Note(f"Bagian \"{key.replace('_', ' ')}\" tidak disimpan di diagram: {value}",
                                              f"The \"{key.replace('_', ' ')}\" part is not kept in the diagram: {value}",
                                              where, where_en))
            return
        old = self.ident.values.get(key, "")
        self.ident.values[key] = f"{old}\n{value}".strip("\n") if old and value else (old or value)

    def _agency(self, text: str, row: Row) -> None:
        for line in text.split("\n"):
            if line.casefold() in self.agency_seen:
                continue
            if self.agency_closed:
                where, where_en = place(line=row.line)
                self.ident.unread.append(Note(f"Baris tidak dikenali di blok identitas: \"{line}\".",
                                              f"A line of the identity block was not recognised: \"{line}\".",
                                              where, where_en))
            else:
                self.ident.agency.append(line)
                self.agency_seen.add(line.casefold())

    def _unplaced(self, text: str, row: Row) -> None:
        where, where_en = place(line=row.line)
        if text.casefold() in self.agency_seen:
            self.ident.notes.append(Note(f"Baris \"{text}\" berulang; dilewati.", f"Line \"{text}\" repeated; skipped.",
                                         where, where_en))
            return
        self.ident.unread.append(Note(f"Baris tidak dikenali di blok identitas: \"{text}\".",
                                      f"A line of the identity block was not recognised: \"{text}\".", where, where_en))

    # -- rows ----------------------------------------------------------------------------------
    def row(self, row: Row) -> None:
        present = [(c, t) for c, t in enumerate(row.cells) if t]
        if not present:
            self.last_blank = True
            return
        all_labels = len(present) >= 2 and all(label_key(t) for _, t in present)
        if self.heading_cols and not all_labels:
            cols, self.heading_cols = self.heading_cols, {}
            for c, text in present:
                if c in cols:
                    self._set(cols[c], text, row)
                else:
                    self._unplaced(text, row)
            self.last_blank = False
            return
        if len(row.cells) == 1:
            self._line(row.cells[0], row.raw[0], row)
        else:
            self._cells(row, present)
        self.last_blank = False

    def _line(self, text: str, raw: str, row: Row) -> None:
        first, _, rest = text.partition("\n")
        key = label_key(first)
        if key and not rest:
            self._label(key, first, row)
            self.pending = self.pending + [key] if self.pending and self.open_key == self.pending[-1] \
                and not self.ident.values.get(self.open_key) else [key]
            self.ident.values.setdefault(key, "") if key not in _NOT_KEPT else None
            self.open_key = key
            self.last_title = False
            return
        if key and rest:
            self._label(key, first, row)
            self._set(key, rest, row)
            self.open_key, self.pending = key, []
            return
        if text.startswith(":") and self.pending:
            self._spread(text, row)
            return
        pairs = self._inline(text)
        if pairs:
            for k, printed, value in pairs:
                self._label(k, printed, row)
                self._set(k, value, row)
            self.open_key, self.pending = pairs[-1][0], []
            return
        if _TITLE.match(text) or (self.last_title and not self.last_blank):
            self.ident.title.append(text)
            self.last_title = True
            if self.ident.agency:
                self.agency_closed = True
            return
        self.last_title = False
        if self.open_key:
            self._set(self.open_key, to_text(raw, keep_gaps=True) if self.open_key == "disahkan_oleh" else text, row)
            self.pending = []
            return
        if not self.keys_seen:
            self._agency(text, row)
            return
        self._unplaced(text, row)

    def _inline(self, text: str) -> list[tuple[str, str, str]]:
        """ "Nomor SOP : 891.1/... Tgl. Pembuatan : 2 Mei 2023" -> [(key, label, value), ...]."""
        matches = [m for m in _INLINE.finditer(text)]
        if not matches or matches[0].start() != 0 or text[:matches[0].start(1)].strip():
            return []
        out = []
        for i, m in enumerate(matches):
            key = label_key(m.group(1))
            if key is None:
                return []
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            out.append((key, m.group(1), text[m.end():end].strip()))
        return out

    def _spread(self, text: str, row: Row) -> None:
        """Values printed on one line after their labels (": 8 MB/ 2023 : Sekretaris Badan"), matched
        from the right: the labels without a value are the first ones (a revision date left empty)."""
        values = [v.strip() for v in re.split(r"(?:^|\s):\s", " " + text) if v.strip()]
        keys = self.pending[-len(values):] if len(values) <= len(self.pending) else self.pending
        for key, value in zip(keys, values[-len(keys):]):
            self._set(key, value, row)
        where, where_en = place(line=row.line)
        missing = [k for k in self.pending if k not in keys]
        self.ident.notes.append(Note(
            "Nilai tercetak terpisah dari labelnya; dicocokkan dari kanan: "
            + "; ".join(f"{LABELS.get(k, k)} = \"{self.ident.values.get(k, '')}\"" for k in keys) + ". Periksa.",
            "Values printed apart from their labels; matched from the right: "
            + "; ".join(f"{LABELS.get(k, k)} = \"{self.ident.values.get(k, '')}\"" for k in keys) + ". Check them.",
            where, where_en))
        for k in missing:
            self.ident.unread.append(Note(f"Tidak ada nilai yang dapat dicocokkan untuk \"{LABELS.get(k, k)}\".",
                                          f"No value could be matched to \"{LABELS.get(k, k)}\".", where, where_en))
        self.open_key, self.pending = keys[-1] if keys else None, []

    def _cells(self, row: Row, present: list[tuple[int, str]]) -> None:
        keys = [(c, label_key(t)) for c, t in present]
        if len(present) >= 2 and all(k for _, k in keys):
            self.heading_cols = {}
            for (c, key), (_, text) in zip(keys, present):
                self._label(key, text, row)
                if key not in _NOT_KEPT:
                    self.ident.values.setdefault(key, "")
                self.heading_cols[c] = key
            self.open_key, self.pending = None, []
            return
        self.open_key, self.pending = None, []
        skip: set[int] = set()
        title_row = False
        for c, text in present:
            if c in skip:
                continue
            first, _, rest = text.partition("\n")
            key = label_key(first)
            if key and not rest:
                self._label(key, first, row)
                raw_next = row.raw[c + 1] if c + 1 < len(row.raw) else ""
                value = to_text(raw_next, keep_gaps=(key == "disahkan_oleh"))
                if key not in _NOT_KEPT:
                    self.ident.values.setdefault(key, "")
                self._set(key, value, row)
                skip.add(c + 1)
                continue
            if key and rest:
                self._label(key, first, row)
                self._set(key, rest, row)
                continue
            pairs = self._inline(text)
            if pairs:
                for k, printed, value in pairs:
                    self._label(k, printed, row)
                    self._set(k, value, row)
                continue
            if _TITLE.match(text):
                self.ident.title.append(text)
                self.title_col, title_row = c, True
                rest_title = _TITLE.sub("", text).strip(" :-()")
                if rest_title and not rest_title.upper() == "SOP":
                    self.nama_candidate = self.nama_candidate or rest_title
                continue
            if c == 0 and not any(k in GRID_KEYS for k in self.ident.values):
                self._agency(text, row)
                continue
            if self.title_col is not None and c == self.title_col and not self.nama_candidate:
                self.nama_candidate = text.replace("\n", " ")
                continue
            self._unplaced(text, row)
        if not title_row and self.title_col is not None and self.nama_candidate:
            self.title_col = None


def read_identity(rows: list[Row], table_title: str = "") -> Identity:
    """Read the rows above the first table (its title, table_title, already taken out); refused past
    MAX_IDENTITY_LINES non-blank lines (a block that long is no identity block)."""
    if sum(1 for row in rows if not row.blank) > MAX_IDENTITY_LINES:
        raise identity_too_long()
    reader = _Reader()
    for row in rows:
        reader.row(row)
    ident = reader.ident
    ident.agency = _agency_levels(ident)
    if not ident.values.get("nama") and (reader.nama_candidate or table_title):
        # no "Nama SOP" label: the title printed over the table names the procedure; else the line
        # under "Standar Operasional Prosedur" in the identity block
        name = table_title or reader.nama_candidate
        ident.values["nama"] = name
        other = f" (blok identitas: \"{reader.nama_candidate}\")" if table_title and reader.nama_candidate \
            and reader.nama_candidate != table_title else ""
        other_en = other.replace("blok identitas", "identity block")
        source = ("judul tabel", "the table's title") if table_title else ("judul di blok identitas",
                                                                          "the title in the identity block")
        ident.notes.append(Note(
            f"Tidak ada label \"Nama SOP\"; nama diambil dari {source[0]}: \"{name}\"{other}.",
            f"No \"Nama SOP\" label; the name was taken from {source[1]}: \"{name}\"{other_en}."))
    garbled: list[str] = []
    for key in GRID_KEYS:
        value = ident.values.get(key, "")
        if not value:
            continue
        text, style = list_value(value)
        if not style and "\n" not in text:
            text = _run_together(key, text, ident)
            if "\n" not in text:
                garbled.append(key)
        ident.values[key] = text
        if style:
            ident.lists[key] = style
    if any("run together" in n.en for n in ident.notes):
        # the block lost its line breaks elsewhere: a one-line value may hold several items too,
        # each starting with a capital after a word without punctuation ("Laptop Kamera/...")
        for key in garbled:
            items = [p for p in re.split(r"(?<=[a-z]) (?=[A-Z][a-z])", ident.values[key]) if p]
            if len(items) >= 3:
                ident.values[key] = "\n".join(items)
                ident.notes.append(Note(
                    f"{LABELS[key]}: butir-butir tercetak bersambung; dipisah di setiap huruf kapital menjadi "
                    f"{len(items)} butir. Periksa.",
                    f"{LABELS[key]}: items printed run together; split at each capital into {len(items)} items. "
                    "Check them."))
            elif len(re.findall(r"[a-z] [A-Z][a-z]", ident.values[key])) >= 2:
                ident.unread.append(Note(
                    f"{LABELS[key]}: mungkin beberapa butir tercetak bersambung; tidak dapat dipisah: "
                    f"\"{ident.values[key]}\".",
                    f"{LABELS[key]}: possibly several items printed run together; they could not be split: "
                    f"\"{ident.values[key]}\"."))
    for key in ("nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "nama"):
        if key in ident.values:
            ident.values[key] = re.sub(r"\s*\n\s*", " ", ident.values[key]).strip()
    for key in ("nomor", "nama"):
        if key not in ident.values:
            ident.unread.append(Note(f"{LABELS[key]} tidak ditemukan di dokumen.",
                                     f"{LABELS[key]} was not found in the document."))
        elif not ident.values[key]:
            ident.notes.append(Note(f"{LABELS[key]} kosong di dokumen.", f"{LABELS[key]} is empty in the document."))
    return ident


def _run_together(key: str, text: str, ident: Identity) -> str:
    """Items whose line breaks the extraction lost (BSIP): laws split where the next regulation
    starts, other lists where the first word comes back ("Mempunyai ... Mempunyai ...")."""
    items: list[str] = []
    if key == "dasar_hukum":
        rest = text
        pieces = _REGULATION.split(rest)
        for piece in pieces:
            prev = items[-1] if items else ""
            if items and re.search(r"\bTahun\s+\d{4}\b", prev) and \
                    not re.search(r"\b(tentang|pelaksanaan|atas|dan|dengan|perubahan)$", prev, re.I):
                items.append(piece.strip())
            elif items:
                items[-1] = f"{prev} {piece.strip()}"
            else:
                items.append(piece.strip())
    else:
        first = text.split(" ", 1)[0]
        if first[:1].isupper() and len(first) > 2:
            items = [p.strip() for p in re.split(rf"\s(?={re.escape(first)}\b)", text) if p.strip()]
    if len(items) > 1:
        ident.notes.append(Note(
            f"{LABELS[key]}: butir-butir tercetak bersambung tanpa penomoran; dipisah menjadi {len(items)} butir. Periksa.",
            f"{LABELS[key]}: items printed run together without numbering; split into {len(items)} items. Check them."))
        return "\n".join(items)
    return text


_LEVEL = re.compile(r"\s(?=(?:BADAN|SEKRETARIAT|DIREKTORAT|INSPEKTORAT|BIRO|DINAS|KANTOR)\s)")


def _agency_levels(ident: Identity) -> list[str]:
    """A ministry and its unit printed on one line ("KEMENTERIAN PERTANIAN RI BADAN STANDARDISASI ...")
    as two agency lines, the way the regulation's layout stacks them."""
    out = []
    for line in ident.agency:
        parts = _LEVEL.split(line, maxsplit=1) if re.match(r"^(KEMENTERIAN|PEMERINTAH)\s", line) else [line]
        if len(parts) > 1:
            ident.notes.append(Note(f"Baris instansi \"{line}\" dipisah menjadi: " + "; ".join(parts) + ".",
                                    f"The agency line \"{line}\" was split into: " + "; ".join(parts) + "."))
        out.extend(parts)
    return out
