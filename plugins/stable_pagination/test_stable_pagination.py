"""Stable pagination: page sizes and URLs, and pages that never change.

Unit tests on the paginator, then a tiny site built by the real pelican
command, rebuilt with one more article.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pelican import writers
from pelican.paginator import PaginationRule

import pelicanconf
from stable_pagination.stable_pagination import StablePaginator, install
from tests.sitebuild import build, soup, write

P = 12
SETTINGS = {
    "PAGINATION_PATTERNS": [PaginationRule(*rule) for rule in pelicanconf.PAGINATION_PATTERNS],
    "DEFAULT_ORPHANS": 0,
}


def paginate(count: int, per_page: int = P) -> StablePaginator:
    # Newest first, as Pelican lists articles: item k is the k-th oldest.
    items = list(range(count, 0, -1))
    return StablePaginator("dan-van-kheo/index.html", "dan-van-kheo/", items, SETTINGS, per_page)


def pages(paginator):
    return [paginator.page(k) for k in range(1, paginator.num_pages + 1)]


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, [0]),
        (1, [1]),
        (P - 1, [P - 1]),
        (P, [P]),
        (P + 1, [P + 1]),
        (2 * P - 1, [2 * P - 1]),
        (2 * P, [P, P]),
        (25, [13, 12]),
    ],
)
def test_page_sizes_and_urls(count, sizes):
    paginator = paginate(count)
    assert paginator.num_pages == max(1, count // P) == len(sizes)
    got = pages(paginator)
    assert [len(p.object_list) for p in got] == sizes
    # Together, in order, they are the whole list, newest first.
    assert [x for p in got for x in p.object_list] == list(range(count, 0, -1))
    first, *others = got
    assert first.number == 1 and first.stable_number is None
    assert (first.url, first.save_as) == ("dan-van-kheo/", "dan-van-kheo/index.html")
    n = paginator.num_pages
    for position, page in enumerate(others, start=2):
        s = n - position + 1  # counted from the oldest
        assert page.number == position
        assert page.stable_number == s
        assert page.url == f"dan-van-kheo/trang-{s}/"
        assert page.save_as == f"dan-van-kheo/trang-{s}/index.html"
        # trang-s holds the s-th oldest dozen: items (s-1)P+1 … sP.
        assert sorted(page.object_list) == list(range((s - 1) * P + 1, s * P + 1))
    # Navigation as Pelican's writer uses it: position 1 is the newest page.
    assert not first.has_previous() and first.has_next() == (n > 1)
    assert not got[-1].has_next()
    assert [(p.start_index(), p.end_index()) for p in got if p.object_list] == [
        (sum(sizes[:i]) + 1, sum(sizes[: i + 1])) for i in range(len(sizes)) if sizes[i]
    ]


def test_a_numbered_page_keeps_its_items_whatever_is_added():
    seen: dict[int, list] = {}
    for count in range(0, 5 * P + 1):
        for page in pages(paginate(count))[1:]:
            items = seen.setdefault(page.stable_number, page.object_list)
            assert page.object_list == items, (count, page.stable_number)
    assert sorted(seen) == [1, 2, 3, 4]


def test_no_pagination_when_per_page_is_off():
    paginator = StablePaginator("index.html", "", list(range(30)), SETTINGS, None)
    assert paginator.num_pages == 1
    assert len(paginator.page(1).object_list) == 30


class _Pelican:
    def __init__(self, **settings):
        self.settings = settings


def test_setting_turns_it_off():
    stock = writers.Paginator
    try:
        install(_Pelican(STABLE_PAGINATION=False))
        assert writers.Paginator is not StablePaginator
        install(_Pelican())
        assert writers.Paginator is StablePaginator
    finally:
        writers.Paginator = stock


# --- A built site ------------------------------------------------------------------
ARTICLE = """Title: Bài số {i}
Date: 2024-01-{day:02d} 08:00
Category: Dân vận khéo
Tags: nông thôn mới
Authors: Mỹ Nhiên
Summary: Tóm tắt bài số {i}.

