"""Validated certificate paths remembered across documents, and everything that must make them be
decided again: other trust roots, a revocation published since, a revocation source lost and found,
a certificate expired since."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from pyhanko_certvalidator.registry import PathBuilder

from dangvu.signing import ca, keys, pathcache
from dangvu.signing.services import sign_personal
from dangvu.signing.verify import Revocation, verify_pdf
from tests.conftest import TODAY
from tests.signing.conftest import PLACES, party_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    pathcache.PATHS.clear()
    yield
    pathcache.PATHS.clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The common names of the certificates whose path pyHanko's path builder searched."""
    searched: list[str] = []
    original = PathBuilder.async_build_paths_lazy

    def counting(self: PathBuilder, end_entity_cert: Any) -> Any:
        searched.append(end_entity_cert.subject.native["common_name"])
        return original(self, end_entity_cert)

    monkeypatch.setattr(PathBuilder, "async_build_paths_lazy", counting)
    return searched


def _signed(people: Any, tree: Any, body: str) -> bytes:
    return sign_personal(pdf=party_document(body), actor=people.secretary, org=tree.xa, places=PLACES)


def _summary(pdf: bytes) -> list[tuple[bool, Revocation, list[str]]]:
    return [(s.valid, s.revocation, [p.code for p in s.problems]) for s in verify_pdf(pdf).signatures]


def test_a_second_document_of_the_same_signer_does_not_build_the_path_again(demo_keys, people, tree, builds):
    first, second = _signed(people, tree, "Văn bản thứ nhất. "), _signed(people, tree, "Văn bản thứ hai. ")
    pathcache.PATHS.clear()
    builds.clear()

    assert _summary(first) == [(True, Revocation.GOOD, [])]
    assert builds == ["Lê Quang Hùng"]
    assert _summary(second) == [(True, Revocation.GOOD, [])]
    assert builds == ["Lê Quang Hùng"]  # the second document reused the first one's validated path


def test_changing_the_trust_roots_takes_effect_at_once(demo_keys, people, tree, tmp_path, builds):
    signed = _signed(people, tree, "Văn bản. ")
    assert _summary(signed) == [(True, Revocation.GOOD, [])]
    root = keys.signing_dir() / "trust" / "dangvu-demo-root.pem"

    root.rename(tmp_path / "root.pem")
    keys.clear_cache()
    assert _summary(signed) == [(False, Revocation.GOOD, ["certificate_untrusted"])]

    (tmp_path / "root.pem").rename(root)
    keys.clear_cache()
    builds.clear()
    assert _summary(signed) == [(True, Revocation.GOOD, [])]
    assert builds == ["Lê Quang Hùng"]  # the roots changed twice: nothing remembered from before


def test_another_root_added_to_the_set_is_a_new_decision(demo_keys, people, tree, tmp_path, settings, builds):
    signed = _signed(people, tree, "Văn bản. ")
    assert _summary(signed) == [(True, Revocation.GOOD, [])]
    other = ca.open_or_create_root(tmp_path / "other")
    settings.DANGVU_SIGNING_TRUST_ROOTS = [str(other.directory / "trust" / "dangvu-demo-root.pem")]
    keys.clear_cache()
    builds.clear()

    assert _summary(signed) == [(True, Revocation.GOOD, [])]
    assert builds == ["Lê Quang Hùng"]


def test_a_revocation_published_after_a_remembered_success_is_seen(authority, demo_keys, people, tree):
    signed = _signed(people, tree, "Văn bản. ")
    assert _summary(signed) == [(True, Revocation.GOOD, [])]

    authority.revoke(keys.load_credential(demo_keys.leader).certificate.serial_number)
    keys.clear_cache()

    assert _summary(signed) == [(False, Revocation.REVOKED, ["certificate_revoked"])]


def test_a_lost_revocation_source_is_not_remembered_as_not_checked(demo_keys, people, tree, tmp_path, builds):
    signed = _signed(people, tree, "Văn bản. ")
    [crl] = (keys.signing_dir() / "crl").glob("*.crl")
    crl.rename(tmp_path / "root.crl")
    keys.clear_cache()
    assert _summary(signed) == [(True, Revocation.NOT_CHECKED, [])]

    (tmp_path / "root.crl").rename(crl)
    keys.clear_cache()
    assert _summary(signed) == [(True, Revocation.GOOD, [])]


def test_a_certificate_expired_since_is_not_answered_from_the_cache(authority, people, tree, document):
    from tests.conftest import grant

    grant(people.secretary, "lanh-dao", tree.xa)
    leader = ca.issue_person(
        authority,
        username="secretary",
        full_name="Lê Quang Hùng",
        organisation=tree.xa.name,
        not_before=TODAY - timedelta(days=30) + timedelta(seconds=150),
        days=31,  # ends tomorrow 150 seconds into a five-minute bucket
    )
    signed = sign_personal(pdf=document, actor=people.secretary, org=tree.xa, places=PLACES)
    end = keys.load_credential(leader).certificate.not_valid_after
    assert int(end.timestamp()) % pathcache.BUCKET_SECONDS == 150
    with time_machine.travel(end - timedelta(seconds=60), tick=False):
        assert _summary(signed) == [(True, Revocation.GOOD, [])]
    with time_machine.travel(end + timedelta(seconds=60), tick=False):  # the same bucket
        assert _summary(signed) == [(False, Revocation.GOOD, ["certificate_expired"])]


def test_the_cache_keeps_its_size(demo_keys, people, tree, monkeypatch):
    monkeypatch.setattr(pathcache, "PATHS", pathcache.PathCache(size=1))
    signed = _signed(people, tree, "Văn bản. ")
    verify_pdf(signed)
    assert len(pathcache.PATHS) == 1
