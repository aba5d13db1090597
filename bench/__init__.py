"""Benchmarks. Run them as modules, e.g. `python -m bench.engine_vs_service` (see bench/README.md)."""
