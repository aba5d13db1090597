"""Business operations. Flask-free: the web, the API, the CLI and the benchmarks call these."""
