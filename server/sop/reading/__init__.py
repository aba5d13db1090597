"""Reading SOP AP tables that agencies already keep (XLSX, DOCX, CSV, the seeds' text) into one shape."""
from ..identity import COLUMNS
from .model import ImportRefused, Note, SopDocument, SopRow, SopTable
from .read import read_sop

__all__ = ["COLUMNS", "ImportRefused", "Note", "SopDocument", "SopRow", "SopTable", "read_sop"]
