"""The engine adapter: the only package of Alur that imports SpiffWorkflow.

Everything else speaks to the engine through these names.
"""
from .runtime import EngineFault, ProcessEngine, ReadyTask, Run
from .specs import Diagram, load_diagram

__all__ = ["Diagram", "EngineFault", "ProcessEngine", "ReadyTask", "Run", "load_diagram"]
