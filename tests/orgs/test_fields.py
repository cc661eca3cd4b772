"""The unit fields behind the picker: what the server accepts with or without JavaScript."""

from __future__ import annotations

import json
import re

import pytest
from django import forms

from dangvu.orgs.fields import UnitField, UnitInput, UnitListField
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create
from tests.conftest import org_type

pytestmark = pytest.mark.django_db


class OneUnit(forms.Form):
    org = UnitField(source="members.manage", accepts_members=True)


class Units(forms.Form):
    orgs = UnitListField(required=False)


def _attribute(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match is not None, name
    return match.group(1).replace("&quot;", '"').replace("&amp;", "&")


def test_a_unit_is_found_by_code_id_or_a_name_that_matches_one_unit(tree):
    assert OneUnit({"org": "A2"}).is_valid()
    form = OneUnit({"org": str(tree.a2.pk)})
    assert form.is_valid()
    assert form.cleaned_data["org"] == tree.a2
    by_name = OneUnit({"org": "thon 2"})  # typed without accents and without the picker
    assert by_name.is_valid()
    assert by_name.cleaned_data["org"] == tree.a2


def test_a_name_that_matches_several_units_or_none_is_refused_with_a_message(tree):
    several = OneUnit({"org": "chi bo thon"})
    assert not several.is_valid()
    assert several.errors["org"] == [
        "Có nhiều đơn vị khớp với “chi bo thon”: hãy chọn trong danh sách hoặc nhập mã đơn vị."
    ]
    none = OneUnit({"org": "Z9"})
    assert not none.is_valid()
    assert none.errors["org"] == ["Không tìm thấy đơn vị “Z9”."]


def test_a_unit_outside_the_fields_queryset_is_not_found(tree):
    form = OneUnit({"org": "B1"})
    form.fields["org"].queryset = Org.objects.filter(path__startswith=tree.xa.path)
    assert not form.is_valid()
    assert form.errors["org"] == ["Không tìm thấy đơn vị “B1”."]
    form = OneUnit({"org": "khu pho 1"})
    form.fields["org"].queryset = Org.objects.filter(path__startswith=tree.xa.path)
    assert not form.is_valid()


def test_a_list_of_units_keeps_the_order_drops_repeats_and_names_every_unknown_code(tree):
    form = Units({"orgs": "A2, A1,A2"})
    assert form.is_valid()
    assert form.cleaned_data["orgs"] == [tree.a2, tree.a1]
    bad = Units({"orgs": "A1, Q1, Q2"})
    assert not bad.is_valid()
    assert bad.errors["orgs"] == ["Không tìm thấy các đơn vị: Q1, Q2."]
    empty = Units({"orgs": ""})
    assert empty.is_valid()
    assert empty.cleaned_data["orgs"] == []
    too_many = Units({"orgs": ",".join(f"C{i}" for i in range(101))})
    assert not too_many.is_valid()
    assert too_many.errors["orgs"] == ["Chọn nhiều nhất 100 đơn vị."]


def test_the_input_tells_the_picker_where_to_search_and_what_is_chosen(tree):
    html = OneUnit(initial={"org": tree.a1}).as_p()
    assert _attribute(html, "data-unit-picker") == "members.manage"
    assert _attribute(html, "data-unit-url") == "/api/v1/orgs/picker?perm=members.manage&accepts_members=true"
    assert 'value="A1"' in html
    assert json.loads(_attribute(html, "data-unit-chosen")) == [
        {
            "code": "A1",
            "name": "Chi bộ thôn 1",
            "path": "Chi bộ thôn 1 — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình",
        }
    ]
    texts = json.loads(_attribute(html, "data-unit-texts"))
    assert texts["none"] == "Không tìm thấy đơn vị phù hợp."

    listing = Units(initial={"orgs": [tree.b1, tree.a2]}).as_p()
    assert _attribute(listing, "data-unit-url") == "/api/v1/orgs/directory"
    assert _attribute(listing, "data-unit-multiple") == "1"
    assert 'value="B1,A2"' in listing
    assert [u["code"] for u in json.loads(_attribute(listing, "data-unit-chosen"))] == ["B1", "A2"]


def test_a_model_forms_initial_id_shows_as_the_units_code(tree):
    html = UnitInput().render("org", tree.xb.pk)
    assert 'value="XB"' in html
    assert json.loads(_attribute(html, "data-unit-chosen"))[0]["path"] == (
        "Đảng ủy phường Đông Tiến — Đảng bộ tỉnh Ninh Bình"
    )


def test_typed_text_that_is_no_unit_is_shown_back_to_be_corrected(tree):
    form = Units({"orgs": "A1, khong co"})
    assert not form.is_valid()
    html = form.as_p()
    assert 'value="A1,khong co"' in html
    assert [u["code"] for u in json.loads(_attribute(html, "data-unit-chosen"))] == ["A1"]


def test_units_of_the_same_name_are_told_apart_by_their_path(tree, admin_user):
    twin = org_create(
        actor=admin_user, name="Chi bộ thôn 1", code="B2", org_type=org_type("chi-bo-co-so"), parent=tree.xb
    )
    html = Units(initial={"orgs": [tree.a1, twin]}).as_p()
    assert [u["path"] for u in json.loads(_attribute(html, "data-unit-chosen"))] == [
        "Chi bộ thôn 1 — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình",
        "Chi bộ thôn 1 — Đảng ủy phường Đông Tiến — Đảng bộ tỉnh Ninh Bình",
    ]
