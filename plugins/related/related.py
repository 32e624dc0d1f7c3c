"""Related news ("Các tin liên quan"): a ranked list under every article.

Adds to every article (published, hidden, draft, translations):

- ``related_news``: a list of articles, best first. The editor's pinned
  articles come first, in the order written (metadata
  ``Related: slug-a, slug-b``); then the published articles whose Vietnamese
  text, tags and category are most like this one's, up to ``RELATED_COUNT``.

It never lists the article itself, a draft, or an article dated in the
future at build time. Ties go to the newer article. Same content, same
settings → same lists (no set iteration and no string hashing in the
scoring order, so ``PYTHONHASHSEED`` does not matter).

A pinned slug that names no article is a build error naming the file::

    content/x.md: Related: không có bài viết "slug-x" — kiểm tra lại slug | unknown slug

(every such line is collected, then ``RelatedError`` is raised from the
signal handler: ``pelican`` logs it and exits with status 1, and
``pelican -r``/``make devserver`` logs it and keeps watching). A pinned
draft or future article is skipped with a warning: it will be listed once
it is published.

Settings (defaults):

- ``RELATED_COUNT`` (5): list length. Pinned articles all show, even past it.
- ``RELATED_TITLE_WEIGHT`` (2): the title is counted this many times (an
  integer), so its words weigh above the body's.
- ``RELATED_SYLLABLE_WEIGHT`` (0.5): a single syllable's weight relative to
  a syllable pair. A lone syllable is ambiguous ("số" in "chuyển đổi số",
  "số nhà"); a pair is close to a word. Halving single syllables also keeps
  a three-syllable place name in a title ("xã Đông Hòa") from outweighing
  the topic.
- ``RELATED_TAG_WEIGHT`` (2), ``RELATED_CATEGORY_WEIGHT`` (1): each tag and
  the category are one term each (``#tag-slug``, ``@category-slug``),
  counted this many times. IDF damps them as it damps words: a tag on
  every article adds nothing.
- ``RELATED_BODY_WORDS`` (200): syllables read from the summary and body.
  News is written lead first and the lead names the topic; a fixed amount
  keeps the cost per article fixed.
- ``RELATED_TERMS`` (32): terms kept per article (its signature).
- ``RELATED_MAX_POSTINGS`` (16): longest posting list (see below).
- ``RELATED_MIN_SCORE`` (0.05): cosine below which an article is not
  related enough to be listed (the list is then shorter).
- ``RELATED_CACHE`` (True): keep each article's term counts in
  ``CACHE_PATH`` between builds (``cache.py``), so a build reads only new
  and changed articles, and the last ranking, taken as it is when no
  article's text changed. The lists are the same with or without it.
- ``RELATED_WORKERS`` (2 on two or more cores): processes that score at
  once. ``RELATED_BACKGROUND`` (True): rank in a forked process while the
  build goes on; the lists are set before anything reads one (``_start``).
  Neither changes the lists.

How it scores: TF-IDF over syllables and syllable pairs, through an
inverted index.

1. Text: NFC, lower-case, diacritics kept ("bão" storm ≠ "báo" newspaper);
   numbers, punctuation and stop words (``STOPWORDS``: function syllables
   such as "của", "được", "những") break phrases. Vietnamese writes words as
   space-separated syllables and most words have two ("lũ lụt", "hợp tác
   xã"), so the terms are syllables plus adjacent pairs inside a phrase,
   which stand in for words without a word segmenter.
2. A term's weight in an article is ``(1 + ln count) × ln(N / df)`` (times
   ``RELATED_SYLLABLE_WEIGHT`` for a single syllable); a term in one article
   only can match nothing and is dropped. Each article keeps its
   ``RELATED_TERMS`` heaviest terms, L2-normalised: its signature.
3. Inverted index: term → published articles whose signature has it. A
   common term's list is cut to the ``RELATED_MAX_POSTINGS`` articles where
   it weighs most (newest on ties), so candidates come through shared rare
   terms and through the articles most about a common one.
4. Score of B for A: the dot product of their signatures (a cosine),
   summed along A's posting lists. Only articles sharing a term are ever
   touched; the work per article is at most ``RELATED_TERMS ×
   RELATED_MAX_POSTINGS`` additions, so the cost grows linearly with the
   number of articles, never as all pairs. Memory: the vocabulary, each
   article's term ids and counts as two compact arrays while reading
   (about 1.5 kB an article, freed as signatures are made), then
   ``RELATED_TERMS`` entries per article, and the cut posting lists as
   Python lists (at most 40 bytes per entry, ``RELATED_TERMS`` entries per
   article).

Cost per build: reading text into terms is most of a cold run and is
cached per article (``cache.py``: keyed by what the reading looks at, so an
edit anywhere before it — the file, the reader, another plugin — is seen);
document frequencies, signatures and scores depend on every article, so
they are computed from the cached terms, in the same order and with the
same floating-point operations as without the cache, at every build whose
articles' texts, order or listability changed; otherwise the ranking stored
by the last such build is taken (``ranking_key``, ``cache.py``). Python's
cycle collector is paused for the whole build by the buildspeed plugin
(``BUILDSPEED_PAUSE_GC``); this plugin makes no cycles, and the collector
would otherwise rescan the whole site's objects many times.

Why our own code: pelican-plugins' related-posts counts shared tags only
(sparse or inconsistent tagging gives poor lists); similar-posts runs
gensim TF-IDF over tags across all pairs and does not install on Python
3.13+ (NOTES.md). scikit-learn's TfidfVectorizer would bring NumPy/SciPy
for a few lines of counting, and its similarity is still all pairs. Word
segmenters (pyvi, underthesea) are CRF/neural models, too slow per build
and heavy to install; syllable pairs do the job here. No maintained
Vietnamese stop-word package exists on PyPI, so the short list is ours.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import heapq
import html
import logging
import math
import operator
import os
import pickle
import re
import sqlite3
import time
import unicodedata
from array import array
from collections import Counter

from markupsafe import Markup
from pelican import signals

from buildspeed import forked
from buildspeed.forked import Forked

from .cache import TermStore, Vocabulary

logger = logging.getLogger(__name__)

DEFAULTS = {
    "RELATED_COUNT": 5,
    "RELATED_TITLE_WEIGHT": 2,
    "RELATED_SYLLABLE_WEIGHT": 0.5,
    "RELATED_TAG_WEIGHT": 2,
    "RELATED_CATEGORY_WEIGHT": 1,
    "RELATED_BODY_WORDS": 200,
    "RELATED_TERMS": 32,
    "RELATED_MAX_POSTINGS": 16,
    "RELATED_MIN_SCORE": 0.05,
    # Processes that score at once (rank); the lists are the same for any number.
    "RELATED_WORKERS": min(2, os.cpu_count() or 1),
    # Rank in a forked process while the build goes on (``_start``); same lists.
    "RELATED_BACKGROUND": True,
}
_HOW = ("RELATED_WORKERS", "RELATED_BACKGROUND")  # how the lists are computed, not what they are

# Function syllables: conjunctions, prepositions, particles, pronouns,
# classifiers, time words. Content syllables stay: IDF weighs them.
STOPWORDS = frozenset(
    """
    à á ạ ai anh ấy bà bằng bị bởi các cái càng cả cho chiếc chưa chứ có
    còn cùng của cũng dù do đã đang đây để đến đều đi đó được gì hay hơn
    hết khi không là lại lên lúc mà mình mỗi một nào này nên nếu ngay nhau
    nhiều như nhưng những nơi nữa ông phải qua quá rằng rất rồi sau sẽ tại
    theo thì thế tôi trên trong trước từ từng và vào vẫn về vì với vừa
    xuống ở năm ngày tháng giờ hôm nay
    """.split()
)
# Not stop words, though frequent: they make words with their neighbours
# ("ra quân", "chỉ đạo", "đổi mới", "hành chính", "việc làm", "làm chủ").
SEP = "|"  # phrase break; also stands for every dropped token
_TAG = re.compile(r"<[^>]*>")
# Punctuation (ASCII and typographic) and digits end a phrase. An explicit
# class: twice as fast as [^\w\s] on Vietnamese text.
_BREAK = re.compile(r"[!-/:-@\[-`{-~0-9“”‘’–—…«»·•]+")
CHARS_PER_SYLLABLE = 6  # Vietnamese syllables average under 5 characters with the space


class RelatedError(Exception):
    """Pinned slugs that name no article; one line per problem."""


def syllables(text: str, limit: int | None = None) -> list[str]:
    """Lower-cased syllables with diacritics, ``SEP`` for breaks and stop words."""
    if limit is not None:
        text = text[: limit * CHARS_PER_SYLLABLE]
    text = unicodedata.normalize("NFC", text).lower()
    tokens = _BREAK.sub(" | ", text).split()
    if limit is not None:
        tokens = tokens[:limit]
    return [t if len(t) > 1 and t not in STOPWORDS else SEP for t in tokens]


def terms(tokens: list[str]) -> Counter:
    """Syllables and adjacent syllable pairs (within a phrase), counted."""
    pairs = [a + " " + b for a, b in zip(tokens, tokens[1:]) if a != SEP and b != SEP]
    counts = Counter(tokens + pairs)
    counts.pop(SEP, None)
    return counts


def plain_text(fragment: str, max_words: int | None = None) -> str:
    """Text of an HTML fragment; with ``max_words``, about that many words' worth."""
    if max_words is not None:
        cut = max_words * 2 * CHARS_PER_SYLLABLE  # room for markup
        if len(fragment) > cut:
            fragment = fragment[:cut]
            if fragment.rfind("<") > fragment.rfind(">"):
                fragment = fragment[: fragment.rfind("<")]
    return html.unescape(_TAG.sub(" ", fragment))


