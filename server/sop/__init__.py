"""The SOP as a diagram records it: lanes, steps with their Mutu Baku, the identity block."""
from .catalog import read_catalog

__all__ = ["read_catalog"]
