"""Vietnamese text helpers: accent-insensitive matching and Vietnamese sort order.

``fold`` is the one normal form every search uses: lower case, no tone or vowel marks, đ → d,
whitespace collapsed. "Nguyễn Văn Đức", "nguyen van duc" and the decomposed (NFD) spelling all fold to
the same string. Models keep a folded copy of their searchable text in a ``search_text`` column so
that SQLite and PostgreSQL (trigram index) answer the same way.

``sort_key`` orders people the Vietnamese way: by given name, then middle name, then family name, in
the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), tone marks deciding
between words with the same letters (a à ả ã á ạ). The key is ASCII digits only, so it sorts
the same under any database collation.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Base letters in Vietnamese alphabetical order; f, j, w, z (foreign names) slot in as in Latin.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index + 10 for index, letter in enumerate(_ALPHABET)}  # two digits, 10..42
_DIGIT_RANK = {str(d): 50 + d for d in range(10)}
_OTHER_RANK = 99
_PART_SEPARATOR = "00"  # sorts before every letter, so "An" < "Anh"

# Tone marks as combining characters, in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a distinct letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def normalize_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


@functools.lru_cache(maxsize=1 << 16)  # the same cells come again and again: "Nam", "Kinh", "Chính thức"
def fold(value: str | None) -> str:
    """Lower-case, strip every diacritic, map đ/Đ to d and collapse spaces."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_spaces(stripped.lower())


def _letters(word: str) -> list[tuple[str, int]]:
    """Split a word into (base letter, tone) pairs, keeping ă â ê ô ơ ư đ as letters of their own."""
    result: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        tone = 0
        letter_marks = ""
        for mark in decomposed[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _LETTER_MARKS:
                letter_marks += mark
        letter = unicodedata.normalize("NFC", base + letter_marks) if letter_marks else base
        result.append((letter, tone))
    return result


@functools.lru_cache(maxsize=1 << 16)  # names reuse a small vocabulary; imports key 100,000s of them
def _word_key(word: str) -> tuple[str, str]:
    primary = []
    tones = []
    for letter, tone in _letters(word):
        rank = _LETTER_RANK.get(letter) or _DIGIT_RANK.get(letter) or _OTHER_RANK
        primary.append(f"{rank:02d}")
        tones.append(str(tone))
    return "".join(primary), "".join(tones)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name: first word, middle words, last word."""
    words = normalize_spaces(full_name).split(" ")
    if not words or words == [""]:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def _words_key(words: list[str]) -> str:
    # Each word: its letters, then its tones, so "Anh" < "Ánh" < "Ân" whatever follows.
    key = []
    for word in words:
        primary, tones = _word_key(word)
        key.append(primary + _PART_SEPARATOR + tones + _PART_SEPARATOR)
    return "".join(key)


def sort_key(full_name: str) -> str:
    """A digit string that orders full names by given, middle, family name, Vietnamese alphabet."""
    family, middle, given = split_name(full_name)
    return "".join(
        _words_key(part.split(" ") if part else []) + _PART_SEPARATOR for part in (given, middle, family)
    )


def text_sort_key(value: str) -> str:
    """Vietnamese alphabetical key for plain text (unit names, titles): word by word, no name reordering."""
    return _words_key([word for word in normalize_spaces(value).split(" ") if word])


def search_terms(query: str) -> list[str]:
    """The folded words of a search box entry, longest first (the most selective for an index)."""
    return sorted({word for word in fold(query).split(" ") if word}, key=len, reverse=True)
