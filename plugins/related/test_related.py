"""Related news on real builds (the pelican command), read back from the HTML."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from related import labelled
from related.related import SEP, syllables, terms
from tests.content_index import read_meta
from tests.sitebuild import build, soup, write

SITEURL = "https://danvan.songlam.example"  # publishconf.py's default


def related_lists(out: Path) -> dict[str, list[str]]:
    """``{slug: [linked slugs]}`` for every article page written in ``out``."""
    lists = {}
    for path in sorted(out.rglob("*.html")):
        page = soup(path)
        if "article-page" not in (page.body.get("class") or []):
            continue
        section = page.select_one("section.related")
        links = section.select(".related__list a") if section else []
        lists[path.stem] = [a["href"].rsplit("/", 1)[-1].removesuffix(".html") for a in links]
    return lists


@contextmanager
def environment(**values):
    """Set environment variables for the pelican subprocesses, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --- Text units ------------------------------------------------------------------


def test_syllables_fold_case_and_keep_diacritics():
    tokens = syllables("Cơn BÃO số 3 và tờ Báo Sông Lam")
    assert "bão" in tokens and "báo" in tokens  # "storm" ≠ "newspaper"
    assert "sông" in tokens and "lam" in tokens
    assert "và" not in tokens  # stop word
    assert all(t == t.lower() for t in tokens)


def test_nfd_input_is_the_same_as_nfc():
    import unicodedata

    text = "Hỗ trợ người dân vùng lũ"
    assert syllables(unicodedata.normalize("NFD", text)) == syllables(text)


def test_pairs_stay_inside_a_phrase():
    counts = terms(syllables("Cứu trợ lũ lụt. Người dân của xã"))
    assert counts["cứu trợ"] == 1 and counts["lũ lụt"] == 1 and counts["người dân"] == 1
    assert counts["lụt người"] == 0  # a full stop ends the phrase
    assert counts["dân xã"] == 0  # a stop word ("của") too
    assert SEP not in counts


# --- The labelled corpus: five topics, random tags and categories --------------------


def build_labelled(tmp_path: Path, name: str, **settings) -> tuple[dict, dict]:
    content = tmp_path / f"{name}-content"
    labels = labelled.generate(content)
    out = tmp_path / f"{name}-out"
    build(content, out, "publishconf.py", settings=settings or None)
    return labels, related_lists(out)


@pytest.fixture(scope="module")
def labelled_builds(tmp_path_factory):
    """The same corpus built twice, under different string-hash seeds."""
    tmp = tmp_path_factory.mktemp("labelled")
    builds = []
    for seed in ("1", "2"):
        with environment(PYTHONHASHSEED=seed):
            builds.append(build_labelled(tmp, f"seed{seed}"))
    return tmp, builds


def test_tags_and_categories_do_not_tell_the_topics_apart(labelled_builds):
    """The corpus is fair: same-category or same-tag pairs are same-topic at about chance."""
    tmp, [(labels, _lists), _] = labelled_builds
    metas = {p.stem: read_meta(p) for p in (tmp / "seed1-content").rglob("*.md")}
    assert set(metas) == set(labels) and len(labels) == 60
    same_cat = [
        labels[a] == labels[b] for a in metas for b in metas if a < b and metas[a]["category"] == metas[b]["category"]
    ]
    assert sum(same_cat) / len(same_cat) < 0.35  # chance is 0.2 with five topics
    same_tag = [
        labels[a] == labels[b]
        for a in metas
        for b in metas
        if a < b and set(metas[a]["tags"].split(", ")) & set(metas[b]["tags"].split(", "))
    ]
    assert sum(same_tag) / len(same_tag) < 0.35


def test_related_links_stay_within_the_topic(labelled_builds):
    _tmp, [(labels, lists), _] = labelled_builds
    assert set(lists) == set(labels)
    shares = []
    for slug, related in lists.items():
        assert len(related) == 5, (slug, related)  # RELATED_COUNT
        assert slug not in related
        assert len(set(related)) == len(related)
        shares.append(sum(labels[r] == labels[slug] for r in related) / len(related))
    average = sum(shares) / len(shares)
    assert average >= 0.9, f"only {average:.0%} of related links are in the article's topic"


