"""Per-element statistics of an SOP (GET /api/v1/processes/{key}/stats): counts after a few real
Kemenpora cases (a rejection loop, a completion, a task left overdue by moving the clock), the
median, the share on time, overdue now, the from/to window, who may ask, the ETag and 304, and
refused input. Real SQLite or PostgreSQL, the real engine; the clock is moved, never waited for."""
from __future__ import annotations

import random
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from server.errors import Forbidden, InvalidInput, NotFound
from server.kernel.calendars import calendar_for
from server.monitoring.services import stats
from server.monitoring.services.quantiles import percentile
from server.timeplan.working_clock import WorkingClock

from ..conftest import ApiUser
from ..walking import KEMENPORA, actor, do_open_task, open_task, start_kemenpora

MINUTES = 5
START = datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)  # the FixedClock's start: Monday 09.30 WIB


def _step(alur, instance_id, minutes=MINUTES, **kw) -> str:
    alur.clock.advance(minutes=minutes)
    return do_open_task(alur, instance_id, **kw)


@pytest.fixture
def cases(seeded):
    """A: walked to its end with one rejection at step 6, each task done 5 minutes after it
    opened, step 3 after 3 days (late); B: waiting at step 2, an hour past its due time;
    C: started last, waiting at step 1 (not late)."""
    alur = seeded
    assert alur.clock.now() == START
    a = start_kemenpora(alur, "Kasus A")
    done = []
    while (task := open_task(alur, a)) is not None:
        late = task.element_id.startswith("s03")
        reject = task.element_id.startswith("s06") and not any(d.startswith("s06") for d in done)
        done.append(_step(alur, a, minutes=3 * 24 * 60 if late else MINUTES, reject=reject))
    b = start_kemenpora(alur, "Kasus B")
    b_started = alur.clock.now()
    _step(alur, b)
    b_task = open_task(alur, b)
    alur.clock.set(b_task.due_at + timedelta(hours=1))
    c = start_kemenpora(alur, "Kasus C")
    return {"a": a, "b": b, "c": c, "done": done, "b_started": b_started, "b_due": b_task.due_at}


def _short(elements: dict) -> dict:
    """Element ids cut to their first part (s05_sampaikan_hasil_produksi -> s05)."""
    return {key.split("_")[0]: value for key, value in elements.items()}


def test_counts_after_real_cases(cases, login):
    assert cases["done"][4:8] == ["s05_sampaikan_hasil_produksi", "s06_putuskan_persetujuan"] * 2  # the loop ran
    r = login("kemenpora.pengawas").get(f"/processes/{KEMENPORA}/stats")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["process"] == KEMENPORA and body["agency"] == "kemenpora"
    assert body["from"] is None and body["to"] is None and body["as_of"]
    e = _short(body["elements"])
    # the reject loop: steps 5 and 6 and the gateway passed twice by case A
    assert (e["s05"]["passed"], e["s06"]["passed"], e["g06"]["passed"]) == (2, 2, 2)
    assert e["mulai"] == {"passed": 3, "reached": 3, "active": 0, "median_seconds": None, "on_time_ratio": None,
                          "overdue": 0}
    assert e["selesai"]["passed"] == 1
    # step 1: A and B done, C waiting (not late); step 2: A done, B waiting and late
    assert {k: e["s01"][k] for k in ("passed", "active", "overdue", "reached")} == \
        {"passed": 2, "active": 1, "overdue": 0, "reached": 3}
    assert {k: e["s02"][k] for k in ("passed", "active", "overdue", "reached")} == \
        {"passed": 1, "active": 1, "overdue": 1, "reached": 2}
    # durations: 5 minutes each, step 3 three days (after its due time)
    for name in ("s01", "s02", "s04", "s05", "s06", "s07", "s08"):
        assert e[name]["median_seconds"] == MINUTES * 60, name
        assert e[name]["on_time_ratio"] == 1.0, name
    assert e["s03"]["median_seconds"] == 3 * 24 * 3600 and e["s03"]["on_time_ratio"] == 0.0
    assert set(body["elements"]["s01_disposisi_pembuatan_konten"]) == \
        {"passed", "active", "median_seconds", "on_time_ratio", "overdue", "reached"}


