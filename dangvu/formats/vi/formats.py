"""Vietnamese formats: Django's, with digits grouped by three where a template asks for grouping
(``intcomma``, ``floatformat:"0g"``): "12.000" rather than "12000". Numbers elsewhere (ids in links)
stay ungrouped, since ``USE_THOUSAND_SEPARATOR`` is off."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1  # Monday
