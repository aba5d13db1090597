"""The sheet as data: what the diagram says the printed SOP holds, before any geometry.

Read from the diagram's XML (one or several processes forming one document); the layout, HTML,
PDF and DOCX renderers only read these types."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ...engine.safe_xml import parse_bpmn
from ...errors import DiagramRejected, InvalidInput
from ..identity import GRID_KEYS, HEADER_KEYS, HEADINGS, LABELS
from ..ordering import sop_order

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

STYLES = ("angka", "strip", "huruf")
# the elements printed as steps; the sheet's lint (server/modeling/lint_sheet.py) reads this same list
TASKS = ("userTask", "manualTask", "serviceTask", "scriptTask", "task", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess")
PASSING = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
           "intermediateCatchEvent", "intermediateThrowEvent")
DECIDING = ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")


class SheetError(InvalidInput):
    """A diagram the sheet cannot be drawn from (not XML, no such process, no steps): 422."""


@dataclass(frozen=True)
class Field:
    """An identity field: its label as printed, its value's items (one per line) and list style."""

    key: str                 # "nomor", "tanggal_efektif", ... (the property without "sop.")
    label: str
    items: tuple[str, ...]
    style: str = ""          # "angka" | "strip" | "huruf" | "" (plain lines)


@dataclass(frozen=True)
class Signer:
    position: str
    name: str
    nip: str
    nip_label: str = "NIP"   # as printed before the digits ("NIP", "NIP."): `sop.label.nip`


@dataclass(frozen=True)
class Cell:
    """A Mutu Baku / Keterangan cell: items (one per line) and their list style."""

    items: tuple[str, ...] = ()
    style: str = ""


@dataclass(frozen=True)
class Exit:
    """A line leaving a symbol: to another row's symbol (by index in Table.rows) or, when `capsule`
    is not None, to the capsule `Table.rows[target].terminators[capsule]` (an end terminator)."""

    target: int                      # index into Table.rows
    label: str = ""                  # decision label ("Ya", "TOLAK · Ya"); "" for a plain arrow
    marked: bool = False             # the flow or its label is an interpretation (alur.tafsiran)
    capsule: int | None = None       # index into the target row's terminators


@dataclass(frozen=True)
class Capsule:
    """A start or end terminator drawn in a row's band (its own terminator row, or the band of the
    row named by `sop.baris`), in the actor column `column`. A start capsule has exits."""

    text: str
    column: int
    kind: str                        # "start" | "end"
    marked: bool = False
    exits: tuple[Exit, ...] = ()
    element_id: str = ""


@dataclass(frozen=True)
class Row:
    """A printed row. kind: "process" (a step), "decision" (a step followed by its gateway),
    "terminator" (start or end capsules in a row of their own, no number, no symbol of its own)."""

    kind: str
    no: str                          # as printed ("" for a terminator row of its own)
    kegiatan: str
    column: int                      # index of the actor column holding the symbol
    exits: tuple[Exit, ...] = ()
    kelengkapan: Cell = Cell()
    waktu: Cell = Cell()
    output: Cell = Cell()
    keterangan: Cell = Cell()
    terminators: tuple[Capsule, ...] = ()   # capsules in this row's band
    marked: bool = False
    element_id: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    actors: tuple[str, ...]
    rows: tuple[Row, ...]
    headings: dict               # key in sop.identity.COLUMNS -> printed heading
    keterangan: bool             # the sheet prints a Keterangan column


@dataclass(frozen=True)
class Sheet:
    """A whole document: agency lines (the left of the identity block), identity fields in the
    order the seeds print them, the signer, the 2x3 grid of the lower identity block, tables."""

    agency_lines: tuple[str, ...]
    fields: tuple[Field, ...]        # Nomor SOP, Tanggal Pembuatan, Revisi, Efektif, Nama SOP
    signer: Signer
    signer_label: str
    grid: tuple[Field, ...]          # Dasar Hukum, Kualifikasi, Keterkaitan, Peralatan, Peringatan, Pencatatan
    tables: tuple[Table, ...]
    marked: tuple[str, ...] = field(default_factory=tuple)   # legend: the interpretations shown, in order
    as_signed: bool = False


