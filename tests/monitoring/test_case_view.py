"""An instance as its supervisors see it (monitoring/services/case_view.py): the marks of its
diagram after a reject loop, the timeline in working time against each step's Waktu (across a
weekend, with the clock moved, never waited for), the supervisors' actions beside the steps,
its data with its files, and who may read it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from server.errors import Forbidden, NotFound
from server.monitoring.services import case_view, steering

from ..walking import actor, do_open_task, open_task, start_kemenpora, stopped_by_an_error

S05, S06 = "s05_sampaikan_hasil_produksi", "s06_putuskan_persetujuan"
WIB = timezone(timedelta(hours=7))


def test_the_marks_after_a_reject_loop(seeded):
    instance_id = start_kemenpora(seeded)
    assert [do_open_task(seeded, instance_id) for _ in range(5)][-1] == S05
    assert do_open_task(seeded, instance_id, reject=True) == S06  # the Kepala Biro sends it back to step 5
    pengawas = actor(seeded, "kemenpora.pengawas")

    found = case_view.case(seeded, pengawas, instance_id)
    assert found["active_elements"] == [S05]
    assert found["visits"][S05] == 2 and found["visits"][S06] == 1 and found["visits"]["g06_disetujui"] == 1
    assert found["visits"]["s04_produksi_konten"] == 1 and found["visits"]["mulai_permohonan"] == 1
    assert found["flows_taken"]["f_g06_s05"] == 1 and found["flows_taken"]["f_s04_s05"] == 1
    assert "f_g06_s07" not in found["flows_taken"]
    assert "<bpmn:definitions" in found["xml"] and S05 in found["xml"]

    assert do_open_task(seeded, instance_id) == S05  # the loop once more: into the decision again
    found = case_view.case(seeded, pengawas, instance_id)
    assert found["active_elements"] == [S06]
    assert found["flows_taken"]["f_s05_s06"] == 2 and found["visits"][S06] == 2
    steps = [e for e in found["timeline"] if e["kind"] == "step"]
    assert [e["element_id"] for e in steps].count(S05) == 2
    rejected = [e for e in steps if e["element_id"] == S06][0]
    assert rejected["decision"] and rejected["note"]  # what the decision said, and why
    assert [e["state"] for e in steps][-1] == "ready"


def test_timeline_durations_are_working_time_across_a_weekend(seeded):
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=WIB)  # Friday 15.00 WIB; office 07.30-16.00
    seeded.clock.set(friday.astimezone(timezone.utc))
    instance_id = start_kemenpora(seeded)
    first = open_task(seeded, instance_id)
    assert first.due_at == (friday + timedelta(minutes=10)).astimezone(timezone.utc)  # Waktu: 10 menit
    seeded.clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=WIB).astimezone(timezone.utc))  # Monday 08.00
    do_open_task(seeded, instance_id)

    found = case_view.case(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    step1, step2 = [e for e in found["timeline"] if e["kind"] == "step"]
    assert step1["sop_no"] == "1" and step1["waktu"] == "10 menit" and step1["state"] == "completed"
    assert step1["who"]["username"] == "kemenpora.karo" and step1["who_did"]
    # Friday 15.00-16.00 and Monday 07.30-08.00: not the 65 hours of the clock
    assert step1["worked_seconds"] == 90 * 60
    # due Friday 15.10: late by Friday's last 50 minutes and Monday's first 30
    assert step1["on_time"] is False and step1["late_seconds"] == 80 * 60
    assert step2["state"] == "ready" and step2["worked_seconds"] == 0 and step2["on_time"] is True
    assert found["working_day_seconds"] == 8.5 * 3600
    assert found["overdue"] == []

    seeded.clock.advance(minutes=25)  # step 2's 10 minutes are over: overdue, late by 15
    found = case_view.case(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    step2 = [e for e in found["timeline"] if e["kind"] == "step"][1]
    assert step2["worked_seconds"] == 25 * 60 and step2["late_seconds"] == 15 * 60 and step2["on_time"] is False
    [overdue] = found["overdue"]
    assert overdue["element_id"] == "s02_perintahkan_pembahasan_konsep" and overdue["due_at"] == step2["due_at"]
    assert found["open_tasks"][0]["overdue"] is True


def test_supervisors_actions_stand_in_the_timeline_with_their_reasons(seeded):
    instance_id = start_kemenpora(seeded)
    do_open_task(seeded, instance_id)
    pengawas = actor(seeded, "kemenpora.pengawas")
    task = open_task(seeded, instance_id)
    steering.suspend(seeded, pengawas, instance_id, "Menunggu surat")
    seeded.clock.advance(minutes=5)
    steering.resume(seeded, pengawas, instance_id, "Surat sudah ada")
    steering.assign(seeded, pengawas, task.id, "kemenpora.pj", "PJ diminta menangani")
    steering.assign(seeded, pengawas, task.id, None, "Siapa saja boleh")

    found = case_view.case(seeded, pengawas, instance_id)
    actions = [e for e in found["timeline"] if e["kind"] == "action"]
    assert [a["action"] for a in actions] == ["instance.suspended", "instance.resumed", "task.assigned",
                                              "task.unassigned"]
    assert [a["reason"] for a in actions] == ["Menunggu surat", "Surat sudah ada", "PJ diminta menangani",
                                              "Siapa saja boleh"]
    assert all(a["who"]["username"] == "kemenpora.pengawas" for a in actions)
    assert actions[2]["assignee"]["username"] == "kemenpora.pj" and actions[2]["task_name"] == task.name
    assert found["timeline"].index(actions[0]) > 1  # after the two steps opened before it


def test_the_data_with_its_files_and_the_lane_holders(seeded):
    instance_id = start_kemenpora(seeded, "Publikasi Hari Sumpah Pemuda")
    do_open_task(seeded, instance_id)
    found = case_view.case(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    by_name = {item["name"]: item for item in found["data"]}
    assert by_name["judul"]["text"] == "Publikasi Hari Sumpah Pemuda"
    [document] = by_name["dokumen_permohonan"]["files"]
    assert found["files"][document]["filename"] == "permohonan.pdf"
    assert [d["name"] for d in found["data"]][0] == "judul"  # the start form's fields first
    [task] = found["open_tasks"]
    assert task["lane"] == "Penanggungjawab Bidang Kehumasan"
    assert "kemenpora.pj" in [h["username"] for h in task["holders"]]
    assert found["status"] == "running" and found["error_help"] is None
    assert found["started_by"]["username"] == "kemenpora.karo" and found["sop_nomor"]


def test_an_instance_in_error_says_what_to_do(seeded):
    started = stopped_by_an_error(seeded)
    found = case_view.case(seeded, actor(seeded, "dki.pengawas"), started["id"])
    assert found["status"] == "error" and "catatan" in found["error"]
    assert found["error_help"]["id"].startswith("Perbaiki penyebabnya") and "Retry" in found["error_help"]["en"]
    assert found["active_elements"] == [started["open_tasks"][0]["element_id"]]  # the last good state


def test_who_may_read_and_who_may_steer(seeded):
    instance_id = start_kemenpora(seeded)
    pengawas = case_view.case(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    assert pengawas["can_steer"] is True and pengawas["supervisor"] is True
    auditor = case_view.case(seeded, actor(seeded, "kemenpora.auditor"), instance_id)
    assert auditor["can_steer"] is False and auditor["supervisor"] is True
    assert auditor["open_tasks"][0]["holders"] == []  # nobody to choose from: no assign form
    assert auditor["visits"] == pengawas["visits"] and auditor["timeline"] == pengawas["timeline"]
    lane = case_view.case(seeded, actor(seeded, "kemenpora.karo"), instance_id)  # holds the open task's lane
    assert lane["can_steer"] is False and lane["supervisor"] is False
    for username in ("kemenpora.anggota", "bsip.pengawas"):  # another lane; another agency's supervisor
        with pytest.raises(Forbidden):
            case_view.case(seeded, actor(seeded, username), instance_id)
    with pytest.raises(NotFound):
        case_view.case(seeded, actor(seeded, "kemenpora.pengawas"), instance_id + 1000)

    case_view.require_steer(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    for username in ("kemenpora.auditor", "kemenpora.karo", "bsip.pengawas"):
        with pytest.raises(Forbidden):
            case_view.require_steer(seeded, actor(seeded, username), instance_id)
    task = open_task(seeded, instance_id)
    case_view.require_steer(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, task.id)
    other = start_kemenpora(seeded, "Kasus lain")
    with pytest.raises(NotFound):  # a task of another instance
        case_view.require_steer(seeded, actor(seeded, "kemenpora.pengawas"), other, task.id)
