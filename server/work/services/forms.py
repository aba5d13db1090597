"""Server-side validation of every submission, before anything reaches the engine.

`forms` is the version's own (`VersionInfo.forms`), so a running instance keeps the forms it
was deployed with whatever happens to the files under forms/."""
from __future__ import annotations

from ...errors import InvalidInput
from ...formschema import validate_submission
from .attachments import AttachmentRules


def check_submission(forms, db, actor, agency_id: int, instance_id: int | None,
                     form_key: str | None, data) -> tuple[dict, AttachmentRules | None]:
    """Returns the valid data and the files it uses, or raises InvalidInput per field."""
    if not isinstance(data, dict):
        raise InvalidInput("Data harus berupa objek JSON.", "Data must be a JSON object.")
    if not form_key:
        if data:
            raise InvalidInput("Langkah ini tidak meminta isian.", "This step takes no input.")
        return data, None
    validator = forms.validator(form_key)
    files = AttachmentRules(db, actor, agency_id, instance_id, validator.schema, data)
    valid = validate_submission(validator, data, attachment_ok=files.ok, attachment_type=files.content_type)
    return valid, files


def schema_of(forms, form_key: str | None) -> dict | None:
    return forms.get(form_key) if form_key else None
