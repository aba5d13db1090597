"""The process's own properties: the SOP's identity block as read, the labels and list styles as
printed, the table's headings, the document it belongs to, the agency."""
from __future__ import annotations

from ..identity import COLUMNS, PROPERTIES
from ..reading.model import SopDocument
from ..slugs import slug
from .procedure import Procedure
from .report import Report


def document_id(agency_slug: str, nama: str) -> str:
    """`sop.dokumen`: the same on every process made of one document."""
    return f"{agency_slug}-{slug(nama, 6, 50).replace('_', '-')}".strip("-")


def _field(name: str) -> str:
    return name[4:] if name.startswith("sop.") else name


def process_properties(doc: SopDocument, proc: Procedure, agency_slug: str, agency_name: str, dokumen: str,
                       report: Report) -> list[tuple[str, str]]:
    identity = {k: (v or "").strip() for k, v in doc.identity.items() if k.startswith("sop.")}
    if not identity.get("sop.instansi"):
        identity["sop.instansi"] = agency_name
        report.add("guessed", None, None, f"Dokumen tidak menyebut instansinya; sop.instansi diisi \"{agency_name}\".",
                   f"The document does not name its agency; sop.instansi set to \"{agency_name}\".")
    props = [(k, identity.get(k, "")) for k in PROPERTIES]
    props += [(k, v) for k, v in identity.items() if k not in PROPERTIES]
    props += [(f"sop.label.{_field(k)}", v) for k, v in doc.labels.items() if v]
    props += [(f"sop.daftar.{_field(k)}", v) for k, v in doc.identity_lists.items() if v]
    headings = proc.table.headings
    props += [(f"sop.kolom.{k}", headings[k]) for k in COLUMNS if k in headings and headings[k]]
    if "keterangan" not in headings:
        props.append(("sop.kolom.keterangan", ""))
    if proc.table.title.strip():
        props.append(("sop.judul_tabel", proc.table.title.strip()))
    if dokumen:
        props += [("sop.dokumen", dokumen), ("sop.dokumen.tabel", str(proc.table_no))]
    props.append(("alur.agency", agency_slug))
    return props
