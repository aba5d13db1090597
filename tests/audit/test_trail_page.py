"""The auditor's home (/audit/): the "Audit" header link for auditors only; a panel per agency
audited with "Verifikasi rantai" (green with the count and head, or red naming the first broken
event with a link to it in the trail) and its daily checkpoints; the trail with its GET filter
form, keyset paging and export links; bad filters as form errors."""
from __future__ import annotations

import re
from html import unescape

import pytest

from server.kernel import audit

from ..web.test_pages import Browser
from .trail_scene import agency_id, build, chain_rows, edit


@pytest.fixture
def scene(seeded):
    return build(seeded)


@pytest.fixture
def browser(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: Browser(app, username)


def _page(user, path="/audit/", status=200) -> str:
    r = user.get(path)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="event-(\d+)"', html)]


def test_the_header_link_is_for_auditors_only(seeded, browser):
    for username in ("inspektorat", "kemenpora.auditor"):
        assert 'id="audit-link" href="/audit/"' in _page(browser(username), "/")
    for username in ("kemenpora.pengawas", "kemenpora.pemilik", "kemenpora.karo"):
        user = browser(username)
        assert 'id="audit-link"' not in _page(user, "/")
        assert "Hanya Auditor yang dapat membuka jejak audit." in _page(user, "/audit/", 403)


def test_the_auditor_verifies_the_chain_and_reads_the_trail(seeded, scene, browser):
    auditor = browser("kemenpora.auditor")
    rows = chain_rows(seeded, "kemenpora")
    html = _page(auditor)
    assert 'id="chain-kemenpora"' in html and 'id="chain-bsip"' not in html  # one panel: its own agency
    assert 'id="verify-kemenpora"' in html and "Verifikasi rantai" in html
    assert _rows(html) == [r.id for r in reversed(rows)]
    assert "Instans dimulai" in html and "Tugas diselesaikan" in html and "Kepala Biro Humas dan Umum" in html
    # the checkpoints: one row per day, the newest first, each with its hash to copy
    checkpoints = re.search(r'id="checkpoints-kemenpora" open>(.*?)</details>', html, re.S).group(1)
    assert "Selasa, 24 November 2026" in checkpoints and "Senin, 23 November 2026" in checkpoints
    assert checkpoints.index("24 November") < checkpoints.index("23 November")
    assert f'data-copy="kemenpora 2026-11-24 {len(rows)} ' in checkpoints
    assert "Catat kepala rantai setiap hari di luar Alur" in checkpoints
    # the exports of the same filter
    assert 'id="jsonl-link" href="/api/v1/audit/events.jsonl"' in html
    assert 'href="/api/v1/audit/events.csv?sep=semicolon"' in html

    verified = _page(auditor, "/audit/?verify=kemenpora")
    result = re.search(r'<p class="audit-result audit-ok" id="verify-result-kemenpora" role="status">(.*?)</p>',
                       verified, re.S)
    assert result, verified[:3000]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", result.group(1))).split())
    head = auditor.client.get("/api/v1/audit/verify").get_json()["head"]
    assert text == f"Utuh: {len(rows)} kejadian, kepala {head}"


def test_a_tampered_chain_is_shown_in_red_with_the_event_to_look_at(seeded, scene, browser):
    rows = chain_rows(seeded, "kemenpora")
    target = next(r for r in rows[1:-1] if r.action == "task.completed")
    edit(seeded, target.id, before={"state": "ready", "revision": 99})
    auditor = browser("kemenpora.auditor")
    html = _page(auditor, "/audit/?verify=kemenpora")
    broken = re.search(r'<div class="audit-result audit-broken" id="verify-result-kemenpora" role="alert">(.*?)</div>',
                       html, re.S).group(1)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", broken)).split())
    assert f"Kejadian pertama yang rusak: #{target.id} (nomor {target.seq} dalam rantai)" in text
    assert "isinya diubah setelah dicatat" in text and "WIB" in text
    link = unescape(re.search(r'id="broken-link-kemenpora" href="([^"]+)"', broken).group(1))
    assert link == f"/audit/?agency=kemenpora&after={target.id + 1}&verify=kemenpora#event-{target.id}"
    shown = _page(auditor, link.split("#")[0])
    assert _rows(shown)[0] == target.id
    assert f'<tr id="event-{target.id}" class="audit-row audit-row-broken"' in shown


def test_the_filters_paging_and_errors_of_the_page(seeded, scene, browser):
    inspektorat = browser("inspektorat")
    html = _page(inspektorat)
    assert html.count('class="panel audit-chain"') == 5 and 'id="f-agency"' in html
    filtered = _page(inspektorat, f"/audit/?instance={scene['second']}&action=task.")
    assert len(_rows(filtered)) == 2 and 'id="reset-filters"' in filtered
    assert f'href="/api/v1/audit/events.jsonl?instance={scene["second"]}&amp;action=task."' in filtered
    everything = len(_rows(_page(inspektorat, "/audit/?agency=kemenpora")))
    kemenpora = agency_id(seeded, "kemenpora")
    with seeded.db.transaction() as s:  # fifty more: past one page
        for n in range(50):
            audit.record(s, seeded.clock.now(), "uji.isi", agency_id=kemenpora, after={"n": n})
    first = _page(inspektorat, "/audit/?agency=kemenpora")
    assert len(_rows(first)) == 50 and 'id="page-newest"' not in first
    older = unescape(re.search(r'id="page-older" href="([^"]+)"', first).group(1)).split("#")[0]
    second = _page(inspektorat, older)
    assert len(_rows(second)) == everything and 'id="page-newest"' in second
    assert set(_rows(first)).isdisjoint(_rows(second)) and max(_rows(second)) < min(_rows(first))

    wrong = _page(inspektorat, "/audit/?from=kemarin&instance=abc", status=422)
    assert 'class="error-summary"' in wrong and "Filter &#39;from&#39; tidak sah" in wrong
    assert _page(browser("kemenpora.auditor"), "/audit/?agency=bsip", status=403)
