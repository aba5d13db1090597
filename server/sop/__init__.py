"""The SOP as a diagram records it: lanes, steps with their Mutu Baku, the identity block, its forms."""
from .catalog import read_catalog
from .embedded_forms import ALUR, dump_form, embed_forms, embedded_forms, form_filename, form_text, parse_form

__all__ = ["ALUR", "dump_form", "embed_forms", "embedded_forms", "form_filename", "form_text", "parse_form",
           "read_catalog"]
