"""Figures read the way each language writes them: "12.000" in Vietnamese, "12,000" in English, while
numbers used in links (ids) are never grouped."""

from django.template import Context, Template
from django.utils import translation

SOURCE = '{% load humanize %}{{ n|intcomma }}|{{ n|floatformat:"0g" }}|{{ n }}'


def test_grouped_figures_follow_the_language_and_ids_stay_plain():
    with translation.override("vi"):
        assert Template(SOURCE).render(Context({"n": 1234567})) == "1.234.567|1.234.567|1234567"
    with translation.override("en"):
        assert Template(SOURCE).render(Context({"n": 1234567})) == "1,234,567|1,234,567|1234567"