# ---------------------------------------------------------------- reading the XML

def _parse(xml: str | bytes) -> etree._Element:
    """The engine's own safe reading of an uploaded diagram (no DTD, no entities, BPMN root), so the
    sheet accepts exactly what may be deployed; its refusal becomes the sheet's 422."""
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    try:
        return parse_bpmn(data)
    except DiagramRejected as exc:
        raise SheetError(exc.message_id, exc.message_en) from None


def _process(root: etree._Element, process_id: str) -> etree._Element:
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") == process_id:
            return process
    raise SheetError(f"Proses \"{process_id}\" tidak ada dalam diagram.",
                     f"The diagram has no process \"{process_id}\".")


def _props(element) -> dict[str, str]:
    out: dict[str, str] = {}
    ext = element.find(f"{{{BPMN}}}extensionElements")
    if ext is not None:
        for prop in ext.iter(f"{{{SPIFF}}}property"):
            if prop.get("name"):
                out[prop.get("name")] = prop.get("value") or ""
    return out


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (value or "").splitlines() if line.strip())


def _style(props: dict, key: str) -> str:
    style = props.get(f"sop.daftar.{key}", "").strip().lower()
    return style if style in STYLES else ""


def document_key(xml: str | bytes, process_id: str) -> tuple[str, int] | None:
    """The document a process belongs to (`sop.dokumen`) and its table's number there
    (`sop.dokumen.tabel`, 1 when absent or unreadable); None for a process that stands alone."""
    props = _props(_process(_parse(xml), process_id))
    doc = props.get("sop.dokumen", "").strip()
    if not doc:
        return None
    return doc, _table_no(props)


def _table_no(props: dict) -> int:
    match = re.match(r"\s*(\d+)", props.get("sop.dokumen.tabel", ""))
    return int(match.group(1)) if match else 1


@dataclass
class _Node:
    id: str
    tag: str
    name: str
    props: dict
    lane: str | None
    x: float
    order: int
    process: str
    documentation: str = ""                        # its text on one line: the Kegiatan when present
    outgoing: list = field(default_factory=list)   # (flow props, flow name, target id)

    @property
    def marked(self) -> bool:
        return "alur.tafsiran" in self.props


class _Graph:
    """One process's flow nodes, flows and lanes, read once."""

    def __init__(self, root: etree._Element, process: etree._Element):
        self.id = process.get("id")
        self.props = _props(process)
        self.name = process.get("name") or self.id
        x_of = {}
        for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
            bounds = shape.find(f"{{{DC}}}Bounds")
            if bounds is not None:
                try:
                    x_of[shape.get("bpmnElement")] = float(bounds.get("x", "0"))
                except ValueError:
                    pass
        self.lanes: list[str] = []
        lane_of: dict[str, str] = {}
        for lane in process.iter(f"{{{BPMN}}}lane"):
            if lane.find(f"{{{BPMN}}}childLaneSet") is not None:
                continue
            name = (lane.get("name") or lane.get("id") or "").strip()
            if name not in self.lanes:
                self.lanes.append(name)
            for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
                lane_of[(ref.text or "").strip()] = name
        self.nodes: dict[str, _Node] = {}
        flows = []
        for order, element in enumerate(process):
            if not isinstance(element.tag, str) or not element.get("id"):
                continue
            tag = etree.QName(element).localname
            if tag == "sequenceFlow":
                flows.append(element)
                continue
            doc = element.find(f"{{{BPMN}}}documentation")
            node = _Node(element.get("id"), tag, (element.get("name") or "").strip(), _props(element),
                         lane_of.get(element.get("id")), x_of.get(element.get("id"), 0.0), order, self.id,
                         " ".join((doc.text or "").split()) if doc is not None else "")
            self.nodes[node.id] = node
        for flow in flows:
            source = self.nodes.get(flow.get("sourceRef"))
            if source is not None and flow.get("targetRef") in self.nodes:
                source.outgoing.append((_props(flow), (flow.get("name") or "").strip(), flow.get("targetRef")))
        for node in self.nodes.values():   # flows in the order their targets stand left to right
            node.outgoing.sort(key=lambda o: self.nodes[o[2]].x)


