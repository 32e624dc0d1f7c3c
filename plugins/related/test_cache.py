"""Related news with its term cache: the same lists as without it, and no stale terms."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

import related.related as rel
from buildspeed.forked import Forked
from related import cache, labelled
from related.test_related import related_lists
from tests.sitebuild import build


class Article:
    """What the plugin reads from a Pelican article."""

    def __init__(self, n: int, topic: str, rng: random.Random):
        pool = labelled.TOPICS[topic]
        self.slug = f"bai-{n:03d}"
        self.date = dt.datetime(2024, 1, 1, 8, 0) + dt.timedelta(days=n)
        self.title = rng.choice(pool["titles"]).format(place=rng.choice(labelled.PLACES))
        self.metadata = {"summary": rng.choice(pool["sentences"])}
        self._content = "<p>" + " ".join(rng.sample(pool["sentences"], 6) + rng.sample(labelled.SHARED, 3)) + "</p>"
        self.tags = [SimpleNamespace(slug=t) for t in rng.sample(["dan-van", "nong-thon-moi", "thanh-nien"], 2)]
        self.category = SimpleNamespace(slug=rng.choice(["tin-hoat-dong", "dan-van-kheo"]))
        self.source_path = f"/noi-dung/{self.slug}.md"
        self.relative_source_path = f"{self.slug}.md"
        self.status = "published"


def corpus(seed: int = 3) -> list[Article]:
    rng = random.Random(seed)
    return [Article(n, topic, rng) for n, topic in enumerate(list(labelled.TOPICS) * 8)]


def relate(articles, tmp_path: Path, **settings) -> dict[str, list[str]]:
    """Run the plugin on `articles` (cache in tmp_path/cache); ``{slug: [related slugs]}``.
    Ranked in this process unless asked (the counting fixtures count here)."""
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "PATH": str(tmp_path), "RELATED_BACKGROUND": False,
                **settings}
    generator = SimpleNamespace(settings=settings, articles=articles, drafts=[])
    rel.relate(generator)
    return {a.slug: [r.slug for r in a.related_news] for a in articles}


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Slugs of the articles whose text the plugin reads (tokenises)."""
    seen = []
    original = rel.article_terms

    def counting(article, settings):
        seen.append(article.slug)
        return original(article, settings)

    monkeypatch.setattr(rel, "article_terms", counting)
    return seen


def test_cached_lists_are_the_uncached_lists(tmp_path, reads):
    articles = corpus()
    plain = relate(articles, tmp_path, RELATED_CACHE=False)
    assert not (tmp_path / "cache").exists()
    assert all(plain.values())
    reads.clear()
    assert relate(articles, tmp_path) == plain  # fills the cache
    assert len(reads) == len(articles)
    reads.clear()
    assert relate(articles, tmp_path) == plain  # from the cache
    assert reads == []


