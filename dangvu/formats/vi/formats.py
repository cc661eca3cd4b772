"""Vietnamese formats beside Django's own (Django reads each format from the first module that has
it): digits grouped by three where a template asks for grouping (``intcomma``,
``floatformat:"0g"``): "12.000" rather than "12000". Numbers elsewhere (ids in links) stay
ungrouped, since ``USE_THOUSAND_SEPARATOR`` is off."""

NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1  # Monday