# ---------------------------------------------------------------- building the sheet

def _cell(props: dict, key: str) -> Cell:
    return Cell(_lines(props.get(f"sop.{key}", "")), _style(props, key))


def _signer(props: dict) -> Signer:
    value = props.get("sop.disahkan_oleh", "")
    if "sop.disahkan_oleh.nama" in props or "sop.disahkan_oleh.nip" in props:
        return Signer(" ".join(_lines(value)), props.get("sop.disahkan_oleh.nama", "").strip(),
                      props.get("sop.disahkan_oleh.nip", "").strip(), props.get("sop.label.nip", "").strip() or "NIP")
    # an older draft: "position\nname NIP digits" in one value
    lines = _lines(value)
    position = lines[0] if lines else ""
    rest = " ".join(lines[1:])
    nip = ""
    found = re.search(r"\b(NIP\.?)\s*:?\s*([\d][\d ./]*\d)", rest)
    label = props.get("sop.label.nip", "").strip() or "NIP"
    if found:
        nip, label = found.group(2).strip(), found.group(1)
        rest = (rest[:found.start()] + rest[found.end():]).strip()
    return Signer(position, rest.strip(" ,"), nip, label)


def _identity(props: dict):
    def make(key: str) -> Field:
        value = props.get(f"sop.{key}", "")
        items = _lines(value)
        if key == "nama":
            items = (" ".join(items),) if items else ()
        return Field(key, props.get(f"sop.label.{key}", "").strip() or LABELS[key], items, _style(props, key))

    instansi = props.get("sop.instansi", "")
    agency = tuple(part.strip() for line in _lines(instansi) for part in line.split("; ") if part.strip())
    return (agency, tuple(make(k) for k in HEADER_KEYS), tuple(make(k) for k in GRID_KEYS),
            props.get("sop.label.disahkan_oleh", "").strip() or LABELS["disahkan_oleh"], _signer(props))


