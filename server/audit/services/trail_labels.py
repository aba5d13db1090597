"""What each audit action means, for people: a label in Indonesian and English per action code
that `kernel.audit.record` is given anywhere in server/ (an action without one is shown as its
code), and the groups the trail's action filter offers (a prefix such as "task.")."""
from __future__ import annotations

# action -> (Indonesian, English)
LABELS: dict[str, tuple[str, str]] = {
    "instance.started": ("Instans dimulai", "Instance started"),
    "instance.completed": ("Instans selesai", "Instance completed"),
    "instance.cancelled": ("Instans dibatalkan", "Instance cancelled"),
    "instance.suspended": ("Instans ditangguhkan", "Instance suspended"),
    "instance.resumed": ("Instans dilanjutkan", "Instance resumed"),
    "instance.retried": ("Instans dicoba lagi setelah galat", "Instance retried after an error"),
    "instance.moved": ("Instans dipindahkan ke langkah lain", "Instance moved to another step"),
    "instance.migrated": ("Instans dimigrasikan ke versi lain", "Instance migrated to another version"),
    "instance.error": ("Instans terhenti karena galat", "Instance stopped by an error"),
    "task.completed": ("Tugas diselesaikan", "Task completed"),
    "task.claimed": ("Tugas diambil", "Task claimed"),
    "task.released": ("Tugas dikembalikan ke tim", "Task released to the team"),
    "task.assigned": ("Tugas dialihkan kepada pemegang lain", "Task assigned to another holder"),
    "task.unassigned": ("Tugas dilepas dari pemegangnya", "Task unassigned"),
    "task.draft_saved": ("Draf tugas disimpan", "Task draft saved"),
    "task.escalated": ("Tugas dieskalasi (lewat tenggat)", "Task escalated (past its due time)"),
    "timer.fired": ("Pewaktu berjalan", "Timer fired"),
    "process.created": ("SOP dibuat", "SOP created"),
    "process.imported": ("SOP diimpor dari tabel", "SOP imported from a table"),
    "process.deployed": ("Versi SOP diterapkan", "SOP version deployed"),
    "process.activated": ("Versi SOP diaktifkan", "SOP version activated"),
    "process.marked_official": ("Versi SOP ditandai resmi", "SOP version marked official"),
    "attachment.uploaded": ("Berkas diunggah", "File uploaded"),
    "agency.added": ("Instansi ditambahkan", "Agency added"),
    "user.added": ("Pengguna ditambahkan", "User added"),
    "user.granted": ("Peran diberikan", "Roles granted"),
    "user.revoked": ("Peran dicabut", "Roles revoked"),
    "user.activated": ("Pengguna diaktifkan", "User activated"),
    "user.deactivated": ("Pengguna dinonaktifkan", "User deactivated"),
    "auth.failed": ("Gagal masuk", "Failed sign-in"),
    "auth.password_changed": ("Kata sandi diganti", "Password changed"),
    "auth.token_issued": ("Token API diterbitkan", "API token issued"),
    "calendar.day_set": ("Hari kalender diatur", "Calendar day set"),
    "calendar.week_set": ("Pekan kerja diatur", "Working week set"),
    "notification.email_refused": ("Surel pemberitahuan ditolak", "Notification e-mail refused"),
    "notification.email_unconfirmed": ("Surel pemberitahuan belum pasti terkirim",
                                       "Notification e-mail not confirmed"),
}

# prefix -> (Indonesian, English): the groups of the action filter, in this order
GROUPS: dict[str, tuple[str, str]] = {
    "instance.": ("Semua kejadian instans", "Every instance event"),
    "task.": ("Semua kejadian tugas", "Every task event"),
    "timer.": ("Pewaktu", "Timers"),
    "process.": ("Semua kejadian SOP", "Every SOP event"),
    "attachment.": ("Berkas", "Files"),
    "calendar.": ("Kalender", "Calendar"),
    "user.": ("Pengguna dan peran", "Users and roles"),
    "notification.": ("Pemberitahuan", "Notifications"),
}


def label(action: str, locale: str = "id") -> str:
    """The action's label in the locale ("id" or "en"); an unknown action is its code."""
    found = LABELS.get(action)
    if found is None:
        return action
    return found[1] if locale == "en" else found[0]


def choices(locale: str = "id") -> list[dict]:
    """The action filter's options: each group (its prefix) followed by its actions."""
    out = []
    for prefix, names in GROUPS.items():
        out.append({"value": prefix, "label": names[1] if locale == "en" else names[0], "group": True})
        out += [{"value": action, "label": label(action, locale), "group": False}
                for action in LABELS if action.startswith(prefix)]
    return out
