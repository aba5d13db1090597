"""The `alur` command: every operation of the server, from one Flask CLI group."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from .errors import AlurError


def _create_app():
    from .app import create_app

    return create_app()


def _alur():
    """The services context, once the database is known to be migrated: otherwise every command
    would end in a database traceback instead of saying what to do."""
    alur = current_app.extensions["alur"]
    if not current_app.config.get("ALUR_SCHEMA_CHECKED"):
        from .migrate import is_current

        if not is_current(alur.db.engine):
            click.echo("Basis data belum disiapkan atau belum mutakhir; jalankan `alur db upgrade`. / "
                       "The database is not set up or not up to date; run `alur db upgrade`.", err=True)
            sys.exit(1)
        current_app.config["ALUR_SCHEMA_CHECKED"] = True
    return alur


def _or_fail(action):
    """Runs a service call; a refusal is printed in both languages and exits with status 1."""
    try:
        return action()
    except AlurError as exc:
        click.echo(f"{exc.message_id} / {exc.message_en}", err=True)
        sys.exit(1)


def _listing(rows: list[dict], as_json: bool, line) -> None:
    """What a list command prints: JSON for scripts, or one line per row for people."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(line(row))


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main():
    """Alur: SOP AP procedures run as BPMN processes."""


@main.group()
def db():
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head")
def db_upgrade(revision: str):
    """Create or migrate the database to the latest schema."""
    from .migrate import upgrade

    upgrade(current_app.extensions["alur"].settings.database_url, revision)
    click.echo(f"database at {revision}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", help="agency slug (default: the diagram's alur.agency property)")
@click.option("--note", help="the change note kept with the new version (default: the file it came from)")
def deploy(files, agency, note):
    """Deploy BPMN files as new process versions."""
    from .modeling.services import deployment

    failed = False
    for path in files:
        try:
            for r in deployment.deploy(_alur(), path.read_bytes(), path.name, agency_slug=agency,
                                       note=note or f"Diterapkan dari berkas {path.name} (alur deploy)"):
                state = "deployed" if r["created"] else "unchanged"
                click.echo(f"{r['agency']}/{r['key']} v{r['version']}: {state}")
        except AlurError as exc:
            failed = True
            click.echo(f"{path.name}: {exc.message_id} / {exc.message_en}", err=True)
    sys.exit(1 if failed else 0)


@main.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="the findings as JSON, per file")
def lint_command(files, as_json):
    """Check BPMN files against the SOP rules; exit code 1 when any has an error."""
    from .modeling import lint

    forms = current_app.extensions["alur"].forms  # no database needed
    results = {path.name: lint.lint(path.read_bytes(), path.name, forms) for path in files}
    if as_json:
        click.echo(json.dumps({name: [f.as_dict() for f in found] for name, found in results.items()},
                              ensure_ascii=False, indent=2))
    else:
        for name, found in results.items():
            for f in found:
                click.echo(f"{name}: {f.severity} {f.code} {f.element_id or '-'}: {f.message_id} / {f.message_en}")
            errors = len(lint.errors(found))
            click.echo(f"{name}: {errors} galat / errors, {len(found) - errors} peringatan / warnings")
    sys.exit(1 if any(lint.errors(found) for found in results.values()) else 0)


@main.command()
def demo():
    """Load the demo agencies, users, diagrams and instances (idempotent)."""
    from . import demo as demo_data

    report = demo_data.load(_alur())
    click.echo(demo_data.describe(report))


