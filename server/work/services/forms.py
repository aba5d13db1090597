"""Server-side validation of every submission, before anything reaches the engine."""
from __future__ import annotations

from ...errors import InvalidInput
from ...formschema import validate_submission
from .attachments import AttachmentRules
from ...kernel.context import Alur


def check_submission(alur: Alur, db, actor, agency_id: int, instance_id: int | None,
                     form_path: str | None, data) -> tuple[dict, AttachmentRules | None]:
    """Returns the valid data and the files it uses, or raises InvalidInput per field."""
    if not isinstance(data, dict):
        raise InvalidInput("Data harus berupa objek JSON.", "Data must be a JSON object.")
    if not form_path:
        if data:
            raise InvalidInput("Langkah ini tidak meminta isian.", "This step takes no input.")
        return data, None
    validator = alur.forms.validator(form_path)
    files = AttachmentRules(db, actor, agency_id, instance_id, validator.schema, data)
    valid = validate_submission(validator, data, attachment_ok=files.ok, attachment_type=files.content_type)
    return valid, files


def schema_of(alur: Alur, form_path: str | None) -> dict | None:
    return alur.forms.get(form_path) if form_path else None
