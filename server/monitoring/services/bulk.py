"""A supervisor's action on many instances at once: suspend, resume, cancel, retry or move the
instances chosen in the list, or every instance matching its filters (BULK_MAX at a time).

Each instance is its own engine step (the steering and moving services each run one
`run_step`): one that is refused (not in a state the action applies to, another agency's, gone)
changes nothing and is reported with its refusal, the others go ahead. One reason for all,
audited on each instance.
"""
from __future__ import annotations

from dataclasses import replace

from ...errors import AlurError, InvalidInput
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from . import listing, moving, steering
from .list_filters import NUMBER_MAX, Filters

BULK_MAX = 500
# action -> the statuses it applies to ("all matching" takes only those)
APPLIES_TO = {
    "suspend": ("running",),
    "resume": ("suspended",),
    "cancel": ("running", "suspended", "error"),
    "retry": ("error",),
    "move": ("running",),
}
ACTIONS = tuple(APPLIES_TO)


def may_steer(actor: Actor) -> bool:
    """Whether the actor is the Pengawas of any agency (the list shows bulk controls)."""
    return bool(access.agencies_allowed(actor, "instance.steer"))


def require_steer(actor: Actor) -> None:
    """Bulk actions are the Pengawas's (403 for the Auditor and staff, before anything else)."""
    access.require_somewhere(actor, "instance.steer")


def _invalid(name: str, message_id: str, message_en: str) -> InvalidInput:
    return InvalidInput(message_id, message_en, fields={name: [{"id": message_id, "en": message_en}]})


def check_ids(ids) -> list[int]:
    """Instance ids as whole numbers, each once, at most BULK_MAX."""
    try:
        numbers = [int(str(i).strip()) for i in ids]
    except (TypeError, ValueError):
        raise _invalid("ids", "Nomor instans harus bilangan bulat.", "Instance ids must be whole numbers.") from None
    if any(not 1 <= n <= NUMBER_MAX for n in numbers):
        raise _invalid("ids", "Nomor instans tidak sah.", "Invalid instance id.")
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > BULK_MAX:
        raise _invalid("ids", f"Paling banyak {BULK_MAX} instans sekaligus.", f"At most {BULK_MAX} instances at a time.")
    return numbers


def apply(alur: Alur, actor: Actor, action: str, reason, *, ids=None, filters: Filters | None = None,
          to_element: str | None = None) -> dict:
    """`action` on the instances `ids`, or (ids None) on up to BULK_MAX of those matching
    `filters` that are in a status the action applies to, oldest first. Returns what was done
    and what was refused, per instance, with the refusal's message."""
    require_steer(actor)
    if action not in APPLIES_TO:
        raise _invalid("action", "Tindakan harus salah satu dari: " + ", ".join(ACTIONS) + ".",
                       "The action must be one of: " + ", ".join(ACTIONS) + ".")
    reason = steering.check_reason(reason)
    if action == "move" and (not isinstance(to_element, str) or not to_element.strip()):
        raise _invalid("to_element", "Pilih langkah tujuan.", "Choose the step to move to.")
    if ids is None and filters is None:
        raise _invalid("ids", "Pilih instans, atau semua yang cocok dengan filter.",
                       "Choose instances, or all that match the filter.")
    if ids is not None:
        chosen = check_ids(ids)
        if not chosen:
            raise _invalid("ids", "Pilih sedikitnya satu instans.", "Choose at least one instance.")
        matched = len(chosen)
    else:
        statuses = tuple(s for s in APPLIES_TO[action] if not filters.statuses or s in filters.statuses)
        if not statuses:
            chosen, matched = [], 0
        else:
            chosen, matched = listing.matching_ids(alur, actor, replace(filters, statuses=statuses), BULK_MAX)
    done, refused = [], []
    for instance_id in chosen:
        try:
            answer = _run(alur, actor, action, instance_id, reason, to_element)
        except AlurError as exc:
            refused.append({"id": instance_id, "error": exc.code, "message_id": exc.message_id,
                            "message_en": exc.message_en})
        else:
            done.append({"id": instance_id, "status": answer.get("status")})
    titles = listing.titles(alur, actor, chosen)
    for row in done + refused:
        row["title"] = titles.get(row["id"])
    return {"action": action, "reason": reason, "done": done, "refused": refused, "matched": matched,
            "capped": matched > len(chosen), "limit": BULK_MAX}


def _run(alur: Alur, actor: Actor, action: str, instance_id: int, reason: str, to_element: str | None) -> dict:
    if action == "move":
        return moving.move(alur, actor, instance_id, to_element.strip(), reason)
    return getattr(steering, action)(alur, actor, instance_id, reason)