Nội dung bài số {i} về phong trào thi đua ở xã Đông Hòa.
"""
# Three a page: 13 articles make a first page of 4 and trang-1 … trang-3.
SETTINGS_SMALL = {"DEFAULT_PAGINATION": 3, "SEARCH_INDEX": False}
LISTINGS = ["", "dan-van-kheo/", "tu-khoa/nong-thon-moi/", "tac-gia/my-nhien/"]


def add(content: Path, i: int):
    write(content / f"bai-{i:02d}.md", ARTICLE.format(i=i, day=i))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}


def numbered(files: dict) -> dict:
    return {k: v for k, v in files.items() if re.search(r"(^|/)trang-\d+/index\.html$", k)}


def titles_on(out: Path, path: str) -> list[str]:
    return [a.get_text() for a in soup(out / path).select(".card__title a")]


def test_one_new_article_changes_no_numbered_page(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    settings = {**SETTINGS_SMALL, "CACHE_PATH": str(tmp_path / "cache")}
    for i in range(1, 14):
        add(content, i)
    build(content, out, settings=settings)
    before = snapshot(out)
    for listing in LISTINGS:
        assert {f"{listing}trang-{s}/index.html" for s in (1, 2, 3)} <= before.keys(), listing
        assert f"{listing}trang-4/index.html" not in before
    # trang-1 holds the three oldest; the first page the four newest.
    assert titles_on(out, "dan-van-kheo/trang-1/index.html") == ["Bài số 3", "Bài số 2", "Bài số 1"]
    assert titles_on(out, "dan-van-kheo/index.html") == [f"Bài số {i}" for i in (13, 12, 11, 10)]
    page = soup(out / "dan-van-kheo/trang-2/index.html")
    assert page.title.get_text().startswith("Chuyên mục - Dân vận khéo – Trang 2 – ")
    assert page.select_one(".listing-range").get_text() == "Tin từ 04/01/2024 đến 06/01/2024"
    pager = {a.get_text(strip=True): a for a in page.select(".pagination a")}
    assert pager["‹ Mới hơn"]["rel"] == ["prev"] and pager["‹ Mới hơn"]["href"].endswith("/dan-van-kheo/trang-3/")
    assert pager["Cũ hơn ›"]["rel"] == ["next"] and pager["Cũ hơn ›"]["href"].endswith("/dan-van-kheo/trang-1/")
    assert pager["« Mới nhất"]["href"].endswith("/dan-van-kheo/")
    assert "Cũ nhất »" not in pager  # "Cũ hơn" is the oldest page already
    assert page.select_one(".pagination [aria-current]").get_text() == "Trang 2"
    html = "".join(v.decode() for v in before.values())
    assert not re.search(r"Trang \d+\s*/\s*\d+", html)  # no "page k of N"

    # One more (14): only first pages change; no numbered page does.
    add(content, 14)
    build(content, out, settings=settings)
    after = snapshot(out)
    assert numbered(after) == numbered(before)
    for listing in LISTINGS:
        assert after[f"{listing}index.html"] != before[f"{listing}index.html"], listing

    # One more (15): a new trang-4 takes the first page's oldest three; of the
    # numbered pages only trang-3 changes, and only its link to the newer page.
    add(content, 15)
    build(content, out, settings=settings)
    third = snapshot(out)
    for listing in LISTINGS:
        new = f"{listing}trang-4/index.html"
        assert new in third and new not in after
        assert titles_on(out, new) == ["Bài số 12", "Bài số 11", "Bài số 10"]
    changed = sorted(k for k in numbered(after) if third[k] != after[k])
    assert changed == sorted(f"{listing}trang-3/index.html" for listing in LISTINGS)
    old, now = (soup_bytes(x["dan-van-kheo/trang-3/index.html"]) for x in (after, third))
    for page in (old, now):
        page.select_one(".pagination").decompose()
    assert str(old) == str(now)


def soup_bytes(data: bytes):
    from bs4 import BeautifulSoup

    return BeautifulSoup(data.decode("utf-8"), "html.parser")


def test_turned_off_pelican_numbers_from_the_newest(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    for i in range(1, 8):
        add(content, i)
    build(content, out, settings={**SETTINGS_SMALL, "STABLE_PAGINATION": False,
                                  "CACHE_PATH": str(tmp_path / "cache")})
    assert titles_on(out, "dan-van-kheo/index.html") == ["Bài số 7", "Bài số 6", "Bài số 5"]
    assert titles_on(out, "dan-van-kheo/trang-2/index.html") == ["Bài số 4", "Bài số 3", "Bài số 2"]
    assert soup(out / "dan-van-kheo/trang-2/index.html").title.get_text().startswith(
        "Chuyên mục - Dân vận khéo – Trang 2 – ")
