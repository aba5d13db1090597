"""A user changes their own password; an administrator resets one. Wrong attempts count towards
the sign-in lock, and the old password's sessions and API tokens end."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.errors import InvalidInput, NotFound, Unauthenticated
from server.models import ApiToken, AuditEvent, User
from server.kernel import accounts
from server.admin.services import people

from ..conftest import DEMO_PASSWORD

NEW = "Seoul-Jakarta-2026"


def _actor(alur, username="bsip.staf"):
    return accounts.authenticate(alur, username, DEMO_PASSWORD)


def _hash(alur, username="bsip.staf"):
    with alur.db.transaction() as s:
        return s.scalar(select(User.password_hash).where(User.username == username))


def test_a_change_replaces_the_password_ends_tokens_and_the_session_key(seeded):
    me = _actor(seeded)
    accounts.issue_token(seeded, me)
    accounts.change_password(seeded, me, DEMO_PASSWORD, NEW, NEW)
    with pytest.raises(Unauthenticated):
        accounts.authenticate(seeded, "bsip.staf", DEMO_PASSWORD)
    again = accounts.authenticate(seeded, "bsip.staf", NEW)
    assert again.session_key != me.session_key  # browser sessions signed with the old one end
    with seeded.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == me.id)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "auth.password_changed")) == 1


@pytest.mark.parametrize("current,new,repeated,field,text", [
    ("salah-sekali", NEW, NEW, "current", "Kata sandi saat ini salah."),
    (DEMO_PASSWORD, "pendek", "pendek", "new", "Paling sedikit 10 karakter."),
    (DEMO_PASSWORD, "xx-bsip.staf-xx", "xx-bsip.staf-xx", "new", "Kata sandi tidak boleh memuat nama pengguna."),
    (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "new", "Kata sandi baru harus berbeda dari yang sekarang."),
    (DEMO_PASSWORD, NEW, NEW + "x", "repeated", "Tidak sama dengan kata sandi baru."),
])
def test_a_refused_change_says_which_field_and_changes_nothing(seeded, current, new, repeated, field, text):
    me = _actor(seeded)
    before = _hash(seeded)
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(seeded, me, current, new, repeated)
    assert [m["id"] for m in refused.value.fields[field]] == [text]
    assert _hash(seeded) == before


def test_guessing_the_current_password_locks_the_account(seeded):
    me = _actor(seeded)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(InvalidInput):
            accounts.change_password(seeded, me, "tebakan-salah", NEW, NEW)
    with pytest.raises(accounts.Locked):
        accounts.change_password(seeded, me, DEMO_PASSWORD, NEW, NEW)
    # Sign-ins are throttled on their own (per address), so the guesses do not lock the user out.
    assert accounts.authenticate(seeded, "bsip.staf", DEMO_PASSWORD).id == me.id


def test_an_administrator_reset_lifts_the_lock(seeded):
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(Unauthenticated):
            accounts.authenticate(seeded, "bsip.staf", "salah")
    people.reset_password(seeded, "bsip.staf", NEW)
    assert accounts.authenticate(seeded, "bsip.staf", NEW).username == "bsip.staf"
    with pytest.raises(NotFound):
        people.reset_password(seeded, "tidak.ada", NEW)
    with pytest.raises(InvalidInput):
        people.reset_password(seeded, "bsip.staf", "pendek")