def test_twins_share_a_row_and_rows_are_written_in_batches(tmp_path, reads, monkeypatch):
    monkeypatch.setattr(cache.TermStore, "WRITE_BATCH", 7)
    articles = corpus()
    twin = corpus()[5]
    twin.slug, twin.date, twin.source_path = "sinh-doi", twin.date + dt.timedelta(hours=1), "/noi-dung/sinh-doi.md"
    articles.append(twin)
    plain = relate(articles, tmp_path, RELATED_CACHE=False)
    assert relate(articles, tmp_path) == plain
    reads.clear()
    assert relate(articles, tmp_path) == plain
    assert reads == []
    [db] = (tmp_path / "cache").glob("related-*.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(articles) - 1,)


def test_an_edited_article_is_read_again_and_its_signature_changes(tmp_path, reads):
    articles = corpus()
    relate(articles, tmp_path)
    edited = articles[7]
    docs = [rel._Doc(a, "published", dt.datetime.now(dt.timezone.utc), dt.datetime.now()) for a in articles]
    settings = dict(rel.DEFAULTS)
    before = rel.signatures(docs, settings)[7]
    edited._content = edited._content.replace("<p>", "<p>Người dân phấn khởi đón nhận chủ trương mới. ", 1)
    reads.clear()
    cached = relate(articles, tmp_path)
    assert reads == [edited.slug]
    assert cached == relate(articles, tmp_path, RELATED_CACHE=False)
    assert rel.signatures(docs, settings)[7] != before


def test_the_key_is_what_the_reading_looks_at():
    settings = dict(rel.DEFAULTS)
    article = corpus()[0]
    article._content = "<p>" + "Bà con ra đồng gặt lúa. " * 400 + "</p>"
    key = rel.input_key(article, settings)
    article._content += "<p>Đoạn cuối, sau phần được đọc.</p>"
    assert rel.input_key(article, settings) == key  # past what plain_text reads
    changes = [
        lambda a: setattr(a, "title", a.title + " mới"),
        lambda a: a.metadata.update(summary="Tóm tắt khác."),
        lambda a: setattr(a, "_content", "<p>Mở đầu khác. " + a._content[3:]),
        lambda a: a.tags.append(SimpleNamespace(slug="moi")),
        lambda a: setattr(a, "category", SimpleNamespace(slug="khac")),
    ]
    for change in changes:
        other = corpus()[0]
        other._content = article._content
        assert rel.input_key(other, settings) == key
        change(other)
        assert rel.input_key(other, settings) != key


def test_ranking_settings_reuse_the_cache_reading_settings_do_not(tmp_path, reads):
    articles = corpus()
    relate(articles, tmp_path)
    for setting, value, read_again in (("RELATED_COUNT", 3, False), ("RELATED_TITLE_WEIGHT", 3, True)):
        plain = relate(articles, tmp_path, **{setting: value, "RELATED_CACHE": False})
        reads.clear()
        assert relate(articles, tmp_path, **{setting: value}) == plain
        assert len(reads) == (len(articles) if read_again else 0), setting  # a new fingerprint: read once
    assert len(list((tmp_path / "cache").glob("related-*.sqlite"))) == 2


def test_term_ids_say_which_terms_are_single_syllables():
    assert [cache.term_id(5, t) & 1 for t in ("lũ", "lũ lụt", "#dan-van", "@tin-hoat-dong")] == [1, 0, 0, 0]
    vocabulary = cache.Vocabulary()
    ids = vocabulary.resolve({"lũ": 1, "lũ lụt": 1})
    assert ids == {"lũ": 1, "lũ lụt": 2}


def test_two_builds_at_once_number_terms_the_same(tmp_path):
    settings = dict(rel.DEFAULTS)
    pelican = {"CACHE_PATH": str(tmp_path / "cache"), "PATH": str(tmp_path)}
    first, second = cache.TermStore.open(pelican, settings), cache.TermStore.open(pelican, settings)
    try:
        first.resolve({"lũ lụt": 1, "cứu trợ": 1})
        second.resolve({"cứu trợ": 1, "người dân": 1})
        assert second.ids["cứu trợ"] == first.ids["cứu trợ"]
        assert len({*first.ids.values(), *second.ids.values()}) == 3
    finally:
        first.close()
        second.close()


def test_rows_no_article_uses_are_dropped(tmp_path):
    articles = corpus()
    relate(articles, tmp_path)
    relate(articles[:-3], tmp_path)
    [db] = (tmp_path / "cache").glob("related-*.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(articles) - 3,)


def test_an_unusable_cache_only_costs_time(tmp_path, caplog):
    articles = corpus()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    generator = SimpleNamespace(settings={"CACHE_PATH": str(blocked), "PATH": str(tmp_path),
                                          "RELATED_BACKGROUND": False}, articles=articles, drafts=[])
    rel.relate(generator)
    assert "cache" in caplog.text
    assert {a.slug: [r.slug for r in a.related_news] for a in articles} == relate(articles, tmp_path,
                                                                                   RELATED_CACHE=False)


def test_a_build_with_an_edited_article_matches_an_uncached_build(tmp_path):
    """Real builds: the cache is filled, one article gets another topic's text."""
    content = tmp_path / "content"
    labels = labelled.generate(content)
    cached = {"CACHE_PATH": str(tmp_path / "cache")}
    build(content, tmp_path / "out-1", "publishconf.py", settings=cached)
    before = related_lists(tmp_path / "out-1")
    slug = next(s for s, topic in labels.items() if topic == "lu-lut")
    path = content / "bai-viet" / f"{slug}.md"
    head, _, _body = path.read_text(encoding="utf-8").partition("\n\n")
    land = " ".join(labelled.TOPICS["dat-dai-doi-thoai"]["sentences"][:8])
    path.write_text(f"{head}\n\n{land}\n", encoding="utf-8")
    build(content, tmp_path / "out-2", "publishconf.py", settings=cached)
    build(content, tmp_path / "out-3", "publishconf.py", settings={**cached, "RELATED_CACHE": False})
    after, plain = related_lists(tmp_path / "out-2"), related_lists(tmp_path / "out-3")
    assert after == plain
    assert after[slug] != before[slug]
    assert sum(labels[r] == "dat-dai-doi-thoai" for r in after[slug]) >= 3
    [db] = (tmp_path / "cache").glob("related-*.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(labels),)


def test_the_ranking_is_reused_only_for_the_same_inputs(tmp_path, monkeypatch):
    """Same article texts in the same order, same listable articles, same
    settings: the stored ranking, without scoring. Any of them changed: scored
    again, and the lists are those of a build without the cache."""
    ranks = []
    original = rel.rank

    def counting(docs, sigs, settings):
        ranks.append(len(docs))
        return original(docs, sigs, settings)

    monkeypatch.setattr(rel, "rank", counting)
    articles = corpus()
    first = relate(articles, tmp_path)
    assert len(ranks) == 1
    assert relate(articles, tmp_path) == first
    assert len(ranks) == 1  # taken from the cache

    def scored_again(**settings):
        before = len(ranks)
        cached = relate(articles, tmp_path, **settings)
        assert len(ranks) == before + 1
        assert cached == relate(articles, tmp_path, RELATED_CACHE=False, **settings)
        return cached

    articles[4].title += " về chuyển đổi số"  # one text
    scored_again()
    # The newest article scheduled: the same order, but it may no longer be listed.
    articles[-1].date = dt.datetime.now() + dt.timedelta(days=3)
    later = scored_again()
    assert all(articles[-1].slug not in lists for lists in later.values())
    scored_again(RELATED_MIN_SCORE=0.2)  # a ranking setting
    articles[2].metadata["related"] = "bai-030, bai-031"  # pinned: more candidates asked for
    pinned = scored_again()
    assert pinned[articles[2].slug][:2] == ["bai-030", "bai-031"]
    articles.pop(11)  # one article fewer
    scored_again()
    before = len(ranks)
    relate(articles, tmp_path, RELATED_WORKERS=1)  # how it runs is not what it gives
    assert len(ranks) == before
    # Nor where it runs: the stored ranking's key leaves both out.
    docs = [SimpleNamespace(candidate=True)] * 2
    key = dict(rel.DEFAULTS)
    assert rel.ranking_key(docs, [b"a", b"b"], {**key, "RELATED_BACKGROUND": False}, 5) == \
        rel.ranking_key(docs, [b"a", b"b"], {**key, "RELATED_BACKGROUND": True, "RELATED_WORKERS": 7}, 5)


# --- The ranking in a forked process (RELATED_BACKGROUND) -----------------------------------


def background(articles, tmp_path: Path) -> None:
    """Start the plugin with the ranking in a forked process; no list is read."""
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "PATH": str(tmp_path), "RELATED_BACKGROUND": True}
    rel.relate(SimpleNamespace(settings=settings, articles=articles, drafts=[]))


def lists(articles) -> dict[str, list[str]]:
    return {a.slug: [r.slug for r in a.related_news] for a in articles}


def test_the_first_read_waits_for_the_ranking_process(tmp_path):
    inline = relate(corpus(), tmp_path / "inline")
    articles = corpus()
    background(articles, tmp_path)
    assert rel._job["process"].pid != os.getpid()  # ranked elsewhere ...
    assert not any("related_news" in vars(a) for a in articles)
    assert lists(articles) == inline  # ... and read as if ranked here
    assert all("related_news" in vars(a) for a in articles)
    assert "related_news" not in vars(Article)  # the class is as it was


def test_a_fork_of_the_build_waits_for_the_lists_first(tmp_path):
    """The render workers and the search index are forks of the build: they
    must never be made before the lists are set (they could not wait)."""
    inline = relate(corpus(), tmp_path / "inline")
    articles = corpus()
    background(articles, tmp_path)
    child = Forked(lambda: (vars(articles[0]).get("related_news") is not None, lists(articles)))
    code, outcome = child.wait(logging.getLogger(__name__))
    assert code == 0 and outcome == (True, (True, inline))
    assert not rel._job and lists(articles) == inline


def test_a_fork_that_reads_no_list_does_not_wait(tmp_path):
    """The search index's process reads no list: it starts at once, and the
    lists are still set in the build."""
    inline = relate(corpus(), tmp_path / "inline")
    articles = corpus()
    background(articles, tmp_path)
    child = Forked(lambda: "related_news" in vars(articles[0]), wait_for_background=False)
    assert rel._job  # the build has not waited for the ranking
    code, outcome = child.wait(logging.getLogger(__name__))
    assert code == 0 and outcome == (True, False)  # nor has the child
    assert lists(articles) == inline and not rel._job


def test_finalized_takes_a_ranking_nobody_read(tmp_path):
    articles = corpus()
    background(articles, tmp_path)
    rel.finish(None)
    assert not rel._job and all("related_news" in vars(a) for a in articles)
    assert len(list((tmp_path / "cache").glob("related-*.sqlite"))) == 1  # written by the process


def test_a_failed_ranking_process_is_ranked_here(tmp_path, monkeypatch, caplog):
    inline = relate(corpus(), tmp_path / "inline")
    parent, original = os.getpid(), rel._ranking

    def dying(*args):
        if os.getpid() != parent:
            os._exit(3)
        return original(*args)

    monkeypatch.setattr(rel, "_ranking", dying)
    articles = corpus()
    with caplog.at_level(logging.WARNING, logger="related.related"):
        background(articles, tmp_path)
        assert lists(articles) == inline
    assert "the ranking process failed (exit status 3); ranking here instead" in caplog.text