class _Doc:
    """What the scorer needs from an article; keeps the article for the result."""

    __slots__ = ("article", "slug", "date", "source", "kind", "future", "candidate")

    def __init__(self, article, kind: str, now_aware, now_naive):
        self.article = article
        self.slug = article.slug
        self.date = article.date
        self.source = article.source_path or article.relative_source_path or "?"
        self.kind = kind  # "published", "draft" or "other" (hidden, translation)
        self.future = article.date > (now_naive if article.date.tzinfo is None else now_aware)
        self.candidate = kind == "published" and not self.future


def article_terms(article, settings) -> Counter:
    """Term counts: title (× weight), summary and the body's lead, tags, category.

    One token list, counted once: the title repeated ``RELATED_TITLE_WEIGHT``
    times, then the text, then each tag and the category as tokens of their
    own (``#tag-slug``, ``@category-slug``); ``SEP`` between them so that no
    pair spans two parts.
    """
    title = syllables(Markup(str(getattr(article, "title", ""))).striptags())
    limit = settings["RELATED_BODY_WORDS"]
    summary = article.metadata.get("summary") or ""
    text = plain_text(str(summary)) + " . " + plain_text(article._content or "", limit)
    tokens = (title + [SEP]) * int(settings["RELATED_TITLE_WEIGHT"]) + syllables(text, limit)
    for tag in getattr(article, "tags", None) or []:
        tokens += [SEP, "#" + tag.slug] * int(settings["RELATED_TAG_WEIGHT"])
    category = getattr(article, "category", None)
    if category is not None:
        tokens += [SEP, "@" + category.slug] * int(settings["RELATED_CATEGORY_WEIGHT"])
    return terms(tokens)


