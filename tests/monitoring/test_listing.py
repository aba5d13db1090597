"""The supervisors' instance list (GET /api/v1/instances and the listing service): each filter,
the sort orders, paging, the counts per status and overdue, who sees what (the Pengawas and the
Auditor everything of their agency; staff exactly what `instance.read` lets them read; another
agency nothing), and bad filter values refused with 422 in both languages."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from server import demo
from server.files import samples
from server.kernel import access, accounts
from server.models import Agency, ProcessInstance
from server.monitoring.services import listing, steering
from server.work.services import attachments, instances

from ..conftest import DEMO_PASSWORD
from ..walking import stopped_by_an_error
from .test_steering import KEY, _actor, _case

BSIP_KEY = "bsip_informasi_media_sosial"
PJ_LANE = "Penanggungjawab Bidang Kehumasan"
ALL = {"done", "step3", "held", "gone", "karo2", "pj", "fresh"}


def _drive(alur, steps: int, title: str) -> int:
    return int(re.search(r"#(\d+)", demo.drive(alur, KEY, steps, title=title)).group(1))


def _start_as(alur, username: str, title: str) -> int:
    """Started by `username` (a holder of the start lane), waiting at step 1."""
    who = _actor(alur, username)
    document = attachments.upload(alur, who, io.BytesIO(samples.pdf()), "permohonan.pdf", agency="kemenpora")
    return instances.start(alur, who, KEY, {"judul": title, "asal_permohonan": "Internal",
                                            "dokumen_permohonan": [document["id"]]})["id"]


@pytest.fixture
def world(seeded):
    return build_world(seeded)


def build_world(alur) -> dict:
    """Seven Kemenpora instances, ten minutes apart, and one of BSIP:

    done  (completed; started 00.20 WIB on the 23rd, which is the 22nd in UTC), step3 (running,
    at step 3, lane Ketua Tim Publikasi, due in a working day), held (suspended at step 2), gone
    (cancelled), karo2 (started by a second Kepala Biro, at step 1), pj ("Publikasi Hari Olahraga
    Nasional", at step 2), fresh (at step 1). Now is five minutes after `fresh` started: the
    ten-minute steps of held, karo2 and pj are overdue, fresh's is not yet."""
    with alur.db.transaction() as s:
        kemenpora = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, alur.clock.now(), "kemenpora.karo2", "Kepala Biro Kedua",
                                    password_hash=accounts.hash_password(DEMO_PASSWORD))
        accounts.add_member(s, user.id, kemenpora, ["Kepala Biro Humas dan Umum"])
    ids = {}
    alur.clock.set(datetime(2026, 11, 22, 17, 20, tzinfo=timezone.utc))
    ids["done"] = _drive(alur, 99, "Selesai dulu")            # started 17.20 UTC = 00.20 WIB on the 23rd
    alur.clock.set(datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc))
    ids["step3"] = _drive(alur, 2, "Di langkah 3")
    pengawas = _actor(alur, "kemenpora.pengawas")
    alur.clock.advance(minutes=10)
    ids["held"], _ = _case(alur, "Ditangguhkan sementara")
    steering.suspend(alur, pengawas, ids["held"], "Menunggu surat")
    alur.clock.advance(minutes=10)
    ids["gone"], _ = _case(alur, "Dibatalkan pemohon")
    steering.cancel(alur, pengawas, ids["gone"], "Ditarik")
    alur.clock.advance(minutes=10)
    ids["karo2"] = _start_as(alur, "kemenpora.karo2", "Permohonan karo kedua")
    alur.clock.advance(minutes=10)
    ids["pj"], _ = _case(alur, "Publikasi Hari Olahraga Nasional")
    alur.clock.advance(minutes=10)
    ids["fresh"] = _drive(alur, 0, "Baru mulai")
    alur.clock.advance(minutes=5)
    ids["bsip"] = int(re.search(r"#(\d+)", demo.drive(alur, BSIP_KEY, 1, title="Kegiatan BSIP")).group(1))
    alur.clock.advance(minutes=1)
    return ids


def _names(world, items) -> list[str]:
    by_id = {v: k for k, v in world.items()}
    return [by_id[i["id"]] for i in items]


