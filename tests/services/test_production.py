"""The production set-up the README gives: `alur db upgrade`, `alur demo`, then gunicorn serving
`wsgi:app` and a separate `alur worker`, all configured from the environment alone."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def production_env(tmp_path, monkeypatch):
    env = {**os.environ, "ALUR_INSTANCE_DIR": str(tmp_path / "instance"),
           "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'alur.db'}", "ALUR_SECRET_KEY": "k" * 40,
           "ALUR_DEMO_PASSWORD": "rahasia-produksi"}
    for command in (["db", "upgrade"], ["demo"]):
        done = subprocess.run([str(BIN / "alur"), *command], cwd=REPO, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return env


def test_gunicorn_serves_wsgi_app_and_a_worker_runs_beside_it(production_env):
    port = _free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=REPO, env=production_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):  # wait until it listens (a readiness poll, not a stand-in for a timer)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        status, body = _get(f"http://127.0.0.1:{port}/login")
        assert status == 200 and "Masuk" in body
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/token", method="POST",
                                         data=json.dumps({"username": "bsip.staf", "password": "rahasia-produksi"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.status == 201 and json.loads(r.read())["token"]
    finally:
        server.terminate()
        server.wait(timeout=10)

    worker = subprocess.run([str(BIN / "alur"), "worker", "--once"], cwd=REPO, env=production_env,
                            capture_output=True, text=True)
    assert worker.returncode == 0, worker.stderr
    assert set(json.loads(worker.stdout.strip().splitlines()[-1])) == {"started", "timers", "escalated", "emails"}
