"""The widgets rendered in Python give the HTML Django's templates give (whitespace between tags aside)."""

import re

from django import forms

from dangvu.core import widgets
from dangvu.members.forms import FilterForm
from dangvu.web.templatetags.dangvu import kit


def same(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


CHOICES = [
    ("", "Tất cả"),
    ("a", 'Chữ <b> & "ngoặc"'),
    ("Nhóm", [(1, "Một"), (2, "Hai")]),
]


def test_a_select_renders_as_django_renders_it():
    attrs = {"class": "form-select", "required": True, "disabled": False, "aria-describedby": "x_help"}
    for value in ("", "a", 2, None):
        ours = widgets.Select(choices=CHOICES).render("field", value, attrs)
        django = forms.Select(choices=CHOICES).render("field", value, attrs)
        assert same(ours) == same(django)
    assert '<option value="2" selected>Hai</option>' in widgets.Select(choices=CHOICES).render("f", 2)


def test_a_text_input_renders_as_django_renders_it():
    for value in ("", 'Nguyễn "Văn" <A>', None, 5):
        ours = widgets.TextInput().render(
            "q", value, {"id": "id_q", "class": "form-control", "required": True}
        )
        django = forms.TextInput().render(
            "q", value, {"id": "id_q", "class": "form-control", "required": True}
        )
        assert ours == django.strip()


def test_the_member_filters_keep_their_classes_and_choices():
    form = FilterForm({"q": 'hùng "x"', "status": "official", "sex": "female"})
    form.is_valid()
    assert kit(form["status"]).startswith('<select name="status" class="form-select" id="id_status">')
    assert '<option value="official" selected>Chính thức</option>' in kit(form["status"])
    assert '<option value="female" selected>Nữ</option>' in kit(form["sex"])
    assert (
        kit(form["q"])
        == '<input type="text" name="q" value="hùng &quot;x&quot;" class="form-control" id="id_q">'
    )
