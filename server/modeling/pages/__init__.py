"""Process owners' pages (Pemilik Proses): their agency's SOPs, the modeler, versions and diffs.

Each view calls the modeling services only (they ask the access policy). The catalogue pages
work without JavaScript; the modeler and the diff are the bpmn-js bundle under static/modeler/.
"""
from flask import Blueprint

pages = Blueprint("modeling", __name__, url_prefix="/model", template_folder="../templates")

__all__ = ["pages"]
