"""An Admin Instansi switches a member's account off or on and resets its password.

The account (its password, whether it may sign in) is one for every agency the user works for,
so only an admin of all of them may do either: otherwise an admin of one agency could take over,
or lock out, a user of another (e.g. that agency's own Admin Instansi). Nobody does either to
themselves here: their own password changes under "Akun", and an admin who switched themselves
off could not switch back on.
"""
from __future__ import annotations

from ...errors import Forbidden
from ...kernel import accounts
from ...kernel.actors import Actor
from ...kernel.context import Alur
from . import people, scope
from .staff import member_of, other_agencies

class Refused(Forbidden):
    """The admin may manage the agency, but not this account: their own, or one shared with
    another agency."""


_ELSEWHERE = ("Pengguna ini juga bekerja di instansi lain; akunnya hanya dapat dinonaktifkan atau diganti kata "
              "sandinya oleh Admin Instansi dari semua instansinya.",
              "This user also works for another agency; only an administrator of all their agencies can "
              "deactivate the account or reset its password.")


def set_active(alur: Alur, actor: Actor, slug: str, username: str, active: bool) -> dict:
    """Deactivating ends the user's sessions and tokens and gives their claimed tasks back."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        user = _controlled(s, actor, slug, username)
        if user.id == actor.id and not active:
            raise Refused("Anda tidak dapat menonaktifkan akun Anda sendiri.", "You cannot deactivate your own account.")
        released = people.switch_active(s, now, user, active, actor_id=actor.id)
    return {"username": username, "active": active, "released_tasks": released}


def reset_password(alur: Alur, actor: Actor, slug: str, username: str) -> str:
    """A new generated password, to show once and hand over; the user's sessions and API tokens
    end with the old one."""
    with alur.db.transaction() as s:
        user = _controlled(s, actor, slug, username)
        if user.id == actor.id:
            raise Refused("Ganti kata sandi Anda sendiri di halaman Akun.", "Change your own password on the Account page.")
        password = people.generated_password(user.username)
        accounts.set_password(s, alur.clock.now(), user, password, actor.id)
    return password


def _controlled(s, actor: Actor, slug: str, username: str):
    user = member_of(s, scope.managed(s, actor, slug), username)
    if other_agencies(s, actor, user.id):
        raise Refused(*_ELSEWHERE)
    return user