def _get(user, query: str = "") -> dict:
    r = user.get(f"/instances{'?' + query if query else ''}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_pengawas_sees_every_instance_of_the_agency_with_counts(world, login):
    page = _get(login("kemenpora.pengawas"))
    assert set(_names(world, page["items"])) == ALL
    assert page["total"] == 7 and page["page"] == 1 and page["per_page"] == 50
    assert page["counts"] == {"running": 4, "completed": 1, "suspended": 1, "cancelled": 1, "error": 0,
                              "overdue": 3}
    # newest first by default
    assert _names(world, page["items"])[:2] == ["fresh", "pj"]
    item = next(i for i in page["items"] if i["id"] == world["pj"])
    assert (item["title"], item["process"], item["version"], item["agency"], item["status"]) == (
        "Publikasi Hari Olahraga Nasional", KEY, 1, "kemenpora", "running")
    assert item["started_by"] == "Kepala Biro Humas dan Umum (kemenpora)" and item["ended_at"] is None
    [now] = item["current"]
    assert (now["element_id"], now["lane"], now["sop_no"], now["assignee"], now["overdue"]) == (
        "s02_perintahkan_pembahasan_konsep", PJ_LANE, "2", None, True)
    assert item["overdue"] is True and item["due_at"] == now["due_at"] and now["due_in"]["late"] is True
    done = next(i for i in page["items"] if i["id"] == world["done"])
    assert done["current"] == [] and done["ended_at"] and done["due_at"] is None and done["overdue"] is False


@pytest.mark.parametrize("query,expected", [
    ("status=running", {"step3", "karo2", "pj", "fresh"}),
    ("status=suspended&status=cancelled", {"held", "gone"}),
    ("status=completed", {"done"}),
    ("status=error", set()),
    ("overdue=true", {"held", "karo2", "pj"}),
    ("overdue=false", {"done", "step3", "gone", "fresh"}),
    ("status=running&overdue=true", {"karo2", "pj"}),
    (f"lane={PJ_LANE}", {"held", "pj"}),
    ("lane=Kepala Biro Humas dan Umum", {"karo2", "fresh"}),
    ("lane=Ketua Tim Publikasi", {"step3"}),
    ("element=s01_disposisi_pembuatan_konten", {"karo2", "fresh"}),
    ("element=s02_perintahkan_pembahasan_konsep&status=running", {"pj"}),
    ("element=tidak_ada", set()),
    ("started_by=kemenpora.karo2", {"karo2"}),
    ("started_by=kemenpora.karo", ALL - {"karo2"}),
    ("started_by=nobody", set()),
    ("q=OLAHRAGA", {"pj"}),
    ("q=%25", set()),                      # a literal %, not a wildcard
    ("q=karo kedua", {"karo2"}),
    (f"process={KEY}", ALL),
    (f"process={KEY}&version=1", ALL),
    (f"process={KEY}&version=2", set()),
    ("version=1", ALL),
    (f"process={BSIP_KEY}", set()),        # another agency's SOP: nothing of it here
    ("process=tidak_ada", set()),
    ("from=2026-11-23", ALL),              # the agency's day: 00.30 WIB on the 23rd is the 23rd
    ("to=2026-11-22", set()),
    ("from=2026-11-23&to=2026-11-23", ALL),
    ("from=2026-11-24", set()),
    ("from=2026-11-24&to=2026-11-20", set()),  # an empty range is just empty
    ("from=0001-01-01&to=9999-12-31", ALL),
    ("agency=kemenpora", ALL),
    ("scope=started", set()),              # the Pengawas started nothing
])
def test_each_filter(world, login, query, expected):
    page = _get(login("kemenpora.pengawas"), query)
    assert set(_names(world, page["items"])) == expected
    assert page["total"] == len(expected)


def test_counts_break_down_the_other_filters(world, login):
    pengawas = login("kemenpora.pengawas")
    page = _get(pengawas, "status=running")
    # the tabs still count every status; overdue counts within the chosen statuses
    assert page["counts"] == {"running": 4, "completed": 1, "suspended": 1, "cancelled": 1, "error": 0,
                              "overdue": 2}
    page = _get(pengawas, "overdue=true")
    assert page["counts"] == {"running": 2, "completed": 0, "suspended": 1, "cancelled": 0, "error": 0,
                              "overdue": 3}
    page = _get(pengawas, "q=publikasi")
    assert page["total"] == 1 and page["counts"]["running"] == 1 and page["counts"]["overdue"] == 1


@pytest.mark.parametrize("sort,expected", [
    ("title", ["fresh", "step3", "gone", "held", "karo2", "pj", "done"]),
    ("-title", ["done", "pj", "karo2", "held", "gone", "step3", "fresh"]),
    ("started_at", ["done", "step3", "held", "gone", "karo2", "pj", "fresh"]),
    ("-started_at", ["fresh", "pj", "karo2", "gone", "held", "step3", "done"]),
    ("id", ["done", "step3", "held", "gone", "karo2", "pj", "fresh"]),
    ("-id", ["fresh", "pj", "karo2", "gone", "held", "step3", "done"]),
    # the earliest open due time; instances without an open task last, either way
    ("due", ["held", "karo2", "pj", "fresh", "step3", "done", "gone"]),
    ("-due", ["step3", "fresh", "pj", "karo2", "held", "gone", "done"]),
    ("status", ["gone", "done", "fresh", "pj", "karo2", "step3", "held"]),   # within one, newest first
    ("-status", ["held", "fresh", "pj", "karo2", "step3", "done", "gone"]),
])
def test_sorting(world, login, sort, expected):
    assert _names(world, _get(login("kemenpora.pengawas"), f"sort={sort}")["items"]) == expected


@pytest.mark.parametrize("sort", ["due", "-due", "title", "-started_at", "status"])
def test_pages_of_a_sort_join_up(world, login, sort):
    """Page after page gives the whole order once (sort=due crosses from the instances with a
    due time to those without inside a page)."""
    pengawas = login("kemenpora.pengawas")
    whole = _names(world, _get(pengawas, f"sort={sort}")["items"])
    for size in (2, 3, 4):
        pages = [_names(world, _get(pengawas, f"sort={sort}&per_page={size}&page={n}")["items"])
                 for n in range(1, 5)]
        assert sum(pages, []) == whole, size


def test_overdue_counts_under_every_other_filter(world, login):
    pengawas = login("kemenpora.pengawas")
    assert _get(pengawas, "process=" + KEY)["counts"]["overdue"] == 3
    assert _get(pengawas, "status=suspended")["counts"]["overdue"] == 1
    assert _get(pengawas, "status=completed")["counts"]["overdue"] == 0
    assert _get(pengawas, "overdue=false")["counts"]["overdue"] == 3      # not itself
    assert _get(pengawas, f"overdue=false&lane={PJ_LANE}")["counts"] == {
        "running": 0, "completed": 0, "suspended": 0, "cancelled": 0, "error": 0, "overdue": 2}
    assert _get(pengawas, "overdue=false&status=running")["counts"] == {
        "running": 2, "completed": 1, "suspended": 0, "cancelled": 1, "error": 0, "overdue": 2}


def test_paging_and_the_older_limit_offset(world, login):
    pengawas = login("kemenpora.pengawas")
    second = _get(pengawas, "sort=id&per_page=3&page=2")
    assert _names(world, second["items"]) == ["gone", "karo2", "pj"]
    assert (second["total"], second["page"], second["per_page"], second["offset"]) == (7, 2, 3, 3)
    assert _names(world, _get(pengawas, "sort=id&per_page=3&page=3")["items"]) == ["fresh"]
    assert _get(pengawas, "per_page=3&page=4")["items"] == []
    assert _get(pengawas, "page=999999999999999999999")["items"] == []
    older = _get(pengawas, "sort=id&limit=2&offset=1")
    assert _names(world, older["items"]) == ["step3", "held"] and (older["limit"], older["offset"]) == (2, 1)
    assert _get(pengawas, "per_page=100000")["per_page"] == 200
    assert _get(pengawas, "per_page=0&page=-3")["page"] == 1


def _readable(alur, username: str) -> set[str]:
    """What instance.read (through access.instance_facts) lets the user read, of the world's."""
    who = _actor(alur, username)
    with alur.db.transaction() as s:
        ids = s.scalars(select(ProcessInstance.id)).all()
        return {i for i in ids if access.can(who, "instance.read", access.instance_facts(s, i))}


@pytest.mark.parametrize("username,expected", [
    ("kemenpora.pj", {"done", "step3", "held", "pj"}),  # did step 2 of two; its lane holds two open ones
    ("kemenpora.ketua", {"done", "step3"}),               # did step 3 of done; holds step3's open one
    ("kemenpora.anggota", {"done"}),
    ("kemenpora.karo", ALL),                              # started six; holds karo2's open step 1
    ("kemenpora.karo2", {"karo2", "fresh"}),              # started one; holds fresh's open step 1
    ("kemenpora.pemilik", set()),
    ("kemenpora.admin_instansi", set()),
])
def test_staff_see_exactly_what_they_may_read(world, seeded, login, username, expected):
    page = _get(login(username))
    assert set(_names(world, page["items"])) == expected
    assert {world[k] for k in expected} == _readable(seeded, username) - {world["bsip"]}
    assert page["total"] == len(expected)
    assert sum(page["counts"][s] for s in listing.STATUSES) == len(expected)
    # the same reach in every order and under every filter
    assert set(_names(world, _get(login(username), "sort=due")["items"])) == expected
    late = _get(login(username), "overdue=true&sort=-due")
    assert set(_names(world, late["items"])) == expected & {"held", "karo2", "pj"}
    assert late["counts"]["overdue"] == late["total"]


def test_the_auditor_reads_the_same_list(world, login):
    mine = _get(login("kemenpora.auditor"))
    assert set(_names(world, mine["items"])) == ALL and mine["counts"]["overdue"] == 3


def test_another_agency_sees_nothing_of_it(world, login):
    bsip = login("bsip.pengawas")
    page = _get(bsip)
    assert _names(world, page["items"]) == ["bsip"] and page["counts"]["running"] == 1
    r = bsip.get("/instances?agency=kemenpora")
    assert r.status_code == 403 and r.get_json()["message_id"] != r.get_json()["message_en"]
    assert bsip.get("/instances?agency=tidak-ada").status_code == 404
    # the inspectorate audits every agency: all of them, or one
    inspektorat = login("inspektorat")
    assert set(_names(world, _get(inspektorat)["items"])) == ALL | {"bsip"}
    assert _names(world, _get(inspektorat, "agency=bsip")["items"]) == ["bsip"]
    # sorted by due time across its agencies: page after page, Kemenpora's in their own order
    for sort in ("due", "-due"):
        whole = _names(world, _get(inspektorat, f"sort={sort}")["items"])
        pages = sum((_names(world, _get(inspektorat, f"sort={sort}&per_page=3&page={n}")["items"])
                     for n in (1, 2, 3)), [])
        assert pages == whole and set(whole) == ALL | {"bsip"}
        assert [n for n in whole if n != "bsip"] == \
            _names(world, _get(login("kemenpora.pengawas"), f"sort={sort}")["items"])


@pytest.mark.parametrize("query,field", [
    ("status=berjalan", "status"),
    ("overdue=ya", "overdue"),
    ("version=satu", "version"),
    ("version=0", "version"),
    ("version=99999999999999999999", "version"),
    ("from=2026-13-01", "from"),
    ("to=kemarin", "to"),
    ("sort=warna", "sort"),
    ("sort=--title", "sort"),
    ("scope=everything", "scope"),
    ("page=x", "page"),
    ("per_page=1.5", "per_page"),
    ("limit=x", "limit"),
    ("q=" + "x" * 301, "q"),
    ("process=a&process=b", "process"),
])
def test_bad_filter_values_are_refused_in_both_languages(world, login, query, field):
    r = login("kemenpora.pengawas").get(f"/instances?{query}")
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert body["error"] == "invalid_input" and field in body["fields"]
    assert body["message_id"] != body["message_en"] and field in body["message_en"]


def test_an_instance_in_error_shows_its_message(seeded, login):
    started = stopped_by_an_error(seeded)
    page = _get(login("dki.pengawas"), "status=error")
    [item] = page["items"]
    assert item["id"] == started["id"] and "catatan" in item["error"] and page["counts"]["error"] == 1


def test_the_service_takes_filters_as_an_object(world, seeded):
    pengawas = _actor(seeded, "kemenpora.pengawas")
    found = listing.list_instances(seeded, pengawas, listing.Filters(statuses=("running",), overdue=True),
                                   sort="id")
    assert _names(world, found["items"]) == ["karo2", "pj"]
    assert listing.parse_filters({"status": ["running"], "overdue": ["true"]}).as_args() == {
        "status": ["running"], "overdue": ["true"]}
    nobody = listing.list_instances(seeded, _actor(seeded, "kemenpora.pemilik"), {})
    assert nobody["total"] == 0 and nobody["items"] == []
