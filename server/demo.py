"""The demo: the five seed agencies, one user per lane, the seed diagrams, a few instances."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .files import samples
from .formschema.samples import sample_submission
from .models import Agency, ProcessInstance, ProcessModel, User
from .kernel import accounts
from .kernel.access import AGENCY_ROLES
from .work.services import attachments, instances, processes, tasks
from .modeling.services import deployment
from .monitoring.services import moving
from .kernel.actors import load_actor
from .kernel.context import Alur

AGENCIES = [
    ("kemenpora", "Kementerian Pemuda dan Olahraga, Biro Humas dan Umum", "Asia/Jakarta"),
    ("bsip", "Kementerian Pertanian, Sekretariat Badan Standardisasi Instrumen Pertanian", "Asia/Jakarta"),
    ("nomporejo", "Kalurahan Nomporejo, Kabupaten Kulon Progo", "Asia/Jakarta"),
    ("ponjong", "Kapanewon Ponjong, Kabupaten Gunungkidul", "Asia/Jakarta"),
    ("dki-ksd", "Pemerintah Provinsi DKI Jakarta, Biro Kerja Sama Daerah", "Asia/Jakarta"),
]

# (agency, username, lane = role). One user per lane per agency.
USERS = [
    ("kemenpora", "kemenpora.anggota", "Anggota Tim Publikasi"),
    ("kemenpora", "kemenpora.ketua", "Ketua Tim Publikasi"),
    ("kemenpora", "kemenpora.pj", "Penanggungjawab Bidang Kehumasan"),
    ("kemenpora", "kemenpora.karo", "Kepala Biro Humas dan Umum"),
    ("bsip", "bsip.kapok", "Ketua Kelompok Hukum, Kerja Sama, dan Humas"),
    ("bsip", "bsip.katim", "Ketua Tim Kerja Humas"),
    ("bsip", "bsip.staf", "Pelaksana/Staf"),
    ("nomporejo", "nomporejo.ptk", "Pelaksana Teknis Kegiatan"),
    ("nomporejo", "nomporejo.admin_medsos", "Admin Media Sosial"),
    ("nomporejo", "nomporejo.admin_web", "Admin Website"),
    ("nomporejo", "nomporejo.ppid", "PPID Pelaksana"),
    ("ponjong", "ponjong.tim", "Tim Pelaksanaan"),
    ("ponjong", "ponjong.tppi", "Tim Pertimbangan Pelayanan Informasi"),
    ("ponjong", "ponjong.sekretaris", "Sekretaris PPID Pembantu"),
    ("ponjong", "ponjong.atasan", "Atasan PPID Pembantu"),
    ("ponjong", "ponjong.admin", "Admin Medsos"),
    ("dki-ksd", "dki.admin", "Admin Medsos"),
    ("dki-ksd", "dki.tim", "Tim Pengelola Media Sosial (Perwakilan Bagian)"),
    ("dki-ksd", "dki.kasubbag", "Kepala Subbagian Tata Usaha"),
    ("dki-ksd", "dki.kabag", "Kepala Bagian Perjalanan Dinas"),
    ("dki-ksd", "dki.karo", "Kepala Biro"),
]


# The demo users' prefix per agency (as in USERS).
PREFIXES = {"kemenpora": "kemenpora", "bsip": "bsip", "nomporejo": "nomporejo", "ponjong": "ponjong", "dki-ksd": "dki"}
# Per agency, a user for each agency role: e.g. kemenpora.pengawas; and one auditor of every agency.
AGENCY_ROLE_USERS = [(agency, f"{prefix}.{key}", key) for agency, prefix in PREFIXES.items()
                     for key in ("pemilik", "pengawas", "auditor", "admin_instansi")]
INSPEKTORAT = "inspektorat"
_ROLE_OF_SUFFIX = {"pemilik": "pemilik_proses", "pengawas": "pengawas", "auditor": "auditor",
                   "admin_instansi": "admin_instansi"}


def username_for(agency: str, lane: str) -> str:
    return next(u for a, u, l in USERS if a == agency and l == lane)


@dataclass
class Report:
    password: str
    users: list = field(default_factory=list)
    deployed: list = field(default_factory=list)
    instances: list = field(default_factory=list)


def demo_password(alur: Alur) -> str:
    """ALUR_DEMO_PASSWORD, or one made for this installation and kept in the instance folder."""
    if alur.settings.demo_password:
        return alur.settings.demo_password
    path = alur.settings.instance_dir / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        os.chmod(path, 0o600)
    return path.read_text().strip()


def load(alur: Alur, with_instances: bool = True) -> Report:
    report = Report(password=demo_password(alur))
    now = alur.clock.now()
    shared_hash = None
    with alur.db.transaction() as s:
        for slug, name, tz in AGENCIES:
            accounts.ensure_agency(s, slug, name, tz)
        for agency_slug, username, lane in USERS:
            agency = s.scalar(select(Agency).where(Agency.slug == agency_slug))
            if s.scalar(select(User.id).where(User.username == username)) is None:
                shared_hash = shared_hash or accounts.hash_password(report.password)
                user = accounts.create_user(s, now, username, f"{lane} ({agency_slug})", password_hash=shared_hash)
                accounts.add_member(s, user.id, agency.id, [lane])
            report.users.append((username, agency_slug, lane))
        for agency_slug, username, suffix in AGENCY_ROLE_USERS + [(a, INSPEKTORAT, "auditor") for a in PREFIXES]:
            agency_id = s.scalar(select(Agency.id).where(Agency.slug == agency_slug))
            user_id = s.scalar(select(User.id).where(User.username == username))
            label = AGENCY_ROLES[_ROLE_OF_SUFFIX[suffix]][0]
            if user_id is None:
                shared_hash = shared_hash or accounts.hash_password(report.password)
                name = f"{label} ({agency_slug})" if username != INSPEKTORAT else "Inspektorat (auditor)"
                user_id = accounts.create_user(s, now, username, name, password_hash=shared_hash).id
            accounts.grant_agency_role(s, user_id, agency_id, _ROLE_OF_SUFFIX[suffix])
            report.users.append((username, agency_slug, label))
    for path in sorted(alur.settings.bpmn_dir.glob("*.bpmn")):
        report.deployed += deployment.deploy(alur, path.read_bytes(), path.name)
    if with_instances:
        with alur.db.transaction() as s:
            empty = not s.scalar(select(func.count()).select_from(ProcessInstance))
        if empty:
            report.instances = _instances(alur)
    return report


def _instances(alur: Alur) -> list[str]:
    """A few instances in different states: just started, half-way, rejected once, finished."""
    plans = [("kemenpora_publikasi_media_sosial", 0, False), ("kemenpora_publikasi_media_sosial", 5, False),
             ("kemenpora_publikasi_media_sosial", 6, True), ("kemenpora_publikasi_media_sosial", 99, False),
             ("bsip_informasi_media_sosial", 1, False), ("nomporejo_konten_media_sosial", 2, False),
             ("nomporejo_konten_website", 0, False), ("ponjong_upload_konten_media_sosial", 3, False),
             ("dki_ksd_pengelolaan_media_sosial", 2, False)]
    made = []
    for number, (key, steps, reject_last) in enumerate(plans, 1):
        try:
            made.append(drive(alur, key, steps, reject_last, title=f"Kegiatan contoh {number}"))
        except Exception as exc:  # the demo must not stop on one diagram's surprise
            made.append(f"{key}: not created ({exc})")
    try:
        made.append(moved_case(alur))
    except Exception as exc:
        made.append(f"moved case: not created ({exc})")
    return made


def drive(alur: Alur, key: str, steps: int, reject_last: bool = False, title: str = "Kegiatan contoh") -> str:
    """Starts `key` and completes up to `steps` tasks as each lane's demo user (approving, except
    that the last step rejects when `reject_last`)."""
    with alur.db.transaction() as s:
        agency = s.scalar(select(Agency.slug).join(ProcessModel).where(ProcessModel.key == key))
    process = next(p for p in processes.list_processes(alur, _demo_actor(alur, agency)) if p["key"] == key)
    starter = _demo_actor(alur, agency, process["start_lane"])
    today = alur.clock.now().date()

    data = {}
    if process["start_form"]:
        data = sample_submission(process["start_form"], files=_uploader(alur, starter, agency), today=today)
        if "judul" in process["start_form"].get("properties", {}):
            data["judul"] = title
    started = instances.start(alur, starter, key, data)
    return advance(alur, started["id"], steps, reject_last)


def advance(alur: Alur, instance_id: int, steps: int, reject_last: bool = False) -> str:
    """Completes up to `steps` open tasks of the instance as each lane's demo user."""
    with alur.db.transaction() as s:
        agency = s.scalar(select(Agency.slug).join(ProcessInstance, ProcessInstance.agency_id == Agency.id)
                          .where(ProcessInstance.id == instance_id))
    reader = _role_actor(alur, agency, "pengawas")
    today = alur.clock.now().date()
    for number in range(steps):
        open_tasks = instances.get(alur, reader, instance_id)["open_tasks"]
        if not open_tasks:
            break
        actor = _demo_actor(alur, agency, open_tasks[0]["lane"])
        form = tasks.get_task(alur, actor, open_tasks[0]["id"])["form"]
        reject = reject_last and number == steps - 1
        submission = sample_submission(form, files=_uploader(alur, actor, agency), today=today,
                                       reject=reject) if form else {}
        tasks.complete(alur, actor, open_tasks[0]["id"], submission)
    final = instances.get(alur, reader, instance_id)
    return f"{final['key']} #{final['id']}: {final['status']}, {len(final['history'])} steps done"


