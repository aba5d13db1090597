"""The `alur` command: demo data and the user list."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo

from server.app import create_app
from server.cli import main
from server.demo import AGENCY_ROLE_USERS, USERS


def _invoke(alur, *args):
    app = create_app(alur=alur)
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_demo_loads_everything_and_users_list_reports_it(alur):
    result = _invoke(alur, "demo")
    assert result.exit_code == 0, result.output
    assert "Password: kata-sandi-uji" in result.output
    assert result.output.count("Deployed ") == 8
    assert "completed" in result.output and "running" in result.output
    again = _invoke(alur, "demo")  # idempotent: nothing deployed or created twice
    assert again.exit_code == 0 and "Deployed " not in again.output and "Instance " not in again.output

    listed = json.loads(_invoke(alur, "users", "list", "--json").output)
    by_name = {u["username"]: u for u in listed}
    assert len(by_name) == len(USERS) + len(AGENCY_ROLE_USERS) + 1
    for agency, username, lane in USERS:
        assert by_name[username]["agencies"] == [agency]
        assert by_name[username]["roles"] == {agency: [lane]}
        assert by_name[username]["agency_roles"] == {agency: []}
    for prefix in ("kemenpora", "bsip", "nomporejo", "ponjong", "dki"):
        for suffix, name in [("pemilik", "Pemilik Proses"), ("pengawas", "Pengawas"), ("auditor", "Auditor"),
                             ("admin_instansi", "Admin Instansi")]:
            user = by_name[f"{prefix}.{suffix}"]
            assert len(user["agencies"]) == 1 and user["roles"] == {user["agencies"][0]: []}
            assert user["agency_roles"] == {user["agencies"][0]: [name]}
    agencies = ["bsip", "dki-ksd", "kemenpora", "nomporejo", "ponjong"]
    assert by_name["inspektorat"]["agencies"] == agencies
    assert by_name["inspektorat"]["agency_roles"] == {a: ["Auditor"] for a in agencies}


def test_users_grant_takes_agency_roles_and_lanes(seeded):
    done = _invoke(seeded, "users", "grant", "kemenpora.anggota", "--agency", "kemenpora", "--role", "Pengawas")
    assert done.exit_code == 0, done.output
    assert "Pengawas; Anggota Tim Publikasi" in done.output
    listed = {u["username"]: u for u in json.loads(_invoke(seeded, "users", "list", "--json").output)}
    assert listed["kemenpora.anggota"]["agency_roles"] == {"kemenpora": ["Pengawas"]}
    taken = _invoke(seeded, "users", "revoke", "kemenpora.anggota", "--agency", "kemenpora", "--role", "pengawas")
    assert taken.exit_code == 0, taken.output
    listed = {u["username"]: u for u in json.loads(_invoke(seeded, "users", "list", "--json").output)}
    assert listed["kemenpora.anggota"]["agency_roles"] == {"kemenpora": []}
    assert listed["kemenpora.anggota"]["roles"] == {"kemenpora": ["Anggota Tim Publikasi"]}


def test_calendar_commands_change_due_dates(seeded):
    from datetime import date

    from server.kernel.calendars import calendar_for

    assert _invoke(seeded, "calendar", "day", "--agency", "bsip", "2026-12-07", "off", "--note", "Rapat kerja").exit_code == 0
    assert _invoke(seeded, "calendar", "week", "--agency", "bsip", "--days", "0,1,2,3,4,5").exit_code == 0
    with seeded.db.transaction() as s:
        from sqlalchemy import select
        from server.models import Agency
        cal = calendar_for(s, s.scalar(select(Agency.id).where(Agency.slug == "bsip")))
    assert not cal.is_working_day(date(2026, 12, 7)) and cal.is_working_day(date(2026, 12, 5))
    bad = _invoke(seeded, "calendar", "week", "--agency", "bsip", "--opens", "17:00", "--closes", "08:00")
    assert bad.exit_code == 1 and "jam kerja tidak sah" in bad.output


def test_worker_once_runs_one_round_and_reports_it(seeded):
    result = _invoke(seeded, "worker", "--once")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"started": 0, "timers": 0, "escalated": 0, "emails": 0}


def test_users_set_password_resets_with_a_hidden_prompt(seeded):
    from server.kernel import accounts

    result = CliRunner().invoke(main, ["users", "set-password", "bsip.staf"],
                                input="Reset-oleh-admin\nReset-oleh-admin\n",
                                obj=ScriptInfo(create_app=lambda: create_app(alur=seeded)))
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(seeded, "bsip.staf", "Reset-oleh-admin").username == "bsip.staf"
    refused = _invoke(seeded, "users", "set-password", "tidak.ada", "--password", "Reset-oleh-admin")
    assert refused.exit_code == 1


def test_an_agency_and_its_staff_are_set_up_from_the_command_line(seeded, tmp_path):
    from server.kernel import accounts

    assert _invoke(seeded, "agencies", "add", "diskominfo-jayapura", "--name", "Diskominfo Kota Jayapura",
                   "--timezone", "Asia/Jayapura").exit_code == 0
    bpmn = tmp_path / "bsip.bpmn"
    bpmn.write_bytes((Path(__file__).parents[2] / "bpmn" / "001_bsip_informasi_media_sosial.bpmn").read_bytes())
    assert _invoke(seeded, "deploy", str(bpmn), "--agency", "diskominfo-jayapura").exit_code == 0
    listed = json.loads(_invoke(seeded, "agencies", "list", "--json").output)
    jayapura = next(a for a in listed if a["slug"] == "diskominfo-jayapura")
    assert jayapura["timezone"] == "Asia/Jayapura" and "Pelaksana/Staf" in jayapura["roles"]

    added = _invoke(seeded, "users", "add", "yohana", "--name", "Yohana Wenda", "--agency", "diskominfo-jayapura",
                    "--role", "Pelaksana/Staf")
    assert added.exit_code == 0, added.output
    password = added.output.strip().rsplit(" ", 1)[-1]
    assert accounts.authenticate(seeded, "yohana", password).roles == {"diskominfo-jayapura": ["Pelaksana/Staf"]}

    typo = _invoke(seeded, "users", "grant", "yohana", "--agency", "diskominfo-jayapura", "--role", "Staf")
    assert typo.exit_code == 1 and "Peran tidak ada" in typo.output
    assert _invoke(seeded, "users", "revoke", "yohana", "--agency", "diskominfo-jayapura").exit_code == 0
    assert accounts.authenticate(seeded, "yohana", password).roles == {}
    assert _invoke(seeded, "users", "deactivate", "yohana").exit_code == 0
    assert _invoke(seeded, "agencies", "add", "diskominfo-jayapura", "--name", "Lagi").exit_code == 1


def test_commands_on_a_database_that_was_never_migrated_say_what_to_do(tmp_path):
    from server.config import Settings

    settings = Settings.from_env(database_url=f"sqlite:///{tmp_path / 'baru.db'}", instance_dir=tmp_path / "instance",
                                 secret_key="test-secret")
    app = create_app(settings=settings)
    run = lambda *args: CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))  # noqa: E731
    refused = run("users", "list")
    assert refused.exit_code == 1 and "jalankan `alur db upgrade`" in refused.output
    assert run("db", "upgrade").exit_code == 0
    assert run("users", "list").exit_code == 0
    app.extensions["alur"].close()
