"""Version counters (dangvu.core.versions): read once a request, a bump seen at once, never reset to a
value data could have been stored under."""

from __future__ import annotations

from django.core.cache import cache

from dangvu.core.versions import bump_version, current_version, read_once

KEY = "dangvu:test:version"


def test_inside_a_request_a_version_is_read_from_the_cache_once():
    with read_once():
        first = current_version(KEY)
        cache.incr(KEY)  # another process's change, in the middle of the request
        assert current_version(KEY) == first
    assert current_version(KEY) == first + 1  # the next request sees it


def test_a_bump_made_by_the_request_itself_is_seen_at_once():
    with read_once():
        first = current_version(KEY)
        bump_version(KEY)
        assert current_version(KEY) == first + 1


def test_a_lost_counter_starts_again_above_any_value_it_had():
    first = current_version(KEY)
    for _ in range(3):
        bump_version(KEY)
    cache.delete(KEY)  # evicted, or the cache flushed
    assert current_version(KEY) > first + 3
