"""What the read-only pages show a process owner: one version with its SOP rows (the page is
useful without its diagram), and two versions to compare with the list of their differences.
The versions list, the XML and the diff are the versions and diff services' own."""
from __future__ import annotations

from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...sop.ordering import sop_order
from . import diff, versions
from .lookup import owned_model


def version_page(alur: Alur, actor: Actor, agency: str, key: str, number: int) -> dict:
    """{sop, version, versions, rows}: the SOP (key, name, agency, timezone), the version's facts
    as the versions list gives them, every version (for the links), its SOP rows in order."""
    items = versions.list_versions(alur, actor, key, agency)
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        catalog = versions.find_version(s, model.id, key, number).catalog or {}
        sop = _sop(model, found)
    return {"sop": sop, "version": next(i for i in items if i["version"] == number), "versions": items,
            "rows": sop_rows(catalog)}


def diff_page(alur: Alur, actor: Actor, agency: str, key: str, old: int | None, new: int | None) -> dict:
    """{sop, versions, from, to, diff}: by default the latest version against the one before it
    (a lone version against itself: nothing differs)."""
    items = versions.list_versions(alur, actor, key, agency)
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        sop = _sop(model, found)
    numbers = [i["version"] for i in items]  # newest first
    if new is None:
        new = numbers[0] if numbers else 1
    if old is None:
        old = next((n for n in numbers if n < new), new)
    return {"sop": sop, "versions": items, "from": old, "to": new,
            "diff": diff.diff_versions(alur, actor, key, old, new, agency, with_names=True)}


def sop_rows(catalog: dict) -> list[dict]:
    """The SOP's rows (its tasks with a Kegiatan) in the order of their No as printed."""
    steps = list((catalog.get("steps") or {}).values())
    rows = [{"element_id": step.get("element_id"), "no": step.get("no") or "",
             "no_cetak": step.get("no_cetak") or step.get("no") or "", "name": step.get("name") or "",
             "kegiatan": step.get("kegiatan") or step.get("name") or "", "waktu": step.get("waktu") or "",
             "lane": step.get("lane") or ""} for step in steps]
    return sorted(rows, key=lambda row: sop_order(row["no"]))  # stable: unnumbered rows keep their order


def _sop(model, agency) -> dict:
    return {"key": model.key, "name": model.name, "agency": agency.slug, "agency_name": agency.name,
            "timezone": agency.timezone}
