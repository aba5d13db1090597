"""Browser tests: a real Alur server on the test database, driven by Playwright in Debian's Chromium.

- `browser` (session): Chromium at /usr/bin/chromium (Playwright cannot download a browser here;
  `.ci/ensure-chromium` installs Debian's). Without it the tests are skipped, except on CI
  (CI=true), where a missing browser is a failure.
- `live_server` (per test): `create_app(alur=seeded)` with CSRF on, served by werkzeug on a free
  port of 127.0.0.1 in a daemon thread; yields the base URL. The `alur` fixture empties the
  database after each test. An exception inside a request fails the test with its traceback.
- `page` (per test): a new browser context (locale id-ID, `viewport` fixture, base URL set, so
  `page.goto("/login")` works); `new_page()` makes more, e.g. one per user in the same test.
- helpers: `login`, `logout`, `visit` (goto and check the status), `shot` (PNG into
  test-output/screenshots/), `sample_files` (real PNG/MP4/PDF files on disk for upload fields).
"""
from __future__ import annotations

import os
import re
import threading
import traceback
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

from server.app import create_app
from server.files import samples

from ..conftest import DEMO_PASSWORD

CHROMIUM = os.environ.get("ALUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ON_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
DEFAULT_VIEWPORT = {"width": 1280, "height": 900}
# Actions and expect() wait at most this long: a missing element fails fast instead of after 30 s.
TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 15_000


try:  # test modules take `expect` from here, so that they import (and skip) without Playwright
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - only where the dev dependencies are missing
    if ON_CI:
        raise
    expect = None


def pytest_configure(config):
    config.addinivalue_line("markers", "viewport(width, height): the browser viewport of a test's `page`")


# --- the browser ---------------------------------------------------------------------------------

def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (make install)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not at {CHROMIUM} (run .ci/ensure-chromium, or apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if ON_CI:
            pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


# --- the server ----------------------------------------------------------------------------------

class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown the test output
        pass


class LiveServer(str):
    """The base URL (a str), with the app and the exceptions raised inside requests."""
    app = None
    errors: list


@pytest.fixture
def live_app(seeded):
    app = create_app(alur=seeded)
    # CSRF stays on as in production (Flask-WTF ignores TESTING); said explicitly so that no
    # later default can turn it off under the browser tests.
    app.config.update(WTF_CSRF_ENABLED=True)
    # Each navigation would ask for the stylesheet and script again; caching them keeps a step fast.
    app.config.update(SEND_FILE_MAX_AGE_DEFAULT=3600)
    return app


@pytest.fixture
def live_server(live_app):
    errors: list[str] = []

    def _record(sender, exception, **extra):
        errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(_record, live_app)
    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=_QuietHandler)
    # A short poll interval: shutdown() waits for the loop to look, 0.5 s by default on each test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="alur-live-server", daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app, url.errors = live_app, errors
    try:
        yield url
    finally:
        server.shutdown()  # serve_forever closes the socket as it returns
        thread.join(timeout=10)
        got_request_exception.disconnect(_record, live_app)
    if errors:
        pytest.fail("the server raised inside a request:\n" + "\n".join(errors), pytrace=False)


# --- pages ---------------------------------------------------------------------------------------

@pytest.fixture
def viewport(request) -> dict:
    marker = request.node.get_closest_marker("viewport")
    if marker:
        width, height = marker.args
        return {"width": width, "height": height}
    return dict(DEFAULT_VIEWPORT)


@pytest.fixture
def new_page(browser, live_server, viewport):
    """new_page() -> a page in a fresh context (own cookies: one signed-in user each)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"base_url": live_server, "viewport": viewport, "locale": "id-ID",
                                          **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- helpers -------------------------------------------------------------------------------------

def watch_page(page, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every console error (CSP violations among them), uncaught exception and failed request
    (status 400 or more) of the page as it happens, except what matches a pattern in `allowed`
    (e.g. r"status of 412" where a refusal is the point of the test)."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and not any(re.search(a, message.text) for a in allowed):
            problems.append(f"{message.text} ({message.location.get('url', '')})")

    def on_response(response):  # the console says "Failed to load resource" without the address
        if response.status >= 400 and not any(re.search(a, f"status of {response.status}") for a in allowed):
            problems.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


def visit(page, path: str, status: int | tuple = 200):
    """goto, and fail clearly when the page answers another status (a missing page is a 404).

    Waits for the HTML only, not for every image (pages are rendered on the server; `shot` waits
    for the images before it takes its picture)."""
    response = page.goto(path, wait_until="domcontentloaded")
    wanted = (status,) if isinstance(status, int) else status
    assert response is not None and response.status in wanted, \
        f"GET {path} answered {response.status if response else 'nothing'}, expected {status}"
    return response


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    visit(page, f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Masuk").click()
    expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))


def logout(page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Keluar|Sign out)$")).click()
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))


def shot(page, name: str) -> Path:
    """A full-page PNG in test-output/screenshots/<name>.png (the folder is git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), full_page=True)
    return path