def test_two_builds_give_identical_lists(labelled_builds):
    _tmp, [(_labels, first), (_labels2, second)] = labelled_builds
    assert first == second
    assert sum(map(len, first.values())) == 300


def test_related_count_setting(tmp_path):
    labels, lists = build_labelled(tmp_path, "count", RELATED_COUNT=3)
    assert all(len(related) == 3 for related in lists.values())
    shares = [sum(labels[r] == labels[s] for r in rel) / 3 for s, rel in lists.items()]
    assert sum(shares) / len(shares) >= 0.9


# --- Pinned, drafts, future articles, ties ----------------------------------------------


def article(slug, date, text, extra=""):
    title = text.split(".")[0]
    return (
        f"Title: {title}\nSlug: {slug}\nDate: {date}\nCategory: Tin hoạt động\n"
        f"Tags: Dân vận khéo\n{extra}\n\n{text}\n"
    )


def flood_text(seed: int) -> str:
    rng = random.Random(seed)
    pool = labelled.TOPICS["lu-lut"]["sentences"]
    return " ".join(rng.sample(pool, 8))


def land_text(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.sample(labelled.TOPICS["dat-dai-doi-thoai"]["sentences"], 8))


@pytest.fixture(scope="module")
def special_site(tmp_path_factory):
    """Flood articles plus a pinned list, a draft, a future article and two twins."""
    tmp = tmp_path_factory.mktemp("special")
    content = tmp / "content"
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    twin = flood_text(99)
    files = {
        # Pins two land-dispute articles (not its topic) in a chosen order.
        "ghim": article("ghim", "2024-05-01 08:00", flood_text(0), "Related: dat-2, dat-1"),
        "ban-nhap": article("ban-nhap", "2024-05-02 08:00", flood_text(0), "Status: draft"),
        "tuong-lai": article("tuong-lai", f"{future} 08:00", flood_text(0)),
        # Identical twins: only the date differs.
        "sinh-doi-cu": article("sinh-doi-cu", "2024-01-01 08:00", twin),
        "sinh-doi-moi": article("sinh-doi-moi", "2024-02-01 08:00", twin),
        # Pins a draft and a future article: both are skipped with a warning.
        "ghim-nhap": article("ghim-nhap", "2024-03-01 08:00", flood_text(5), "Related: ban-nhap, tuong-lai"),
    }
    for i in range(1, 7):
        files[f"lu-{i}"] = article(f"lu-{i}", f"2023-0{i}-10 08:00", flood_text(i))
    for i in range(1, 4):
        files[f"dat-{i}"] = article(f"dat-{i}", f"2022-0{i}-10 08:00", land_text(i))
    for slug, text in files.items():
        write(content / f"{slug}.md", text)
    out = tmp / "out"
    with environment(COLUMNS="1000"):  # Pelican's rich log handler would wrap warnings
        proc = build(content, out, "publishconf.py")
    return related_lists(out), proc.stdout + proc.stderr, tmp


def test_pinned_come_first_in_the_given_order(special_site):
    lists, _log, _tmp = special_site
    assert lists["ghim"][:2] == ["dat-2", "dat-1"]
    assert len(lists["ghim"]) == 5
    rest = lists["ghim"][2:]
    assert all(slug.startswith(("lu-", "sinh-doi")) for slug in rest), rest  # then computed, same topic
    assert len(set(lists["ghim"])) == 5