class _Builder:
    """Turns the processes of one table into rows, exits and capsules."""

    def __init__(self, graphs: list[_Graph], as_signed: bool, legend: list[str]):
        self.graphs = graphs
        self.as_signed = as_signed
        self.legend = legend

    def keep(self, props: dict) -> bool:
        return not (self.as_signed and "alur.tafsiran" in props)

    def note(self, what: str, props: dict) -> None:
        reason = props.get("alur.tafsiran", "").strip()
        if reason and not self.as_signed:
            entry = f"{what}: {reason}" if what else reason
            if entry not in self.legend:
                self.legend.append(entry)

    def build(self) -> Table:
        actors: list[str] = []
        for graph in self.graphs:
            actors += [lane for lane in graph.lanes if lane not in actors]
        tasks = [n for g in self.graphs for n in g.nodes.values() if n.tag in TASKS and self.keep(n.props)]
        if not tasks:
            return None
        tasks.sort(key=lambda n: (sop_order(n.props.get("sop.no")), n.x, n.order))
        printed = _printed_numbers(tasks)
        if (not actors or any(n.lane is None for n in tasks)) and "" not in actors:
            actors.append("")
        column = {name: i for i, name in enumerate(actors)}

        def col(node: _Node, fallback: int = 0) -> int:
            return column.get(node.lane, fallback) if node.lane is not None else column.get("", fallback)

        nodes = {(n.process, n.id): n for g in self.graphs for n in g.nodes.values()}
        # rows of steps, then capsules placed in bands (sop.baris) or in rows of their own
        for node, no in zip(tasks, printed):
            self.note(f"Langkah {no} ({node.name or node.id})", node.props)
        no_of = {n.props.get("sop.no", "").strip(): i for i, n in enumerate(tasks) if n.props.get("sop.no", "").strip()}
        step_index = {(n.process, n.id): i for i, n in enumerate(tasks)}

        events = [n for g in self.graphs for n in g.nodes.values()
                  if n.tag in ("startEvent", "endEvent") and self.keep(n.props)]
        banded: dict[int, list[_Node]] = {}
        before: dict[int, list[_Node]] = {}
        after: dict[int, list[_Node]] = {}
        proc_rows: dict[str, list[int]] = {}
        for i, n in enumerate(tasks):
            proc_rows.setdefault(n.process, []).append(i)
        for event in events:
            baris = event.props.get("sop.baris", "").strip()
            if baris in no_of:
                banded.setdefault(no_of[baris], []).append(event)
                continue
            rows = proc_rows.get(event.process)
            if event.tag == "startEvent":
                before.setdefault(min(rows) if rows else 0, []).append(event)
            else:
                after.setdefault(max(rows) if rows else len(tasks) - 1, []).append(event)

        # final row sequence: (kind, payload)
        sequence: list[tuple[str, object]] = []
        for i in range(len(tasks)):
            for group in _own_rows(before.get(i, []), col):
                sequence.append(("terminator", group))
            sequence.append(("step", i))
            for group in _own_rows(after.get(i, []), col):
                sequence.append(("terminator", group))
        row_of_step = {payload: r for r, (kind, payload) in enumerate(sequence) if kind == "step"}
        capsule_at: dict[tuple[str, str], tuple[int, int]] = {}
        capsules_of: dict[int, list[_Node]] = {}
        for r, (kind, payload) in enumerate(sequence):
            members = list(payload) if kind == "terminator" else banded.get(payload, [])
            # a start capsule sharing a band is drawn before an end capsule
            members.sort(key=lambda e: (e.tag != "startEvent", e.x))
            capsules_of[r] = members
            for k, event in enumerate(members):
                capsule_at[(event.process, event.id)] = (r, k)

        def exits(node: _Node) -> tuple[Exit, ...]:
            found: list[Exit] = []
            self._follow(node, "", False, nodes, row_of_step, step_index, capsule_at, found, set())
            unique = []
            for item in found:
                if item not in unique:
                    unique.append(item)
            return tuple(unique)

        rows: list[Row] = []
        for r, (kind, payload) in enumerate(sequence):
            capsules = []
            for event in capsules_of[r]:
                host = tasks[payload].lane if kind == "step" else None
                fallback = column.get(host, 0) if host is not None else 0
                text = event.name or ("Mulai" if event.tag == "startEvent" else "Selesai")
                self.note(f"Terminator \"{text}\"", event.props)
                capsules.append(Capsule(text, col(event, fallback), "start" if event.tag == "startEvent" else "end",
                                        event.marked and not self.as_signed,
                                        exits(event) if event.tag == "startEvent" else (), event.id))
            if kind == "terminator":
                rows.append(Row("terminator", "", "", capsules[0].column, terminators=tuple(capsules)))
                continue
            node = tasks[payload]
            deciding = any(nodes[(node.process, t)].tag in DECIDING and len(nodes[(node.process, t)].outgoing) > 1
                           for _, _, t in node.outgoing if (node.process, t) in nodes)
            props = node.props
            rows.append(Row(
                "decision" if deciding else "process", printed[payload],
                node.documentation or node.name or node.id, col(node),
                exits(node), _cell(props, "kelengkapan"), _cell(props, "waktu"), _cell(props, "output"),
                _cell(props, "keterangan"), tuple(capsules), node.marked and not self.as_signed, node.id))

        first = min(self.graphs, key=_first_step)
        headings = {}
        for key, default in HEADINGS.items():
            headings[key] = first.props.get(f"sop.kolom.{key}", "").strip() or default
        if "sop.kolom.keterangan" in first.props:
            keterangan = bool(first.props["sop.kolom.keterangan"].strip())
        else:
            keterangan = any(r.keterangan.items for r in rows)
        title = first.props.get("sop.judul_tabel", "").strip()
        return Table(title, tuple(actors), tuple(rows), headings, keterangan)

    def _follow(self, node, label, marked, nodes, row_of_step, step_index, capsule_at, found, seen):
        for props, name, target_id in node.outgoing:
            if not self.keep(props):
                continue
            target = nodes.get((node.process, target_id))
            if target is None:
                continue
            if name:
                self.note(f"Alur \"{name}\"", props)
            else:
                self.note("Alur", props)
            text = " · ".join(part for part in (label, name) if part)
            flagged = marked or ("alur.tafsiran" in props and not self.as_signed)
            key = (target.process, target.id)
            if not self.keep(target.props):
                # left out of the signed sheet: its flows lead on, so the chart keeps no gap there
                if key not in seen:
                    seen.add(key)
                    self._follow(target, text, flagged, nodes, row_of_step, step_index, capsule_at, found, seen)
            elif key in step_index:
                found.append(Exit(row_of_step[step_index[key]], text, flagged))
            elif key in capsule_at and target.tag == "endEvent":
                r, k = capsule_at[key]
                found.append(Exit(r, text, flagged or (target.marked and not self.as_signed), k))
            elif target.tag in PASSING and key not in seen:
                self.note(f"Gerbang \"{target.name}\"" if target.name else "Gerbang", target.props)
                seen.add(key)
                self._follow(target, text, flagged or (target.marked and not self.as_signed), nodes,
                             row_of_step, step_index, capsule_at, found, seen)


