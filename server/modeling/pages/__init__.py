"""Process owners' pages (Pemilik Proses): their agency's SOPs, the modeler, versions and diffs.

Each view calls the modeling services only (they ask the access policy). The catalogue pages
work without JavaScript; the modeler and the diff are the bpmn-js bundle under static/modeler/.
"""
from flask import Blueprint

pages = Blueprint("modeling", __name__, url_prefix="/model", template_folder="../templates")

from . import viewing  # noqa: E402,F401  (routes: a version read-only, the diff of two)
from . import catalogue  # noqa: E402,F401  (routes: the owner's SOPs, a new SOP, versions)
from . import editor  # noqa: E402,F401  (route: the modeler)
from . import documents  # noqa: E402,F401  (routes: the SOP AP sheet, importing SOP tables)

__all__ = ["pages"]
