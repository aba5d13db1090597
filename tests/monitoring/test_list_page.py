"""The instance list page (/pantau/) for the Pengawas and the Auditor: status tabs with counts,
the overdue banner, filters as GET parameters, sortable columns, paging, rows linking to the
instance's page; the CSV of the same filters; bulk actions through the page with CSRF (the
Pengawas only: the Auditor sees no bulk controls and gets 403)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from server.models import ProcessInstance
from server.monitoring.pages import instance_list

from ..web.test_pages import Browser
from .test_listing import build_world
from .test_steering import _audit, _case, _snapshot, _status


@pytest.fixture
def world(seeded):
    return build_world(seeded)


@pytest.fixture
def browser(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: Browser(app, username)


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="instance-row[^"]*" data-instance-id="(\d+)"', html)]


def _page(user, path="/pantau/", status=200) -> str:
    r = user.get(path)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def test_the_pengawas_finds_the_overdue_cases(world, browser):
    pengawas = browser("kemenpora.pengawas")
    html = _page(pengawas)
    assert 'id="monitor-link"' in html
    assert len(_rows(html)) == 7
    assert re.search(r'id="tab-all"[^>]*aria-current="page"[^>]*>Semua \(7\)', html)
    assert "Berjalan (4)" in html and "Ditangguhkan (1)" in html and "Galat (0)" in html
    banner = re.search(r'id="overdue-banner".*?<a href="([^"]+)">([^<]+)</a>', html, re.S)
    assert banner.group(2) == "3 kasus melewati tenggat" and "overdue=true" in banner.group(1)
    # every row opens the instance's page
    for instance_id in _rows(html):
        assert f'href="/pantau/instances/{instance_id}"' in html
    # following the banner: the three overdue ones, in red, and no banner any more
    late = _page(pengawas, banner.group(1).replace("&amp;", "&"))
    assert sorted(_rows(late)) == sorted([world["held"], world["karo2"], world["pj"]])
    assert 'id="overdue-banner"' not in late and late.count('class="list-late"') == 3
    assert 'id="bulk-form"' in html and 'name="csrf_token"' in html


def test_filters_sorting_and_paging_are_the_address(world, browser, monkeypatch):
    pengawas = browser("kemenpora.pengawas")
    running = _page(pengawas, "/pantau/?status=running")
    assert sorted(_rows(running)) == sorted(world[k] for k in ("step3", "karo2", "pj", "fresh"))
    assert re.search(r'id="tab-running"[^>]*aria-current="page"', running)
    # empty form fields filter nothing
    assert len(_rows(_page(pengawas, "/pantau/?process=&version=&q=&overdue=&from=&to=&lane="))) == 7
    assert _rows(_page(pengawas, "/pantau/?q=olahraga")) == [world["pj"]]
    assert _rows(_page(pengawas, "/pantau/?element=s01_disposisi_pembuatan_konten&sort=id")) == \
        [world["karo2"], world["fresh"]]
    titled = _page(pengawas, "/pantau/?sort=title")
    assert _rows(titled)[0] == world["fresh"]
    # the filter form keeps the order; the header links turn it around and keep the filter
    assert '<input type="hidden" name="sort" value="title">' in titled
    link = re.search(r'id="sort-title" href="([^"]+)"', _page(pengawas, "/pantau/?sort=title&status=running"))
    assert "sort=-title" in link.group(1) and "status=running" in link.group(1)
    monkeypatch.setattr(instance_list, "PER_PAGE", 3)
    first = _page(pengawas, "/pantau/?sort=id")
    assert _rows(first) == [world[k] for k in ("done", "step3", "held")]
    assert 'id="page-next"' in first and "Halaman 1 dari 3" in first
    third = _page(pengawas, "/pantau/?sort=id&page=3")
    assert _rows(third) == [world["fresh"]] and 'id="page-prev"' in third


def test_a_bad_filter_is_said_on_the_page(world, browser):
    html = _page(browser("kemenpora.pengawas"), "/pantau/?from=kemarin", status=422)
    assert "error-summary" in html and "from" in html and _rows(html) == []


def test_the_auditor_reads_the_list_without_bulk_controls(world, seeded, browser):
    auditor = browser("kemenpora.auditor")
    html = _page(auditor)
    assert len(_rows(html)) == 7 and 'id="monitor-link"' in html
    assert 'id="bulk-form"' not in html and 'name="ids"' not in html
    r = auditor.client.post("/pantau/bulk", data={"csrf_token": Browser.token(auditor.get("/pantau/")),
                                                   "action": "cancel", "reason": "x", "ids": [world["pj"]]})
    assert r.status_code == 403
    assert _status(seeded, world["pj"]).status == "running"


def test_staff_and_strangers_are_kept_out(world, browser, client):
    staff = browser("kemenpora.pj")
    assert 'id="monitor-link"' not in _page(staff, "/akun")
    assert staff.get("/pantau/").status_code == 403
    assert staff.get("/pantau/instances.csv").status_code == 403
    r = client.get("/pantau/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > 3 else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_csv_of_the_same_filters(world, seeded, browser):
    _case(seeded, "=HYPERLINK(\"http://contoh\")")
    for who in ("kemenpora.pengawas", "kemenpora.auditor"):
        r = browser(who).get("/pantau/instances.csv?status=running&sort=id")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        assert "charset=utf-8" in r.headers["Content-Type"]
        assert r.headers["Content-Disposition"].startswith('attachment; filename="instans-')
        header, *rows = _csv(r)
        assert header[:8] == ["ID", "Judul", "SOP", "Kunci SOP", "Nomor SOP", "Versi", "Instansi", "Status"]
        assert [int(row[0]) for row in rows][:4] == [world[k] for k in ("step3", "karo2", "pj", "fresh")]
        assert len(rows) == 5 and {row[7] for row in rows} == {"berjalan"}
        pj = next(row for row in rows if int(row[0]) == world["pj"])
        assert pj[1] == "Publikasi Hari Olahraga Nasional" and pj[9] == "Penanggungjawab Bidang Kehumasan"
        assert pj[12] == "ya" and pj[11].endswith("WIB") and pj[14].startswith("2026-11-23 ")
        assert rows[-1][1] == "'=HYPERLINK(\"http://contoh\")"   # not a formula in a spreadsheet
    semicolons = browser("kemenpora.pengawas").get("/pantau/instances.csv?sep=semicolon")
    header, *rows = _csv(semicolons)
    assert header[0] == "ID" and len(rows) == 8
    with seeded.db.transaction() as s:
        assert len(rows) == len(s.scalars(select(ProcessInstance.id).where(ProcessInstance.agency_id == s.scalar(
            select(ProcessInstance.agency_id).where(ProcessInstance.id == world["pj"])))).all())


def test_bulk_through_the_page_with_csrf(world, seeded, browser):
    pengawas = browser("kemenpora.pengawas")
    page = pengawas.get("/pantau/?status=running")
    token = Browser.token(page)
    assert pengawas.client.post("/pantau/bulk", data={"action": "suspend", "reason": "x",
                                                      "ids": [world["pj"]]}).status_code == 400  # no token
    before = _snapshot(seeded, world["done"])
    r = pengawas.client.post("/pantau/bulk", data={
        "csrf_token": token, "action": "suspend", "reason": "Menunggu anggaran", "target": "chosen",
        "ids": [str(world["pj"]), str(world["done"])], "status": "running"})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    html = r.get_data(as_text=True)
    assert "1 instans berhasil" in html and "1 ditolak" in html
    assert "Instans yang sudah selesai tidak dapat ditangguhkan." in html
    assert re.search(r'id="back-to-list" href="[^"]*status=running', html)
    assert _status(seeded, world["pj"]).status == "suspended"
    assert _audit(seeded, world["pj"], "instance.suspended")[0].after["reason"] == "Menunggu anggaran"
    assert _snapshot(seeded, world["done"]) == before

    # every instance the filter matches (the suspended ones, to resume them)
    r = pengawas.client.post("/pantau/bulk", data={"csrf_token": token, "action": "resume", "reason": "Anggaran ada",
                                                   "target": "all", "status": "suspended"})
    assert r.status_code == 200 and "2 instans berhasil" in r.get_data(as_text=True)
    assert _status(seeded, world["pj"]).status == _status(seeded, world["held"]).status == "running"

    # a request without a reason or without instances is refused on the page, nothing changed
    for data in ({"action": "cancel", "reason": " ", "ids": [str(world["pj"])]},
                 {"action": "cancel", "reason": "Ditarik"}):
        r = pengawas.client.post("/pantau/bulk", data={"csrf_token": token, **data})
        assert r.status_code == 422 and "error-summary" in r.get_data(as_text=True)
    assert _status(seeded, world["pj"]).status == "running"
