import datetime as dt

import pytest

from vietnamese import collation_key, fold, slugify, vi_date, vi_month, vi_weekday_date
from vietnamese.vietnamese import vi_sort


def test_alphabet_order():
    letters = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()
    shuffled = sorted(letters)  # code point order puts ă, â, đ, ê … after z
    assert shuffled != letters
    assert sorted(shuffled, key=collation_key) == letters


def test_tones_are_secondary_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    words = ["ba", "bà", "bả", "bã", "bá", "bạ"]
    assert sorted(reversed(words), key=collation_key) == words
    # letters decide before tones: "bác" < "bạn" because c < n
    assert sorted(["bạn", "bác"], key=collation_key) == ["bác", "bạn"]


def test_case_and_d_with_stroke():
    names = ["Đảng bộ", "dân vận", "Zalo", "an ninh", "Ánh sáng", "đoàn thể", "Dân tộc"]
    assert sorted(names, key=collation_key) == [
        "an ninh", "Ánh sáng", "Dân tộc", "dân vận", "Đảng bộ", "đoàn thể", "Zalo",
    ]


def test_vi_sort_filter_takes_pairs_and_objects():
    class Named:
        def __init__(self, name):
            self.name = name

    pairs = [(Named("Đoàn thể"), []), (Named("Dân vận"), [])]
    assert [p[0].name for p in vi_sort(pairs)] == ["Dân vận", "Đoàn thể"]


@pytest.mark.parametrize(
    "text, folded",
    [("Đảng bộ", "dang bo"), ("Dân vận khéo", "dan van kheo"), ("HĐND", "hdnd"), ("Ưu tiên", "uu tien")],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Đồng Nai", "dong-nai"),
        ("Đổi mới phương thức", "doi-moi-phuong-thuc"),
        ("HĐND & UBND tỉnh: “Dân vận khéo”", "hdnd-ubnd-tinh-dan-van-kheo"),
        ("  -- ", ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug
    assert slugify(text).isascii()


def test_markdown_toc_uses_our_slugify():
    import markdown

    html = markdown.markdown("## Đồng Nai", extensions=["toc"], extension_configs={"toc": {"slugify": slugify}})
    assert 'id="dong-nai"' in html


def test_dates_do_not_depend_on_locale():
    thursday = dt.datetime(2023, 2, 2, 8, 30)
    assert vi_weekday_date(thursday) == "Thứ Năm, 02/02/2023"
    assert vi_weekday_date(dt.date(2024, 7, 21)) == "Chủ Nhật, 21/07/2024"
    assert vi_date(dt.date(2020, 6, 3)) == "03/06/2020"
    assert vi_month(thursday) == "Tháng 2 năm 2023"
    assert vi_month((2023, 12)) == "Tháng 12 năm 2023"