def input_key(article, settings) -> bytes:
    """SHA-256 of everything ``article_terms`` reads: the cache key of its result."""
    cut = settings["RELATED_BODY_WORDS"] * 2 * CHARS_PER_SYLLABLE  # what plain_text may read
    parts = [str(getattr(article, "title", "")), str(article.metadata.get("summary") or ""),
             (article._content or "")[:cut]]
    parts += ["#" + tag.slug for tag in getattr(article, "tags", None) or []]
    category = getattr(article, "category", None)
    if category is not None:
        parts.append("@" + category.slug)
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def ranking_key(docs, keys, settings, count: int) -> bytes:
    """Digest of everything ``rank(docs, signatures(docs, …), …)`` depends on:
    each article's input key (what its terms are read from) in order, whether
    it may be listed, the number asked for, and the settings."""
    h = hashlib.sha256()
    h.update(repr(sorted((k, settings[k]) for k in DEFAULTS if k not in _HOW)).encode())
    h.update(f"|{count}|{len(docs)}|".encode())
    for doc, key in zip(docs, keys):
        h.update(key)
        h.update(b"1" if doc.candidate else b"0")
    return h.digest()


def signatures(docs, settings, store: TermStore | None = None, keys=None) -> list[tuple[array, array]]:
    """Each document's heaviest TF-IDF terms: (term ids, weights), L2-normalised.

    Each document's terms are two compact arrays (term ids, ``1 + ln
    count``), from `store` when the text it reads is unchanged, else read
    now (and stored); once document frequencies are known, each becomes a
    signature and is freed.
    """
    n = len(docs)
    if store and keys is None:
        keys = [input_key(doc.article, settings) for doc in docs]
    vocabulary = store if store else Vocabulary()
    ids_of = vocabulary.ids
    stored: list = [None] * n
    tf = [0.0]  # tf[c] = 1 + ln c, grown on demand
    # Articles with terms not numbered yet: the cache numbers them in batches
    # (one database transaction each), the plain vocabulary at once.
    pending: list[tuple[int, Counter]] = []
    batch = 256 if store else 1

    def settle(k: int, counts: Counter, ids: list[int]):
        top = max(counts.values(), default=0)
        while len(tf) <= top:
            tf.append(1.0 + math.log(len(tf)))
        stored[k] = ids, tfs = array("i", ids), array("f", map(tf.__getitem__, counts.values()))
        if store:
            store.add(keys[k], ids, tfs)

    def flush():
        unknown: dict[str, int] = {}
        for _k, counts in pending:
            unknown.update(counts)
        vocabulary.resolve(unknown)
        for k, counts in pending:
            settle(k, counts, list(map(ids_of.__getitem__, counts)))
        pending.clear()

    for k, doc in enumerate(docs):
        terms = store.take(keys[k]) if store else None
        if terms is not None:
            stored[k] = terms
            continue
        counts = article_terms(doc.article, settings)
        ids = list(map(ids_of.get, counts))
        if None in ids:
            pending.append((k, counts))
            if len(pending) == batch:
                flush()
        else:
            settle(k, counts, ids)
    if pending:
        flush()
    if store:
        store.save(keys)
    df: Counter = Counter()
    for ids, _tfs in stored:
        df.update(ids)

    single = settings["RELATED_SYLLABLE_WEIGHT"]
    # 0 for terms that cannot match (one article) or tell nothing (all)
    idf = [0.0] * (max(df, default=0) + 1)
    for i, d in df.items():
        if 1 < d < n:
            idf[i] = math.log(n / d) * (single if i & 1 else 1.0)
    del df

    keep = settings["RELATED_TERMS"]
    result = []
    for k, (ids, tfs) in enumerate(stored):
        weights = list(map(operator.mul, tfs, map(idf.__getitem__, ids)))
        # A stable sort: equal weights keep their order of appearance.
        order = [x for x in sorted(range(len(weights)), key=weights.__getitem__, reverse=True)[:keep] if weights[x] > 0.0]
        norm = math.sqrt(sum(weights[x] ** 2 for x in order)) or 1.0
        result.append((array("i", [ids[x] for x in order]), array("d", [weights[x] / norm for x in order])))
        stored[k] = None
    return result


