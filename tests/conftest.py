"""Shared fixtures: a real database (SQLite, or PostgreSQL via ALUR_TEST_DATABASE_URL), the real
engine, the demo data, and an API client that signs in as a demo user."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from server.app import create_app
from server.clock import FixedClock
from server.config import Settings
from server.files import samples
from server.i18n import compile_catalogs
from server.migrate import upgrade
from server.models import Base
from server import demo
from server.kernel import versions
from server.kernel.context import Alur

DEMO_PASSWORD = "kata-sandi-uji"


@pytest.fixture(scope="session", autouse=True)
def _catalogs():
    """The interface speaks Indonesian only with its compiled catalog (make does this too)."""
    compile_catalogs()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("ALUR_TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'alur.db'}"
    upgrade(url)  # every run exercises the migrations from an empty database
    return url


@pytest.fixture
def alur(database_url, tmp_path):
    settings = Settings.from_env(database_url=database_url, instance_dir=tmp_path / "instance",
                                 secret_key="test-secret", demo_password=DEMO_PASSWORD)
    alur = Alur.create(settings, clock=FixedClock())
    yield alur
    _empty(alur)
    versions.forget()
    alur.close()


def _empty(alur: Alur) -> None:
    with alur.db.engine.begin() as conn:
        if alur.db.is_postgres:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def seeded(alur):
    """The demo agencies, users and diagrams (no instances)."""
    demo.load(alur, with_instances=False)
    return alur


@pytest.fixture
def app(seeded):
    app = create_app(alur=seeded)
    app.config.update(TESTING=True)
    return app


class ApiUser:
    """A demo user talking to the JSON API with a bearer token."""

    def __init__(self, client, username: str):
        self.client, self.username = client, username
        r = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 201, r.get_json()
        self.headers = {"Authorization": f"Bearer {r.get_json()['token']}"}

    def get(self, path, headers=None, **kw):
        return self.client.get(f"/api/v1{path}", headers={**self.headers, **(headers or {})}, **kw)

    def post(self, path, json=None, headers=None, **kw):
        return self.client.post(f"/api/v1{path}", headers={**self.headers, **(headers or {})}, json=json, **kw)

    def upload(self, body: bytes, name: str):
        r = self.client.post("/api/v1/attachments", headers=self.headers,
                             data={"file": (__import__("io").BytesIO(body), name)},
                             content_type="multipart/form-data")
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    def fill(self, data: dict) -> dict:
        """Replaces "$images:N" / "$videos:N" / "$files:N" placeholders with uploads of real files."""
        kinds = {"images": (samples.png(), "foto.png"), "videos": (samples.mp4(), "video.mp4"),
                 "files": (samples.pdf(), "dokumen.pdf")}
        out = {}
        for key, value in data.items():
            if isinstance(value, str) and value.startswith("$") and ":" in value:
                kind, count = value[1:].split(":")
                out[key] = [self.upload(*kinds[kind]) for _ in range(int(count))]
            else:
                out[key] = value
        return out


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """login("kemenpora.karo") -> an ApiUser with its own client (one sign-in per user and test)."""
    users: dict[str, ApiUser] = {}

    def make(username: str) -> ApiUser:
        if username not in users:
            users[username] = ApiUser(app.test_client(), username)
        return users[username]
    return make


EXPECTED_DIR = Path(__file__).parent / "diagrams" / "expected"


class PageClient:
    """A test client signed in through the login form, sending each page's CSRF token back."""

    def __init__(self, app, username):
        self.client = app.test_client()
        page = self.client.get("/login")
        r = self.client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                             "csrf_token": self.token(page)})
        assert r.status_code in (302, 303), r.get_data(as_text=True)

    @staticmethod
    def token(response) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, page_path, action, data):
        """Posts `data` to `action` with the CSRF token of the page at `page_path`."""
        page = self.client.get(page_path)
        assert page.status_code == 200, page.status_code
        return self.client.post(action, data=dict(data, csrf_token=self.token(page)))


@pytest.fixture
def signed_in(app):
    """signed_in("kemenpora.pemilik") -> a PageClient of that user, CSRF checked as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: PageClient(app, username)