def _uploader(alur: Alur, actor, agency: str):
    """The `files` callback of sample_submission: sample files uploaded as `actor`."""
    def upload(accept, count):
        body, name = samples.for_accept(accept)
        return [attachments.upload(alur, actor, body, name, agency=agency)["id"] for _ in range(count)]
    return upload


def moved_case(alur: Alur) -> str:
    """A Kemenpora case its Pengawas moved past step 4 and that then ran to its end: a deviation
    from the SOP for the auditors' report to show, with who moved it and why."""
    key = "kemenpora_publikasi_media_sosial"
    started = drive(alur, key, 3, title="Kegiatan contoh dipindahkan")
    instance_id = int(started.split("#")[1].split(":")[0])
    moving.move(alur, _role_actor(alur, "kemenpora", "pengawas"), instance_id, "s05_sampaikan_hasil_produksi",
                "Konten sudah diproduksi di luar Alur; langsung ke penyampaian hasil.")
    return advance(alur, instance_id, 99)


def _demo_actor(alur: Alur, agency: str, lane: str | None = None):
    return _named(alur, username_for(agency, lane) if lane else next(u for a, u, _ in USERS if a == agency))


def _named(alur: Alur, username: str):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def _role_actor(alur: Alur, agency: str, suffix: str):
    """The demo user of an agency role, e.g. kemenpora.pengawas."""
    return _named(alur, next(u for a, u, key in AGENCY_ROLE_USERS if a == agency and key == suffix))


def describe(report: Report) -> str:
    lines = ["Demo users (all with the same password):"]
    lines += [f"  {u:<24} {a:<10} {lane}" for u, a, lane in report.users]
    lines.append(f"Password: {report.password}")
    lines += [f"Deployed {d['agency']}/{d['key']} v{d['version']}" for d in report.deployed if d["created"]]
    lines += [f"Instance {i}" for i in report.instances]
    return "\n".join(lines)