def csrf_token(page) -> str:
    """The CSRF token of the page on screen (every form of Alur carries one)."""
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


class SampleFiles:
    """Real small files on disk to upload: distinct content per file (so none is deduplicated)."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    def make(self, kind: str, prefix: str = "berkas") -> Path:
        self.count += 1
        n = self.count
        if kind == "images":
            body, suffix = samples.png(rgb=(n * 37 % 256, n * 73 % 256, n * 11 % 256)), "png"
        elif kind == "videos":
            body, suffix = samples.mp4() + n.to_bytes(4, "big"), "mp4"
        elif kind == "files":
            body, suffix = samples.pdf(f"Alur dokumen {n}"), "pdf"
        else:
            raise ValueError(f"unknown kind of file: {kind}")
        path = self.folder / f"{prefix}-{n}.{suffix}"
        path.write_bytes(body)
        return path

    def many(self, kind: str, count: int, prefix: str = "berkas") -> list[Path]:
        return [self.make(kind, prefix) for _ in range(count)]


@pytest.fixture
def sample_files(tmp_path) -> SampleFiles:
    folder = tmp_path / "unggahan"
    folder.mkdir()
    return SampleFiles(folder)


# --- forms ---------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"^\$(images|videos|files):(\d+)$")


def css_string(value: str) -> str:
    """A CSS attribute value in double quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DESCRIBE_FIELDS = """(form, names) => Object.fromEntries(names.map(name => {
    const field = form.querySelector('#' + CSS.escape('field-' + name));
    const options = [...form.querySelectorAll('input[id^="' + CSS.escape('field-' + name + '-') + '"]')]
        .filter(e => e.type === 'checkbox' || e.type === 'radio');
    return [name, {tag: field ? field.tagName.toLowerCase() : null, type: field ? (field.type || '') : null,
                   options: options.map(e => [e.id, e.value, e.type])}];
}))"""


def fill_form(form, data: dict, files: SampleFiles) -> None:
    """Types `data` (one expected step's data) into a form built by the UI contract.

    `#field-<name>` per field; checkbox (or radio) options `#field-<name>-<i>` whose value is the
    option; file inputs `input[type=file]#field-<name>`, given real files for "$images:N",
    "$videos:N", "$files:N"; lists of strings (links) one per line in a textarea; a select or
    radio buttons for one choice. The decision (`keputusan`) is not typed: `submit_form` clicks
    its button. The form is inspected once, then each field takes one action.
    """
    names = [name for name in data if name != "keputusan"]
    fields = form.evaluate(_DESCRIBE_FIELDS, names)
    for name in names:
        value, found = data[name], fields[name]
        field = form.locator(f"#field-{name}")
        placeholder = PLACEHOLDER.match(value) if isinstance(value, str) else None
        assert found["tag"] or found["options"], f"the form has no field '{name}' (#field-{name})"
        if placeholder:
            assert found["type"] == "file", f"#field-{name} is not a file input"
            kind, count = placeholder.groups()
            field.set_input_files([str(p) for p in files.many(kind, int(count), prefix=name)])
        elif isinstance(value, bool):
            field.set_checked(value)
        elif found["options"]:  # checkboxes (a list) or radio buttons (one value)
            chosen = value if isinstance(value, list) else [value]
            for option_id, option_value, option_type in found["options"]:
                if option_type == "checkbox" or option_value in chosen:  # a radio is never unchecked
                    form.locator(f"#{option_id}").set_checked(option_value in chosen)
        elif isinstance(value, list):
            field.fill("\n".join(str(item) for item in value))
        elif found["tag"] == "select":
            field.select_option(str(value))
        elif found["type"] == "datetime-local":
            field.fill(str(value)[:16])  # 2026-10-28T09:00:00+07:00 -> the agency's local time
        else:
            field.fill(str(value))


def send_button(form):
    """The "Kirim" button (a form may hold other, hidden submit buttons, e.g. a guard that keeps
    the Enter key from choosing a decision)."""
    return form.locator("button[name=action][value=submit]").filter(has_text=re.compile(r"^\s*(Kirim|Send)\s*$"))


def submit_form(form, data: dict) -> None:
    """Clicks the decision button of `data["keputusan"]`, else "Kirim"."""
    if "keputusan" in data:
        form.locator(f"button[name=keputusan][value={css_string(data['keputusan'])}]").click()
    else:
        send_button(form).click()
