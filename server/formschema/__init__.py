"""Forms: loading their JSON Schemas and checking what users submit against them.

Pure domain code (no Flask, database or engine), shared by the services, the CLI and benchmarks.
"""
from server.formschema.display import field_label, shown_value
from server.formschema.catalog import FormCatalog, FormNotFound, FormRejected, FormSet, check_schema
from server.formschema.validation import (
    FORM_FIELD,
    FORMAT_CHECKER,
    Decision,
    decision_field,
    file_fields,
    make_validator,
    title_field_value,
    validate_submission,
)

__all__ = [
    "FORM_FIELD", "FORMAT_CHECKER", "Decision", "FormCatalog", "FormNotFound", "FormRejected", "FormSet",
    "check_schema", "decision_field", "field_label", "shown_value", "file_fields", "make_validator", "title_field_value", "validate_submission",
]
