"""Vietnamese text rules, in one place.

Every other plugin and the theme take Vietnamese dates, slugs, sort order and
diacritic folding from here, so the portal never depends on the OS locale
(machines often have no ``vi_VN`` locale, and ``strftime`` would then print
English).

Template filters added (``JINJA_FILTERS``):

- ``vi_date``: ``02/02/2023``
- ``vi_datetime``: ``02/02/2023 08:30``
- ``vi_weekday_date``: ``Thứ Năm, 02/02/2023``
- ``vi_month``: ``Tháng 2 năm 2023`` (a date or a ``(year, month)`` pair)
- ``vi_sort``: sort a list of strings or of objects with ``.name`` in
  Vietnamese order

Signal work: the article generator's categories, tags and authors are sorted
in Vietnamese alphabetical order (a ă â b c d đ e ê …, then tones), instead of
Pelican's code-point order that puts "Đ" after "z".

Why our own code: PyICU would give Unicode collation but needs the ICU C
library and a compiler on editors' machines; unidecode (used by Pelican's
slugify) loses the letter order. The Vietnamese rules are small and fixed.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

from pelican import signals

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# Vietnamese alphabet order of base letters; letters outside it (f, j, w, z,
# digits) sort by code point after their nearest neighbours via a fallback.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}

# Combining marks that make a new letter (kept in the primary key) ...
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "'"}
# ... and tone marks (secondary key), in dictionary order:
# ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_COMPOSE = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}


def _letters(text: str):
    """Yield (base_letter, tone, is_upper) for each letter of ``text``."""
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        upper = base.isupper()
        base = base.lower()
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif (base, mark) in _COMPOSE:
                base = _COMPOSE[(base, mark)]
        yield base, tone, upper


def collation_key(text: str) -> tuple:
    """Sort key for Vietnamese text: letters first, then tones, then case."""
    primary, secondary, tertiary = [], [], []
    for base, tone, upper in _letters(str(text)):
        rank = _RANK.get(base)
        # Non-alphabet characters: spaces first, then digits, then letters
        # outside the alphabet by code point, after every Vietnamese letter.
        if rank is None:
            rank = -1 if base.isspace() else (100 + ord(base) if not base.isdigit() else -0.5)
        primary.append(rank)
        secondary.append(tone)
        tertiary.append(1 if upper else 0)
    return (primary, secondary, tertiary)


def vi_sort(items, attribute: str | None = None):
    """Jinja filter: sort strings (or objects by ``attribute``/``name``)."""

    def key(item):
        if isinstance(item, str):
            return collation_key(item)
        if isinstance(item, tuple):  # (Category, articles) pairs
            item = item[0]
        value = getattr(item, attribute or "name", item)
        return collation_key(str(value))

    return sorted(items, key=key)


def fold(text: str) -> str:
    """Lower-case and remove every diacritic, including "đ" → "d".

    Used by search and by slugs. "Đảng bộ" → "dang bo".
    """
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower()


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str, separator: str = "-") -> str:
    """ASCII slug: "Đồng Nai" → "dong-nai".

    Signature matches Python-Markdown's ``toc`` ``slugify(value, separator)``
    option, whose default drops "đ" ("Đồng Nai" → "ong-nai").
    """
    return _NON_SLUG.sub(separator, fold(value)).strip(separator)


def _as_date(value):
    if isinstance(value, _dt.datetime | _dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")


# Formatted by hand, not with strftime: every page prints a dozen dates, and
# Pelican's SafeDatetime.strftime goes through a regex wrapper each time.
def vi_date(value) -> str:
    value = _as_date(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def vi_datetime(value) -> str:
    value = _as_date(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year} {value.hour:02d}:{value.minute:02d}"


def vi_weekday_date(value) -> str:
    value = _as_date(value)
    return f"{WEEKDAYS[value.weekday()]}, {vi_date(value)}"


def vi_month(value) -> str:
    if isinstance(value, tuple | list):
        year, month = value[0], value[1]
    else:
        year, month = _as_date(value).year, _as_date(value).month
    return f"Tháng {int(month)} năm {int(year)}"


FILTERS = {
    "vi_date": vi_date,
    "vi_datetime": vi_datetime,
    "vi_weekday_date": vi_weekday_date,
    "vi_month": vi_month,
    "vi_sort": vi_sort,
}


def add_filters(pelican):
    pelican.settings.setdefault("JINJA_FILTERS", {})
    for name, func in FILTERS.items():
        pelican.settings["JINJA_FILTERS"].setdefault(name, func)


def sort_taxonomies(generator):
    """Sort categories, tags and authors in Vietnamese order, in place.

    The context lists are what every template iterates; Pelican builds them
    as ``(Category, articles)`` pairs sorted by code point.
    """
    for name in ("categories", "tags", "authors"):
        pairs = generator.context.get(name)
        if isinstance(pairs, list):
            pairs.sort(key=lambda pair: collation_key(pair[0].name))


def register():
    signals.initialized.connect(add_filters)
    signals.article_generator_finalized.connect(sort_taxonomies)
