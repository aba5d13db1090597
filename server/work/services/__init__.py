"""Staff work as operations: Flask-free, called by the pages, the API, the CLI and the benchmarks."""
