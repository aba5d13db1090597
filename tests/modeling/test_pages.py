"""The process owner's catalogue pages without a browser: the SOP list, a new SOP (an error
beside its field with the input kept; success opens the modeler), the versions with activation;
only Pemilik Proses, and the header link for them only."""
from __future__ import annotations

import pytest

from server.modeling.services import drafts, versions
from tests.modeling.helpers import KEMENPORA, KEY, actor

OWNER = "kemenpora.pemilik"


def test_the_owner_sees_the_agencys_sops_with_their_state(signed_in, seeded):
    versions.deploy(seeded, actor(seeded, OWNER), KEY, KEMENPORA.replace(b"</bpmn:definitions>", b"<!--2--></bpmn:definitions>"),
                    "Catatan versi dua")
    owner = signed_in(OWNER)
    page = owner.get("/model/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="model-link"' in html and 'id="sops-kemenpora"' in html
    assert f'data-key="{KEY}"' in html and "3.28.4/BIV/III/2023" in html
    assert "Catatan versi dua" in html and "Ubah di modeler" in html
    assert f"/model/kemenpora/{KEY}/edit" in html and f"/model/kemenpora/{KEY}/versions" in html


@pytest.mark.parametrize("username", ["kemenpora.karo", "kemenpora.admin_instansi", "inspektorat"])
def test_others_get_403_and_no_header_link(signed_in, username):
    user = signed_in(username)
    for path in ("/model/", "/model/new", f"/model/kemenpora/{KEY}/versions"):
        assert user.get(path).status_code == 403, path
    assert 'id="model-link"' not in user.get("/akun").get_data(as_text=True)


def test_a_new_sop_form_keeps_the_input_beside_its_error(signed_in):
    owner = signed_in(OWNER)
    r = owner.post("/model/new", "/model/new", {"name": "", "nomor": "7/2026", "lanes": "Kepala\nStaf"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="error-name"' in html and 'value="7/2026"' in html and "Kepala\nStaf</textarea>" in html
    ok = owner.post("/model/new", "/model/new", {"name": "Layanan Informasi", "nomor": "7/2026",
                                                 "lanes": "Kepala\nStaf"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/model/kemenpora/layanan_informasi/edit")
    listed = owner.get("/model/").get_data(as_text=True)
    assert 'data-key="layanan_informasi"' in listed and "7/2026" in listed and "belum diterapkan" in listed


def test_a_copy_from_the_form(signed_in):
    owner = signed_in(OWNER)
    ok = owner.post("/model/new", "/model/new", {"name": "Salinan Publikasi", "copy_of": f"kemenpora/{KEY}"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/model/kemenpora/salinan_publikasi/edit")


def test_versions_page_and_activation(signed_in, seeded):
    versions.deploy(seeded, actor(seeded, OWNER), KEY, KEMENPORA.replace(b"</bpmn:definitions>", b"<!--2--></bpmn:definitions>"),
                    "Versi dua")
    owner = signed_in(OWNER)
    path = f"/model/kemenpora/{KEY}/versions"
    html = owner.get(path).get_data(as_text=True)
    assert 'data-version="2" class="active"' in html and 'data-version="1"' in html
    assert f"/model/kemenpora/{KEY}/diff?from=1&amp;to=2" in html and f"/model/kemenpora/{KEY}/versions/1" in html
    assert html.count('name="csrf_token"') >= 2 and "Ya, aktifkan versi 1" in html
    r = owner.post(path, f"{path}/1/activate", {})
    assert r.status_code == 302 and r.headers["Location"].endswith(path)
    after = owner.get(path).get_data(as_text=True)
    assert 'data-version="1" class="active"' in after and "Ya, aktifkan versi 2" in after
    assert [v["version"] for v in versions.list_versions(seeded, actor(seeded, OWNER), KEY) if v["active"]] == [1]
    refused = owner.client.post(f"{path}/2/activate", data={})  # no CSRF token: nothing changes
    assert refused.status_code == 400
    assert [v["version"] for v in versions.list_versions(seeded, actor(seeded, OWNER), KEY) if v["active"]] == [1]


def test_the_owner_marks_the_signed_version_on_the_versions_page(signed_in, seeded):
    versions.deploy(seeded, actor(seeded, OWNER), KEY, KEMENPORA.replace(b"</bpmn:definitions>", b"<!--2--></bpmn:definitions>"),
                    "Versi dua")
    path = f"/model/kemenpora/{KEY}/versions"
    owner = signed_in(OWNER)
    html = owner.get(path).get_data(as_text=True)
    assert "Ya, tandai versi 1 sebagai resmi" in html and "Ya, tandai versi 2 sebagai resmi" in html
    assert "state-official" not in html
    r = owner.post(path, f"{path}/1/official", {})
    assert r.status_code == 302 and r.headers["Location"].endswith(path)
    after = owner.get(path).get_data(as_text=True)
    assert 'class="state state-official"' in after and "Ya, tandai versi 1 sebagai resmi" not in after
    assert [v["version"] for v in versions.list_versions(seeded, actor(seeded, OWNER), KEY) if v["official"]] == [1]
    assert signed_in("kemenpora.pengawas").post("/akun", f"{path}/2/official", {}).status_code == 403
    assert [v["version"] for v in versions.list_versions(seeded, actor(seeded, OWNER), KEY) if v["official"]] == [1]


def test_the_draft_starts_again_from_an_earlier_version_unless_someone_saved_since(signed_in, seeded):
    owner_actor = actor(seeded, OWNER)
    versions.deploy(seeded, owner_actor, KEY, KEMENPORA.replace(b"</bpmn:definitions>", b"<!--2--></bpmn:definitions>"),
                    "Versi dua")
    first = drafts.get(seeded, owner_actor, KEY)
    drafts.save(seeded, owner_actor, KEY, first["xml"].replace("<!--2-->", "<!--draf-->"), first["etag"])
    owner = signed_in(OWNER)
    path = f"/model/kemenpora/{KEY}/versions"
    html = owner.get(path).get_data(as_text=True)
    assert "Ya, ubah mulai dari versi 1" in html and "perubahannya sejak itu dibuang" in html
    etag = drafts.get(seeded, owner_actor, KEY)["etag"]

    # another save after the page was shown: refused, the draft kept
    now = drafts.get(seeded, owner_actor, KEY)
    drafts.save(seeded, owner_actor, KEY, now["xml"].replace("<!--draf-->", "<!--lagi-->"), now["etag"])
    r = owner.post(path, f"{path}/1/draft", {"etag": etag})
    assert r.status_code == 302 and r.headers["Location"].endswith(path)
    assert "<!--lagi-->" in drafts.get(seeded, owner_actor, KEY)["xml"]
    assert "Draf sudah disimpan oleh" in owner.get(path).get_data(as_text=True)

    r = owner.post(path, f"{path}/1/draft", {"etag": drafts.get(seeded, owner_actor, KEY)["etag"]})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/model/kemenpora/{KEY}/edit")
    draft = drafts.get(seeded, owner_actor, KEY)
    assert draft["xml"] == versions.version_xml(seeded, owner_actor, KEY, 1)  # version 1's diagram