@main.group()
def users():
    """Users and their roles."""


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool):
    from .kernel import accounts

    _listing(accounts.list_users(_alur()), as_json, lambda u: f"{u['username']:<28} " + "; ".join(
        f"{a}: {', '.join(u['agency_roles'][a] + r)}" for a, r in u["roles"].items()))


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="full name as shown to colleagues")
@click.option("--email", default=None, help="for overdue notices by e-mail")
@click.option("--agency", default=None, help="agency slug to join (with --role)")
@click.option("--role", "roles", multiple=True, help="a role (lane) in that agency; repeatable")
def users_add(username, display_name, email, agency, roles):
    """Create a user; prints the generated password to hand over (they change it under "Akun")."""
    from .admin.services import people

    if roles and not agency:
        raise click.UsageError("--role needs --agency")
    password = _or_fail(lambda: people.add_user(_alur(), username, display_name, email=email,
                                                agency=agency, roles=list(roles)))
    click.echo(f"{username}: dibuat / created; kata sandi / password: {password}")


@users.command("grant")
@click.argument("username")
@click.option("--agency", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              help="an agency role (Pemilik Proses, Pengawas, Auditor, Admin Instansi) or a lane; repeatable")
def users_grant(username, agency, roles):
    """Give a user roles (lanes) in an agency, joining it if needed."""
    from .admin.services import people

    done = _or_fail(lambda: people.grant(_alur(), username, agency, list(roles)))
    click.echo(f"{username} @ {agency}: {'; '.join(done['roles'])}")


@users.command("revoke")
@click.argument("username")
@click.option("--agency", required=True)
@click.option("--role", "roles", multiple=True, help="roles to take away (none: leave the agency)")
def users_revoke(username, agency, roles):
    """Take roles (or the whole agency) away; claimed tasks they can no longer do go back to the team."""
    from .admin.services import people

    done = _or_fail(lambda: people.revoke(_alur(), username, agency, list(roles) or None))
    click.echo(f"{username} @ {agency}: {'; '.join(done['roles']) or '-'}; "
               f"{done['released_tasks']} tugas dikembalikan / tasks released")


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username):
    """Stop a user signing in; their tokens end and their claimed tasks go back to the team."""
    from .admin.services import people

    done = _or_fail(lambda: people.set_active(_alur(), username, False))
    click.echo(f"{username}: nonaktif / deactivated; {done['released_tasks']} tugas dikembalikan / tasks released")


@users.command("activate")
@click.argument("username")
def users_activate(username):
    """Let a deactivated user sign in again."""
    from .admin.services import people

    _or_fail(lambda: people.set_active(_alur(), username, True))
    click.echo(f"{username}: aktif / active")


@main.group()
def agencies():
    """Agencies (instansi): each has its own users, SOPs, calendar and time zone."""


@agencies.command("list")
@click.option("--json", "as_json", is_flag=True)
def agencies_list(as_json: bool):
    from .admin.services import people

    _listing(people.list_agencies(_alur()), as_json,
             lambda a: f"{a['slug']:<16} {a['timezone']:<15} {a['name']} ({len(a['roles'])} peran / roles)")


@agencies.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--timezone", default="Asia/Jakarta", show_default=True,
              help="Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)")
def agencies_add(slug, name, timezone):
    """Add an agency; then deploy its SOPs with `alur deploy --agency SLUG` and add its users."""
    from .admin.services import people

    done = _or_fail(lambda: people.add_agency(_alur(), slug, name, timezone))
    click.echo(f"{done['slug']}: {done['name']} ({done['timezone']})")


@users.command("set-password")
@click.argument("username")
@click.password_option(prompt="Kata sandi baru / new password")
def users_set_password(username: str, password: str):
    """Set a user's password (and lift a sign-in lock); their sessions and API tokens end."""
    from .admin.services import people

    _or_fail(lambda: people.reset_password(_alur(), username, password))
    click.echo(f"{username}: kata sandi diganti / password changed")


@main.group()
def calendar():
    """An agency's working-day calendar (national holidays and cuti bersama come built in)."""


@calendar.command("day")
@click.option("--agency", required=True)
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("kind", type=click.Choice(["off", "work", "normal"]))
@click.option("--note", default="")
def calendar_day(agency, day, kind, note):
    """Mark DAY as an extra day off, an extra working day, or back to normal."""
    from .kernel import calendars

    _or_fail(lambda: calendars.set_day(_alur(), agency, day.date(), kind, note))
    click.echo(f"{agency} {day:%Y-%m-%d}: {kind}")