def rank(docs, sigs, settings) -> list[list[int]]:
    """For each document, indexes of the most related candidates, best first.

    ``docs`` are in (date, path) order, so a larger index is newer.
    """
    cap = settings["RELATED_MAX_POSTINGS"]
    # term id -> (article indexes, weights), as compact arrays.
    postings: dict[int, tuple[array, array]] = {}
    for j, (doc, (ids, weights)) in enumerate(zip(docs, sigs)):
        if doc.candidate:
            for term, w in zip(ids, weights):
                entry = postings.get(term)
                if entry is None:
                    postings[term] = (array("i", [j]), array("d", [w]))
                else:
                    entry[0].append(j)
                    entry[1].append(w)
    # Cut to the articles where the term weighs most (newer on ties), as lists
    # of Python ints and floats: every list is read by each article having
    # the term, and reading an array makes a new object per number each
    # time (the lists' ints are shared, so they cost 40 bytes an entry).
    numbers = list(range(len(docs)))
    for term, (js, ws) in postings.items():
        if len(js) > cap:
            best = heapq.nlargest(cap, zip(ws, js))
            postings[term] = ([numbers[j] for _w, j in best], [w for w, _j in best])
        else:
            postings[term] = ([numbers[j] for j in js], ws.tolist())

    count = settings["RELATED_COUNT"]
    floor = settings["RELATED_MIN_SCORE"]
    empty = (), ()

    def score(start: int, stop: int) -> list[list[int]]:
        lists = []
        for i in range(start, stop):
            ids, weights = sigs[i]
            scores: dict[int, float] = {}
            get = scores.get
            for term, wa in zip(ids, weights):
                js, ws = postings.get(term, empty)
                for j, wb in zip(js, ws):
                    scores[j] = get(j, 0.0) + wa * wb
            scores.pop(i, None)
            # Highest score first; on equal scores the larger index (newer).
            best = heapq.nlargest(count, zip(scores.values(), scores.keys()))
            lists.append([j for s, j in best if s >= floor])
        return lists

    return _in_parts(score, len(sigs), settings.get("RELATED_WORKERS") or 1)