def _printed_numbers(tasks: list[_Node]) -> list[str]:
    """Each sorted step's printed number: `sop.no.cetak`, else `sop.no`. Without any number, 1, 2, 3
    in the order of the diagram; in a draft where only some steps have one, those without (sorted
    last, left to right) continue after the highest leading number, so no step prints a blank No."""
    given = [n.props.get("sop.no.cetak", "").strip() or n.props.get("sop.no", "").strip() for n in tasks]
    if not any(n.props.get("sop.no", "").strip() for n in tasks):
        return [str(i + 1) for i in range(len(tasks))]
    following = max((int(m.group(1)) for no in given if (m := re.match(r"(\d+)", no))), default=0)
    out = []
    for no in given:
        if not no:
            following += 1
            no = str(following)
        out.append(no)
    return out


def _first_step(graph: _Graph) -> tuple:
    """Sort key of a process by its lowest step number: the first process of a table (or of a
    document) gives its headings and identity."""
    return min((sop_order(n.props.get("sop.no")) for n in graph.nodes.values() if n.tag in TASKS), default=(3,))


def _own_rows(events, col) -> list[list]:
    """Capsules needing rows of their own: one row holds several when their columns differ."""
    groups: list[list] = []
    for event in sorted(events, key=lambda e: e.x):
        for group in groups:
            if all(col(other) != col(event) for other in group):
                group.append(event)
                break
        else:
            groups.append([event])
    return groups


def sheet_of(diagrams: list[tuple[str | bytes, str]], *, as_signed: bool = False) -> Sheet:
    """The sheet of one document: `diagrams` are (BPMN XML, process id) pairs, usually one; several
    when processes share `sop.dokumen` (their `sop.dokumen.tabel` numbers make the tables).
    Raises SheetError (Indonesian and English) for what cannot give a sheet."""
    if not diagrams:
        raise SheetError("Tidak ada diagram untuk dijadikan lembar SOP.", "There is no diagram to make a sheet of.")
    graphs: dict[int, list[_Graph]] = {}
    for xml, process_id in diagrams:
        root = _parse(xml)
        graph = _Graph(root, _process(root, process_id))
        graphs.setdefault(_table_no(graph.props), []).append(graph)
    legend: list[str] = []
    tables = []
    for number in sorted(graphs):
        table = _Builder(graphs[number], as_signed, legend).build()
        if table is not None:
            tables.append(table)
    if not tables:
        raise SheetError("Diagram belum memiliki langkah (tugas), jadi lembar SOP belum dapat dibuat.",
                         "The diagram has no steps (tasks) yet, so no SOP sheet can be made.")
    lowest = min(graphs[min(graphs)], key=_first_step)
    agency, fields, grid, signer_label, signer = _identity(lowest.props)
    return Sheet(agency, fields, signer, signer_label, grid, tuple(tables), tuple(legend), as_signed)