@calendar.command("week")
@click.option("--agency", required=True)
@click.option("--days", default="0,1,2,3,4", show_default=True, help="working weekdays, Monday = 0")
@click.option("--opens", default="07:30", show_default=True)
@click.option("--closes", default="16:00", show_default=True)
def calendar_week(agency, days, opens, closes):
    """Set the agency's working week and office hours."""
    from .kernel import calendars

    _or_fail(lambda: calendars.set_week(_alur(), agency, [int(d) for d in days.split(",") if d.strip()],
                                        opens, closes))
    click.echo(f"{agency}: days {days}, {opens}-{closes}")


@main.group()
def audit():
    """The tamper-evident audit trail: verify its hash chains, print today's heads to record."""


@audit.command("verify")
@click.option("--agency", default=None, help="one agency's chain (default: every chain, the system chain 0 too)")
@click.option("--checkpoint", default=None, metavar="SEQ:HASH", help="a head recorded earlier, to compare with")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(agency, checkpoint, as_json):
    """Recompute each chain; name its first broken event. Exit code 1 when any chain is broken."""
    from .audit.services import chain_check

    found = _or_fail(lambda: chain_check.verify_chains(_alur(), agency, checkpoint))
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    for chain in ([] if as_json else found):
        name = chain["agency"] or "sistem / system"
        if chain["ok"]:
            click.echo(f"{chain['chain']:>4} {name}: utuh / ok, {chain['events']} kejadian / events, "
                       f"kepala / head {chain['head'] or '-'}")
            continue
        broken = chain["first_broken"]
        reason = chain_check.REASONS.get(broken["reason"], (broken["reason"],) * 2)
        click.echo(f"{chain['chain']:>4} {name}: RUSAK / BROKEN at seq {broken['seq']}, event "
                   f"{broken['id'] if broken['id'] is not None else '-'} ({broken['at'] or '-'}): "
                   f"{reason[0]} / {reason[1]}")
    sys.exit(0 if all(chain["ok"] for chain in found) else 1)


@audit.command("checkpoint")
@click.option("--agency", default=None, help="one agency's chain (default: every chain)")
@click.option("--json", "as_json", is_flag=True)
def audit_checkpoint(agency, as_json):
    """Print each chain's head now (count and hash): record it outside Alur, compare it later
    with `alur audit verify --checkpoint SEQ:HASH`."""
    from .audit.services import chain_check

    _listing(_or_fail(lambda: chain_check.heads_today(_alur(), agency)), as_json,
             lambda c: f"{c['chain']:>4} {c['agency'] or 'sistem / system'} {c['day']}: {c['events']} kejadian / "
                       f"events; catat / record: {c['events']}:{c['head'] or '-'}")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)))
@click.option("--no-scheduler", is_flag=True, help="do not fire timers here (a separate `alur worker` does)")
def serve(host: str, port: int, no_scheduler: bool):
    """Serve Alur in one process: web, API and the timer scheduler (production: gunicorn + alur worker)."""
    from werkzeug.serving import run_simple

    from .deadlines.scheduler import BackgroundScheduler

    if not no_scheduler:
        BackgroundScheduler(_alur()).start()
    click.echo(f"Alur: http://{host}:{port}/")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@main.command()
@click.option("--once", is_flag=True, help="one round, then exit")
@click.option("--interval", type=float, default=1.0, show_default=True, help="seconds between rounds")
def worker(once: bool, interval: float):
    """Fire due timers, escalate overdue tasks and send e-mail, in a loop."""
    import threading

    from .deadlines.scheduler import run_forever, run_once

    if once:
        click.echo(json.dumps(run_once(_alur())))
        return
    try:
        run_forever(_alur(), interval, threading.Event())
    except KeyboardInterrupt:
        pass
