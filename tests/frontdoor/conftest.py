"""Helpers for the front-door tests: a browser-like sign-in through the login form (CSRF on), and
request bodies made up on demand, so a test can declare a large body without building it."""
from __future__ import annotations

import io
import re

import pytest

from ..conftest import DEMO_PASSWORD


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)


class Browser:
    """A test client signed in through /login like a browser, from one address."""

    def __init__(self, app, username: str, password: str = DEMO_PASSWORD, address: str = "127.0.0.1"):
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        page = self.client.get("/login")
        self.response = self.client.post("/login", data={"username": username, "password": password,
                                                         "csrf_token": csrf_token(page)})

    def token(self, path: str = "/") -> str:
        return csrf_token(self.client.get(path))

    def cookie(self) -> str:
        return self.client.get_cookie("session").value


@pytest.fixture
def browser(app):
    app.config["WTF_CSRF_ENABLED"] = True

    def sign_in(username: str, **kw) -> Browser:
        signed = Browser(app, username, **kw)
        assert signed.response.status_code == 302, signed.response.get_data(as_text=True)
        return signed
    return sign_in


class MadeUpBody(io.RawIOBase):
    """`size` bytes of `fill`, produced only as they are read; `read_so_far` says how many were."""

    def __init__(self, size: int, fill: bytes = b" "):
        self.size, self.fill, self.position, self.read_so_far = size, fill, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = self.fill * n
        self.position += n
        self.read_so_far += n
        return n
