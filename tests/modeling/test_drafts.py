"""An SOP's draft through the API: read with its ETag, saved with If-Match; of two saves from the
same ETag exactly one wins (the other learns who and when); hostile XML refused."""
from __future__ import annotations

import threading
from urllib.parse import unquote

import pytest

from server.errors import DraftConflict
from server.modeling.services import drafts
from tests.modeling.helpers import HOSTILE, KEMENPORA, KEY, XML, actor, oversized

OWNER = "kemenpora.pemilik"


def _put(user, data: bytes, etag: str | None, key: str = KEY):
    headers = {**XML, **({"If-Match": etag} if etag is not None else {})}
    return user.client.put(f"/api/v1/processes/{key}/draft", headers={**user.headers, **headers}, data=data)


def test_the_draft_is_made_from_the_active_version_until_someone_saves(login):
    owner = login(OWNER)
    r = owner.get(f"/processes/{KEY}/draft")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    assert f'id="{KEY}"' in r.get_data(as_text=True)
    etag = r.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('.0"')
    assert r.headers["X-Alur-Saved-At"]

    changed = KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- draf 1 --></bpmn:definitions>")
    saved = _put(owner, changed, etag)
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["etag"] == saved.headers["ETag"] != etag
    assert body["saved_by"]["name"] == unquote(saved.headers["X-Alur-Saved-By"])
    again = owner.get(f"/processes/{KEY}/draft")
    assert again.headers["ETag"] == body["etag"] and b"draf 1" in again.data
    assert unquote(again.headers["X-Alur-Saved-By"]) == body["saved_by"]["name"]


def test_a_save_needs_if_match_and_a_stale_one_is_refused_with_who_and_when(login):
    owner, other = login(OWNER), login(OWNER)
    etag = owner.get(f"/processes/{KEY}/draft").headers["ETag"]
    assert _put(owner, KEMENPORA, None).status_code == 428
    first = _put(other, KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- a --></bpmn:definitions>"), etag)
    assert first.status_code == 200
    stale = _put(owner, KEMENPORA.replace(b"</bpmn:definitions>", b"<!-- b --></bpmn:definitions>"), etag)
    assert stale.status_code == 412
    body = stale.get_json()
    assert body["error"] == "draft_conflict" and body["etag"] == first.get_json()["etag"]
    assert body["saved_by"]["name"] in body["message"] and body["saved_by"]["name"] in body["message_en"]
    assert body["saved_at"] == first.get_json()["saved_at"]
    assert b"<!-- a -->" in owner.get(f"/processes/{KEY}/draft").data  # nothing overwritten
    assert _put(owner, KEMENPORA, '"garbage"').status_code == 412
    assert _put(owner, KEMENPORA, body["etag"]).status_code == 200  # reloaded: saves


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_malformed_xml_is_refused_and_nothing_is_saved(login, name):
    owner = login(OWNER)
    etag = owner.get(f"/processes/{KEY}/draft").headers["ETag"]
    r = _put(owner, HOSTILE[name], etag)
    assert r.status_code == 422 and r.get_json()["error"] == "diagram_rejected"
    assert owner.get(f"/processes/{KEY}/draft").headers["ETag"] == etag


def test_an_oversized_draft_is_refused(login):
    owner = login(OWNER)
    etag = owner.get(f"/processes/{KEY}/draft").headers["ETag"]
    assert _put(owner, oversized(), etag).status_code == 422  # over the parser's limit, under the cap
    assert _put(owner, oversized() + b" " * (2 * 1024 * 1024), etag).status_code == 413


def test_the_diagram_must_be_this_sops(login):
    owner = login(OWNER)
    etag = owner.get(f"/processes/{KEY}/draft").headers["ETag"]
    other = KEMENPORA.replace(f'id="{KEY}"'.encode(), b'id="sop_lain"')
    r = _put(owner, other, etag)
    assert r.status_code == 422 and KEY in r.get_json()["message"]


@pytest.mark.parametrize("username,status", [("kemenpora.karo", 403), ("kemenpora.pengawas", 403),
                                             ("kemenpora.admin_instansi", 403), ("bsip.pemilik", 403)])
def test_only_the_agencys_process_owner_reads_or_saves_the_draft(login, username, status):
    user = login(username)
    assert user.get(f"/processes/{KEY}/draft").status_code == status
    assert _put(user, KEMENPORA, '"1.0"').status_code == status
    assert _put(user, KEMENPORA, None).status_code == status  # the policy before the precondition


def test_unknown_sop_and_anonymous(login, client):
    assert login(OWNER).get("/processes/tidak_ada/draft").status_code == 404
    assert client.get(f"/api/v1/processes/{KEY}/draft").status_code == 401
    assert client.put(f"/api/v1/processes/{KEY}/draft", data=KEMENPORA, headers=XML).status_code == 401


@pytest.mark.parametrize("saved_before", [False, True], ids=["first-save", "later-save"])
def test_two_saves_from_the_same_etag_exactly_one_wins(seeded, saved_before):
    """A real race: two threads, two owners' saves from one ETag, released together."""
    first, second = actor(seeded, "kemenpora.pemilik"), actor(seeded, "kemenpora.pemilik")
    if saved_before:
        drafts.save(seeded, first, KEY, KEMENPORA, drafts.get(seeded, first, KEY)["etag"])
    etag = drafts.get(seeded, first, KEY)["etag"]
    gate, results = threading.Barrier(2), {}

    def save(name, who):
        gate.wait()
        body = KEMENPORA.replace(b"</bpmn:definitions>", f"<!-- {name} --></bpmn:definitions>".encode())
        try:
            results[name] = drafts.save(seeded, who, KEY, body, etag)["etag"]
        except DraftConflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(name, who)) for name, who in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = [name for name, r in results.items() if isinstance(r, str)]
    lost = [r for r in results.values() if isinstance(r, DraftConflict)]
    assert len(won) == 1 and len(lost) == 1, results
    current = drafts.get(seeded, first, KEY)
    assert current["etag"] == results[won[0]] == lost[0].detail["etag"]
    assert f"<!-- {won[0]} -->" in current["xml"]