def _in_parts(score, n: int, workers: int) -> list[list[int]]:
    """``score(0, n)``, its parts computed at once in forked processes.

    Why not multiprocessing: the parts read the postings and signatures
    built just now (copy-on-write after a fork, nothing to pickle but the
    result, a few ints per article); a pool would pickle its function. Each
    part is a pure function of them, so the lists are the same in any
    number of parts; a part whose process fails is scored here instead.
    """
    if workers < 2 or n < 2000 or not hasattr(os, "fork"):
        return score(0, n)
    bounds = [(n * k // workers, n * (k + 1) // workers) for k in range(workers)]
    children = []
    for start, stop in bounds[1:]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: score its part, send it, leave without cleanup
            status = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    pickle.dump(score(start, stop), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        children.append((pid, read, start, stop))
    lists = score(*bounds[0])
    for pid, read, start, stop in children:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        try:
            part = pickle.loads(data) if status == 0 else None
        except (pickle.UnpicklingError, EOFError, ValueError):
            part = None
        if part is None or len(part) != stop - start:
            logger.warning("related: a worker process failed; scoring its articles here")
            part = score(start, stop)
        lists += part
    return lists


def _display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _pinned_slugs(article) -> list[str]:
    raw = article.metadata.get("related") or ""
    if isinstance(raw, list | tuple):
        raw = ",".join(str(x) for x in raw)
    seen, slugs = set(), []
    for slug in str(raw).split(","):
        slug = slug.strip()
        if slug and slug not in seen:
            seen.add(slug)
            slugs.append(slug)
    return slugs


def relate(generator):
    """``article_generator_finalized``: set ``related_news`` on every article
    (with ``RELATED_BACKGROUND``, once a forked process has ranked them: ``_start``)."""
    settings = {key: generator.settings.get(key, default) for key, default in DEFAULTS.items()}
    groups = {
        "published": generator.articles,
        "other": [
            *getattr(generator, "translations", []),
            *getattr(generator, "hidden_articles", []),
            *getattr(generator, "hidden_translations", []),
        ],
        "draft": [*getattr(generator, "drafts", []), *getattr(generator, "drafts_translations", [])],
    }
    now_aware, now_naive = _dt.datetime.now(_dt.timezone.utc), _dt.datetime.now()
    docs = [_Doc(article, kind, now_aware, now_naive) for kind, articles in groups.items() for article in articles]
    docs.sort(key=lambda d: (d.date, d.source))
    if not docs:
        return

    # Pinned slugs: resolve, collect every error, then fail once.
    by_slug: dict[str, int] = {}
    for i in sorted(range(len(docs)), key=lambda i: (docs[i].kind != "published", i)):
        by_slug.setdefault(docs[i].slug, i)  # a published article wins a shared slug
    errors = []
    pinned: list[list[int]] = []
    for i, doc in enumerate(docs):
        chosen = []
        for slug in _pinned_slugs(doc.article):
            j = by_slug.get(slug)
            where = _display_path(doc.source)
            if j is None:
                errors.append(f'{where}: Related: không có bài viết "{slug}" — kiểm tra lại slug | unknown slug')
            elif j == i:
                logger.warning("%s: Related: bài viết tự liên kết tới chính nó (%s) — bỏ qua | pinned itself", where, slug)
            elif docs[j].kind == "draft":
                logger.warning('%s: Related: "%s" là bản nháp — chưa hiện | pinned draft skipped', where, slug)
            elif docs[j].future:
                logger.warning('%s: Related: "%s" chưa đến ngày đăng — chưa hiện | pinned future article skipped', where, slug)
            else:
                chosen.append(j)  # published, hidden or a translation: its page exists
        pinned.append(chosen)
    if errors:
        raise RelatedError("\n".join(errors))

    asked = settings["RELATED_COUNT"] + max(map(len, pinned))
    join()  # a ranking still pending from a build that stopped before reading it

    def compute():
        return _ranking(docs, generator.settings, settings, asked)

    if settings["RELATED_BACKGROUND"] and hasattr(os, "register_at_fork"):
        _start(docs, pinned, settings["RELATED_COUNT"], compute)
    else:
        _apply(docs, pinned, settings["RELATED_COUNT"], compute())


def _ranking(docs, all_settings, settings, asked) -> list[list[int]]:
    """Each document's best candidates (indexes), from the cache when it has them."""
    started = time.perf_counter()
    store = TermStore.open(all_settings, settings)
    ranked = sigs = whole = None
    try:
        try:
            if store:
                keys = [input_key(doc.article, settings) for doc in docs]
                whole = ranking_key(docs, keys, settings, asked)
                ranked = store.ranked(whole)
                if ranked is not None and len(ranked) != len(docs):
                    ranked = None
                if ranked is None:
                    sigs = signatures(docs, settings, store, keys)
        except sqlite3.Error as err:
            logger.warning("related: cache %s unusable (%s); reading every article", store.path, err)
            ranked = whole = None
        if ranked is None:
            if sigs is None:  # no cache, or an unusable one
                sigs = signatures(docs, settings)
            ranked = rank(docs, sigs, {**settings, "RELATED_COUNT": asked})
            if whole is not None:
                store.keep_ranked(whole, ranked)
    finally:
        if store:
            store.close()
    if not store:
        how = "no cache"
    elif sigs is None:
        how = "the ranking from the cache: no article's text changed"
    else:
        how = f"{store.read} read, {len(docs) - store.read} from the cache"
    logger.info("related: %d articles in %.2f s (%s)", len(docs), time.perf_counter() - started, how)
    return ranked


def _apply(docs, pinned, count: int, ranked) -> None:
    for doc, chosen, best in zip(docs, pinned, ranked):
        fill = [j for j in best if j not in chosen][: max(0, count - len(chosen))]
        doc.article.related_news = [docs[j].article for j in chosen + fill]


# --- The ranking in a forked process ------------------------------------------------------
class _Pending:
    """``related_news`` on the articles' classes while the ranking is being
    computed in the background: the first read of any article's list waits
    for it (``join``), which sets every article's own list and removes this."""

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        join()
        try:
            return obj.__dict__["related_news"]
        except KeyError:
            raise AttributeError("related_news") from None


_PENDING = _Pending()
_NOTHING = object()
_job: dict = {}  # the ranking being computed in the background, while the build goes on
_registered: list = []  # the fork hook is installed once per process
_failed: list = []  # an error raised while waiting for it before a fork (raised at finalized)


def _start(docs, pinned, count: int, compute) -> None:
    """Compute the ranking in a forked process (``RELATED_BACKGROUND``).

    Why: after a new article (or an edit) at 20,000 articles, ranking took
    2.4 s of one core, and the build then spent 2.3 s on one core before
    anything read a list (the neighbours, the taxonomies, the static files,
    Pelican handing every page to the writer), with the second core idle.
    The lists are the same: the process runs the same code on a copy of the
    same documents, and only the indexes come back.

    No article's list is read before it is set: until then ``related_news``
    is a class attribute (``_Pending``) whose first read waits; and every
    fork of the build waits first (``os.register_at_fork``),
    so the writer's render workers, which are copies of the build, have the
    lists. Only a ``Forked(..., wait_for_background=False)`` does not wait:
    the search index, whose documents hold no list (a cold build at 20,000
    articles started it about 5 s earlier, waiting for the ranking with a
    core idle, and the index ends the build). ``finalized`` waits too, so
    the term cache is written before the build ends. If the process fails,
    the ranking is computed in the build, with a warning."""
    if not _registered:
        os.register_at_fork(before=_join_before_fork)
        _registered.append(True)
    process = Forked(compute)
    classes = {}
    for doc in docs:
        cls = type(doc.article)
        if cls not in classes:
            classes[cls] = cls.__dict__.get("related_news", _NOTHING)
            cls.related_news = _PENDING
    _job.update(owner=os.getpid(), process=process, docs=docs, pinned=pinned, count=count, compute=compute,
                classes=classes)


def join() -> None:
    """Wait for the ranking being computed in the background, if any, and set
    every article's ``related_news``. Only the process that started it waits."""
    if not _job or _job["owner"] != os.getpid():
        return
    job = dict(_job)
    _job.clear()
    for cls, previous in job["classes"].items():
        if previous is _NOTHING:
            del cls.related_news
        else:
            cls.related_news = previous
    code, outcome = job["process"].wait(logger)
    if code == 0 and outcome is not None and outcome[0]:
        ranked = outcome[1]
    else:
        reason = outcome[1] if outcome is not None and not outcome[0] else f"exit status {code}"
        logger.warning("related: the ranking process failed (%s); ranking here instead", reason)
        ranked = job["compute"]()
    _apply(job["docs"], job["pinned"], job["count"], ranked)


def _join_before_fork() -> None:
    if not forked.waits_for_background():
        return  # a process that reads no list (the search index)
    try:
        join()
    except Exception as exc:  # noqa: BLE001 - a fork hook cannot raise; finalized does
        logger.error("related: %s", exc)
        _failed.append(exc)


def finish(_pelican) -> None:
    """``finalized``: the ranking is taken even if no page read a list."""
    join()
    if _failed:
        raise _failed.pop()


def register():
    signals.article_generator_finalized.connect(relate)
    signals.finalized.connect(finish)