def test_drafts_and_future_articles_are_never_listed(special_site):
    lists, log, _tmp = special_site
    # Neither is published: the draft (publishconf.py), nor the future article
    # (the editorial plugin keeps a future date out of listings like a draft).
    assert "tuong-lai" not in lists and "ban-nhap" not in lists
    for slug, related in lists.items():
        assert "ban-nhap" not in related and "tuong-lai" not in related, slug
        assert slug not in related
    # Pinned anyway: skipped, with a warning naming the file.
    assert "ban-nhap" not in lists["ghim-nhap"] and "tuong-lai" not in lists["ghim-nhap"]
    assert lists["ghim-nhap"]  # computed ones still fill the list
    assert 'ghim-nhap.md: Related: "ban-nhap" là bản nháp' in log
    assert ('ghim-nhap.md: Related: "tuong-lai" chưa đến ngày đăng' in log
            or 'ghim-nhap.md: Related: "tuong-lai" là bản nháp' in log)


def test_newer_article_first_on_equal_scores(special_site):
    lists, _log, _tmp = special_site
    for slug, related in lists.items():
        if slug.startswith("sinh-doi"):
            continue
        if "sinh-doi-cu" in related and "sinh-doi-moi" in related:
            assert related.index("sinh-doi-moi") < related.index("sinh-doi-cu"), (slug, related)
            break
    else:
        pytest.fail("no list holds both twins")
    # Each twin's best match is the other (identical text).
    assert lists["sinh-doi-cu"][0] == "sinh-doi-moi" and lists["sinh-doi-moi"][0] == "sinh-doi-cu"


def test_the_future_and_draft_articles_get_their_own_lists(special_site, tmp_path):
    """Draft previews (make html) show a list too; never the draft itself."""
    _lists, _log, tmp = special_site
    out = tmp_path / "dev"
    build(tmp / "content", out, "pelicanconf.py")
    lists = related_lists(out)
    assert lists["ban-nhap"] and "ban-nhap" not in lists["ban-nhap"]
    assert lists["tuong-lai"] and "tuong-lai" not in lists["tuong-lai"]
    assert all("ban-nhap" not in rel for slug, rel in lists.items())


def test_unknown_pinned_slug_fails_the_build_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # Pelican's rich log handler would wrap the line
    content = tmp_path / "content"
    write(content / "x.md", article("x", "2024-01-01 08:00", flood_text(1), "Related: lu-1, slug-x"))
    write(content / "lu-1.md", article("lu-1", "2024-01-02 08:00", flood_text(2)))
    proc = build(content, tmp_path / "out", "publishconf.py", check=False)
    assert proc.returncode != 0
    log = proc.stdout + proc.stderr
    message = f'{content / "x.md"}: Related: không có bài viết "slug-x" — kiểm tra lại slug | unknown slug'
    assert message in log, log[-2000:]
    assert '"lu-1"' not in log  # the good slug is not reported


def test_labelled_corpus_is_deterministic(tmp_path):
    """The generator itself: same seed, same files (so the tests above are stable)."""
    labels = labelled.generate(tmp_path / "a")
    labelled.generate(tmp_path / "b")
    texts = [sorted((p.name, p.read_text(encoding="utf-8")) for p in (tmp_path / d).rglob("*.md")) for d in "ab"]
    assert texts[0] == texts[1]
    assert Counter(labels.values()) == {topic: 12 for topic in labelled.TOPICS}



def test_scoring_in_parallel_processes_gives_the_same_lists():
    """rank() scores its parts in forked processes; any number of them gives
    the same lists (random signatures over a small vocabulary: many ties)."""
    from array import array
    from types import SimpleNamespace

    from related.related import DEFAULTS, rank

    rng = random.Random(7)
    docs = [SimpleNamespace(candidate=rng.random() > 0.05) for _ in range(2500)]
    sigs = []
    for _ in docs:
        ids = rng.sample(range(400), 12)
        sigs.append((array("i", ids), array("d", [round(rng.random(), 1) for _ in ids])))
    serial = rank(docs, sigs, {**DEFAULTS, "RELATED_WORKERS": 1})
    assert sum(map(len, serial)) > 2000 * 3  # most articles get a full list
    for workers in (2, 3):
        assert rank(docs, sigs, {**DEFAULTS, "RELATED_WORKERS": workers}) == serial
