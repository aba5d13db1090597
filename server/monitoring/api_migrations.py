"""Supervisors' JSON API (under /api/v1): migrating an SOP's open instances to another version.

`dry_run` (the default) lists each open instance of `from_version` and whether it can move; the
agency's Pengawas and Auditor may ask. With `dry_run: false` the Pengawas moves the movable ones
(a `reason` is required); the others stay as they are. See services/migration.py.
"""
from __future__ import annotations

from flask import g, jsonify, request

from ..api.views import alur, api, json_body
from ..errors import InvalidInput
from .services import migration

FIELDS = {"from_version", "to_version", "dry_run", "instance_ids", "reason", "batch"}


@api.post("/processes/<key>/migrations")
def migrate_instances(key: str):
    body = json_body()
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise InvalidInput(f"Isian tidak dikenal: {', '.join(unknown)}.", f"Unknown fields: {', '.join(unknown)}.",
                           fields={name: [{"id": "Tidak dikenal.", "en": "Unknown field."}] for name in unknown})
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise InvalidInput("'dry_run' harus true atau false.", "'dry_run' must be true or false.",
                           fields={"dry_run": [{"id": "Harus true atau false.", "en": "Must be true or false."}]})
    agency = request.args.get("agency") or None
    args = (alur(), g.actor, key, body.get("from_version"), body.get("to_version"))
    if dry_run:
        return jsonify(migration.plan(*args, agency=agency, instance_ids=body.get("instance_ids")))
    return jsonify(migration.migrate(*args, instance_ids=body.get("instance_ids"), batch=body.get("batch", 50),
                                     agency=agency, reason=body.get("reason")))