def test_the_median_of_several_tasks(seeded, login):
    """Three cases whose step 1 took 5, 10 and 30 minutes: the median is 10 minutes; with a
    fourth of 60, the mean of the middle two (PostgreSQL's percentile_cont and the SQLite fallback)."""
    for minutes in (5, 30, 10):
        _step(seeded, start_kemenpora(seeded), minutes=minutes)
    pengawas = login("kemenpora.pengawas")
    e = _short(pengawas.get(f"/processes/{KEMENPORA}/stats").get_json()["elements"])
    assert e["s01"]["median_seconds"] == 600 and e["s01"]["passed"] == 3
    _step(seeded, start_kemenpora(seeded), minutes=60)
    e = _short(pengawas.get(f"/processes/{KEMENPORA}/stats").get_json()["elements"])
    assert e["s01"]["median_seconds"] == (600 + 1800) / 2


def test_from_and_to_keep_what_happened_between(cases, login):
    pengawas = login("kemenpora.pengawas")

    def elements(query: str) -> dict:
        r = pengawas.get(f"/processes/{KEMENPORA}/stats?{query}")
        assert r.status_code == 200, r.get_json()
        return _short(r.get_json()["elements"])

    # Monday 23 November in the agency's zone (WIB): case A's first steps; step 3 reached, done Thursday
    e = elements("from=2026-11-23&to=2026-11-23")
    assert e["s01"]["passed"] == 1 and e["s02"]["passed"] == 1 and "s04" not in e
    assert (e["s03"]["passed"], e["s03"]["reached"], e["s03"]["median_seconds"]) == (0, 1, None)
    assert e["mulai"]["reached"] == 1 and e["s02"]["active"] == 0
    # from B's start (an RFC 3339 time): B's step 1 done, B's step 2 and C's step 1 open, B late
    since = cases["b_started"].strftime("%Y-%m-%dT%H:%M:%SZ")
    e = elements(f"from={since}")
    assert (e["s01"]["passed"], e["s01"]["active"]) == (1, 1)
    assert (e["s02"]["passed"], e["s02"]["active"], e["s02"]["overdue"]) == (0, 1, 1)
    assert "s03" not in e and "s05" not in e and e["mulai"]["reached"] == 2
    # up to B's start (A ended then; `to` is excluded): case A alone, nothing open
    e = elements(f"to={(cases['b_started'] + timedelta(seconds=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    assert e["s01"]["passed"] == 1 and e["s01"]["active"] == 0 and e["s02"]["overdue"] == 0
    assert e["s05"]["passed"] == 2 and e["selesai"]["passed"] == 1
    # a window with nothing in it, and one that ends before it begins
    assert elements("from=2020-01-01&to=2020-01-31") == {}
    assert elements("from=2026-12-01&to=2026-11-01") == {}
    assert elements("from=2026-11-23T09:30:00%2B07:00")["s01"]["passed"] == 2  # a zone given as +07:00


@pytest.mark.parametrize("query, field", [
    ("from=kemarin", "from"), ("to=2026-13-01", "to"), ("from=2026-11-30T25:00:00Z", "from"),
    ("from=2026-11-30T09:00:00", "from"), ("to=30-11-2026", "to"), ("from=2026-02-30", "from"),
])
def test_bad_dates_are_refused(seeded, login, query, field):
    r = login("kemenpora.pengawas").get(f"/processes/{KEMENPORA}/stats?{query}")
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["fields"]


def test_who_may_ask(cases, login):
    path = f"/processes/{KEMENPORA}/stats"
    assert login("kemenpora.auditor").get(path).status_code == 200
    assert login("inspektorat").get(path).status_code == 200  # Auditor in every agency
    for username in ("kemenpora.pj", "kemenpora.karo", "kemenpora.pemilik", "kemenpora.admin_instansi",
                     "bsip.pengawas"):
        r = login(username).get(path)
        assert r.status_code == 403, (username, r.get_json())
    assert login("kemenpora.pengawas").get("/processes/no_such_sop/stats").status_code == 404
    assert login("kemenpora.pengawas").get(f"{path}?agency=bsip").status_code == 404
    assert login("kemenpora.pengawas").get(f"{path}?agency=kemenpora").status_code == 200


def test_etag_answers_304_until_the_numbers_change(cases, seeded, login, app):
    pengawas = login("kemenpora.pengawas")
    path = f"/processes/{KEMENPORA}/stats"
    first = pengawas.get(path)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    same = pengawas.get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == etag
    # another window: other numbers, another tag
    assert pengawas.get(f"{path}?from=2026-11-23&to=2026-11-23").headers["ETag"] != etag
    # case C's step 1 done: the very next request sees it (no cache), 200 with a new tag
    _step(seeded, cases["c"])
    changed = pengawas.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert _short(changed.get_json()["elements"])["s01"]["passed"] == 3
    # time alone makes C's step 2 late: the numbers change, so does the tag
    etag = changed.headers["ETag"]
    seeded.clock.advance(days=10)
    later = ApiUser(app.test_client(), "kemenpora.pengawas").get(path, headers={"If-None-Match": etag})
    assert later.status_code == 200 and _short(later.get_json()["elements"])["s02"]["overdue"] == 2


def test_the_service_refuses_like_the_api(cases, seeded):
    with pytest.raises(Forbidden):
        stats.element_stats(seeded, actor(seeded, "kemenpora.ketua"), KEMENPORA)
    with pytest.raises(NotFound):
        stats.element_stats(seeded, actor(seeded, "kemenpora.pengawas"), "")
    with pytest.raises(InvalidInput):
        stats.element_stats(seeded, actor(seeded, "kemenpora.pengawas"), KEMENPORA, start=20261123)
    answer = stats.element_stats(seeded, actor(seeded, "kemenpora.auditor"), KEMENPORA, start="0001-01-01",
                                 end="9999-12-31")
    assert _short(answer["elements"])["s05"]["passed"] == 2


def test_working_clock_agrees_with_the_calendar(seeded):
    """The dashboard's fast working time equals WorkCalendar.working_time_between, across
    weekends, a national holiday (25 December) and evenings; and the percentile is
    percentile_cont's (linear between ranks)."""
    with seeded.db.transaction() as s:
        calendar = calendar_for(s, 1)
    clock = WorkingClock(calendar, datetime(2026, 11, 1).date(), datetime(2027, 1, 31).date())
    rng = random.Random(9)
    base = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for _ in range(300):
        a = base + timedelta(minutes=rng.randrange(0, 80 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        assert clock.seconds(a, b) == calendar.working_time_between(a, b).total_seconds(), (a, b)
        assert clock.seconds(b, a) == -clock.seconds(a, b)
    far = datetime(2030, 1, 1, tzinfo=timezone.utc)  # outside the span: the calendar itself
    assert clock.seconds(base, far) == calendar.working_time_between(base, far).total_seconds()
    values = [rng.random() * 100 for _ in range(101)]
    assert percentile(values, 0.5) == pytest.approx(statistics.median(values))
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)
    assert percentile([], 0.5) is None


def test_a_copied_sop_with_the_same_step_ids_counts_apart(cases, seeded, login):
    """A copy of the SOP in the same agency names its steps alike: the rows are then told apart by
    their instance's version (the join), and each SOP counts only its own."""
    import io
    from pathlib import Path

    from server.files import samples
    from server.modeling.services import deployment
    from server.work.services import attachments, instances

    bpmn = Path(__file__).resolve().parents[2] / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn"
    copy = (bpmn.read_text(encoding="utf-8").replace(f'id="{KEMENPORA}"', 'id="kemenpora_salinan"')
            .replace(f'processRef="{KEMENPORA}"', 'processRef="kemenpora_salinan"'))
    deployment.deploy(seeded, copy.encode("utf-8"), "salinan.bpmn", agency_slug="kemenpora")
    pengawas = actor(seeded, "kemenpora.pengawas")
    with seeded.db.transaction() as s:
        sop = stats.find_sop(s, pengawas, KEMENPORA)
        assert stats.task_scope(s, sop).source is not stats.TASKS  # through the instances
    before = stats.element_stats(seeded, pengawas, KEMENPORA)["elements"]
    karo = actor(seeded, "kemenpora.karo")
    document = attachments.upload(seeded, karo, io.BytesIO(samples.pdf()), "permohonan.pdf", agency="kemenpora")
    started = instances.start(seeded, karo, "kemenpora_salinan", {"judul": "Salinan", "asal_permohonan": "Internal",
                                                                  "dokumen_permohonan": [document["id"]]})
    _step(seeded, started["id"])
    assert stats.element_stats(seeded, pengawas, KEMENPORA)["elements"] == before
    copied = _short(login("kemenpora.pengawas").get("/processes/kemenpora_salinan/stats").get_json()["elements"])
    assert (copied["s01"]["passed"], copied["s02"]["active"], copied["mulai"]["reached"]) == (1, 1, 1)


def test_an_sop_of_its_own_needs_no_join(cases, seeded):
    with seeded.db.transaction() as s:
        sop = stats.find_sop(s, actor(seeded, "kemenpora.auditor"), KEMENPORA)
        assert stats.task_scope(s, sop).source is stats.TASKS
