"""The unit directory and pickers find a unit by its own name and by its ancestors' names.

"chi bo cong an hiep yen" finds "Chi bộ Công an — Đảng ủy xã Hiệp Yên — …": every word typed begins a
word of the unit's name or of one of its ancestors' names; the units whose own name has every word come
first. The stored path text the search reads follows every rename, move, merge and split.
"""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from dangvu.core.text import fold
from dangvu.orgs import directory
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create, org_merge, org_move, org_rename, org_split
from tests.conftest import org_type

pytestmark = pytest.mark.django_db
D = date(2026, 1, 15)


@pytest.fixture
def hiep_yen(tree, admin_user):
    """Đảng ủy xã Hiệp Yên with a Chi bộ Công an, and another Chi bộ Công an in xã An Phú."""
    commune = org_create(
        actor=admin_user,
        name="Đảng ủy xã Hiệp Yên",
        code="HY",
        org_type=org_type("dang-bo-xa"),
        parent=Org.objects.get(pk=tree.root.pk),
    )
    police = org_create(
        actor=admin_user,
        name="Chi bộ Công an",
        code="HY-CA",
        org_type=org_type("chi-bo-co-so"),
        parent=commune,
    )
    org_create(
        actor=admin_user,
        name="Chi bộ Công an",
        code="XA-CA",
        org_type=org_type("chi-bo-co-so"),
        parent=Org.objects.get(pk=tree.xa.pk),
    )
    org_create(
        actor=admin_user,
        name="Chi bộ thôn Hiệp Yên Thượng",
        code="XA-HYT",
        org_type=org_type("chi-bo-co-so"),
        parent=Org.objects.get(pk=tree.xa.pk),
    )
    return Org.objects.get(pk=police.pk)


def paths(query: str, **kwargs) -> list[str]:
    return [choice.path for choice in directory.directory(query, **kwargs)]


def assert_path_texts_exact() -> None:
    """Every unit's stored path text is what its ancestors' names say now."""
    for org in Org.objects.all():
        names = [a.name for a in Org.objects.get_ancestors(org)] + [org.name]
        assert org.path_text == " ".join(fold(name) for name in names), org.code


def test_a_unit_is_found_by_its_name_and_its_parents_names_without_accents(hiep_yen):
    assert paths("chi bo cong an hiep yen") == [
        "Chi bộ Công an — Đảng ủy xã Hiệp Yên — Đảng bộ tỉnh Ninh Bình"
    ]
    assert paths("CHI BỘ CÔNG AN   Hiệp Yên") == paths("chi bo cong an hiep yen")
    assert paths("cong an an phu") == ["Chi bộ Công an — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình"]
    assert paths("cong an ninh binh") == [  # the same name: in the order they were founded
        "Chi bộ Công an — Đảng ủy xã Hiệp Yên — Đảng bộ tỉnh Ninh Bình",
        "Chi bộ Công an — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình",
    ]


def test_every_word_must_begin_a_word_of_the_name_or_of_an_ancestors_name(hiep_yen):
    assert paths("chi bo cong an hiep yen dong tien") == []  # Đông Tiến is no ancestor of either
    assert paths("cong an iep") == []  # words are matched from their start
    assert paths("cong an TU") == []  # the province's code is not its name


def test_units_named_with_the_words_come_before_units_found_through_their_path(hiep_yen):
    assert paths("hiep yen") == [
        "Chi bộ thôn Hiệp Yên Thượng — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình",
        "Đảng ủy xã Hiệp Yên — Đảng bộ tỉnh Ninh Bình",
        "Chi bộ Công an — Đảng ủy xã Hiệp Yên — Đảng bộ tỉnh Ninh Bình",
    ]
    assert paths("hiep yen", limit=2) == paths("hiep yen")[:2]


def test_the_api_and_the_pickers_search_the_path_too(hiep_yen, people):
    client = Client()
    client.force_login(people.nobody)
    found = client.get("/api/v1/orgs/directory", {"q": "chi bo cong an hiep yen"}).json()
    assert [(unit["code"], unit["path"]) for unit in found] == [
        ("HY-CA", "Chi bộ Công an — Đảng ủy xã Hiệp Yên — Đảng bộ tỉnh Ninh Bình")
    ]
    client.force_login(people.province)  # Ban Tổ chức of the province
    picked = client.get(
        "/api/v1/orgs/picker", {"perm": "members.manage", "q": "cong an hiep", "accepts_members": "true"}
    ).json()
    assert [unit["code"] for unit in picked] == ["HY-CA"]
    client.force_login(people.secretary)  # bí thư of Chi bộ thôn 1 only
    assert client.get("/api/v1/orgs/picker", {"perm": "members.manage", "q": "cong an hiep"}).json() == []


def test_a_form_accepts_a_name_with_its_parents_typed_without_the_picker(hiep_yen):
    from dangvu.orgs.fields import UnitField

    field = UnitField()
    assert field.clean("cong an hiep yen") == hiep_yen
    assert field.clean("Chi bộ thôn 1") == Org.objects.get(code="A1")  # its own name alone still suffices


def test_the_path_text_follows_a_rename_of_an_ancestor(hiep_yen, admin_user):
    org_rename(actor=admin_user, org=Org.objects.get(code="HY"), name="Đảng ủy xã Hiệp Hòa", effective_on=D)
    assert paths("cong an hiep hoa") == ["Chi bộ Công an — Đảng ủy xã Hiệp Hòa — Đảng bộ tỉnh Ninh Bình"]
    assert paths("cong an hiep yen") == []
    org_rename(actor=admin_user, org=Org.objects.get(code="TU"), name="Đảng bộ tỉnh Hoa Lư", effective_on=D)
    assert [c.code for c in directory.directory("cong an hoa lu")] == ["HY-CA", "XA-CA"]
    assert_path_texts_exact()


def test_the_path_text_follows_moves_merges_and_splits(hiep_yen, tree, admin_user):
    org_move(actor=admin_user, org=hiep_yen, new_parent=Org.objects.get(code="XB"), effective_on=D)
    assert paths("cong an dong tien") == [
        "Chi bộ Công an — Đảng ủy phường Đông Tiến — Đảng bộ tỉnh Ninh Bình"
    ]
    assert_path_texts_exact()

    org_merge(
        actor=admin_user,
        sources=[Org.objects.get(code="XA")],
        target=Org.objects.get(code="HY"),
        effective_on=D,
    )
    assert [c.code for c in directory.directory("thon 1 hiep yen")] == ["A1"]
    assert directory.directory("thon 1 an phu") == []  # An Phú has ended; A1 is no longer below it
    assert_path_texts_exact()

    org_split(
        actor=admin_user,
        source=Org.objects.get(code="HY"),
        effective_on=D,
        parts=[
            {"name": "Đảng ủy xã Hiệp Yên Bắc", "code": "HYB", "children": [Org.objects.get(code="A1").pk]},
            {"name": "Đảng ủy xã Hiệp Yên Nam", "code": "HYN", "children": [Org.objects.get(code="A2").pk]},
        ],
    )
    assert [c.code for c in directory.directory("thon 1 hiep yen bac")] == ["A1"]
    assert [c.code for c in directory.directory("thon 2 hiep yen nam")] == ["A2"]
    assert_path_texts_exact()


def test_the_migration_fills_the_path_text_of_existing_units(hiep_yen):
    Org.objects.update(path_text="")
    migration = importlib.import_module("dangvu.orgs.migrations.0004_org_path_text_search")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert_path_texts_exact()
