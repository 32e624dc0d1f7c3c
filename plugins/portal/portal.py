"""Portal data: what the theme's widgets show, computed once per build.

Reads the content model (``Featured``, ``Image``, ``ImageCaption``,
``Source``) and the site's configured sections, and adds to the template
context:

- ``nav_categories``: ``(Category, articles)`` pairs in the order of
  ``PORTAL_CATEGORIES`` (the agency's sections), then any other category in
  Vietnamese order;
- ``nav_sections``: the same categories without their articles, and
  ``latest_count``, the length of ``latest_articles``: what every page's
  navigation and sidebar frame print. They stay the same when an article is
  added, so the buildspeed render skip need not render every page again
  (a page that reads ``nav_categories`` depends on every article in it);
- ``featured_articles``: articles marked ``Featured: true``, newest first
  (``PORTAL_FEATURED_COUNT``, default 5); the newest articles fill in when
  none is marked;
- ``latest_articles``: the newest articles (``PORTAL_LATEST_COUNT``,
  default 8), for "Tin mới đăng";
- ``home_sections``: ``(Category, newest articles)`` per section for the home
  page (``PORTAL_SECTION_COUNT``, default 4).

And to each article and page:

- ``is_featured`` (bool);
- ``has_summary`` (bool): the file gives a ``Summary``;
- ``json_ld`` (articles only): schema.org ``NewsArticle`` data;
- ``other_news`` (articles only): the articles of the same category
  published before this one, newest first, for "Các tin đã đưa"
  (``PORTAL_OTHER_NEWS_COUNT``, default 6); empty for the oldest. Earlier
  articles only, so that a new article changes no other article's list;
- ``cover``: ``{"url", "caption", "alt"}`` or ``None``, from ``Image`` (a path
  inside the content folder, e.g. ``images/le-ra-quan.jpg``) and
  ``ImageCaption``;
- ``source``: the ``Source`` text, stripped (or ``""``);
- ``reading_minutes``: reading time for Vietnamese text. Vietnamese words
  are written as space-separated syllables; adults read about 230
  syllables a minute (``PORTAL_READING_SPEED``), slower than the 250 English
  words a minute most calculators assume, and a syllable is not a word.
  The syllables of a Markdown body are counted where the reader's output is
  made (the Markdown reader is wrapped, as the typography plugin does), so
  a cache of reader output (the buildspeed plugin's) keeps the count too:
  counting 20,000 bodies took ~0.6 s of every build.

Templates only arrange these; no loops over all articles in a template.
"""

from __future__ import annotations

import math
import re

from markupsafe import Markup
from pelican import contents, signals

from typography.typography import wrap_markdown_readers
from vietnamese import collation_key

_TAGS = re.compile(r"<[^>]+>")
TRUE_WORDS = {"true", "yes", "1", "có", "co", "x"}


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE_WORDS


def syllable_count(html: str) -> int:
    return len(_TAGS.sub(" ", html or "").split())


class _CountingReaderMixin:
    """Adds ``_syllables``: (the body, its syllable count), to what the
    wrapped reader returns. ``enrich_content`` takes the count only for that
    very body (a plugin may have changed the body in between)."""

    def read(self, source_path):
        content, metadata = super().read(source_path)
        metadata["_syllables"] = (content, syllable_count(content))
        return content, metadata


def wrap_readers(readers):
    """readers_init: after the typography plugin's (PLUGINS order), so the
    count is of the typeset body, which is what the article shows."""
    wrap_markdown_readers(readers, _CountingReaderMixin)


def enrich_content(instance):
    if not isinstance(instance, contents.Content):
        return
    meta = instance.metadata
    instance.is_featured = _as_bool(meta.get("featured"))
    # Whether the editor wrote a summary (Pelican makes one from the text
    # otherwise): the article page prints it as a lead only then. A flag, so
    # the page does not read (and the render skip digest) all of `metadata`.
    instance.has_summary = bool(meta.get("summary"))
    instance.source = str(meta.get("source", "") or "").strip()
    speed = instance.settings.get("PORTAL_READING_SPEED", 230)
    # Taken out once read: it holds the body as the reader gave it, which a
    # plugin may have replaced since (media: figures), and need not outlive it.
    counted = instance.__dict__.pop("_syllables", None)
    meta.pop("_syllables", None)
    if counted is not None and counted[0] == instance._content:
        syllables = counted[1]
    else:
        syllables = syllable_count(instance._content)
    instance.reading_minutes = max(1, math.ceil(syllables / speed))
    image = str(meta.get("image", "") or "").strip()
    if image:
        for prefix in ("{static}", "{attach}", "/"):
            if image.startswith(prefix):
                image = image[len(prefix):].lstrip("/")
        # Markup already (typography plugin) or plain text: escape once.
        caption = Markup.escape(meta.get("imagecaption", "") or "").strip()
        instance.cover = {
            "url": image,
            "caption": caption,
            # A caption describes the photo; the title is the fallback.
            "alt": caption.striptags() or Markup(getattr(instance, "title", "")).striptags(),
        }
    else:
        instance.cover = None


def json_ld(article, settings) -> dict:
    """schema.org NewsArticle; the theme serialises it with |tojson."""
    siteurl = settings.get("SITEURL", "")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Markup(article.title).striptags(),
        "datePublished": article.date.isoformat(),
        "dateModified": getattr(article, "modified", article.date).isoformat(),
        "articleSection": article.category.name,
        "inLanguage": "vi",
        "mainEntityOfPage": f"{siteurl}/{article.url}",
        "author": [{"@type": "Person", "name": a.name} for a in getattr(article, "authors", [])],
        "publisher": {"@type": "GovernmentOrganization", "name": settings.get("SITENAME", "")},
    }
    if article.cover:
        data["image"] = f"{siteurl}/{article.cover['url']}"
    return data


def build_context(generator):
    settings = generator.settings
    context = generator.context
    articles = generator.articles  # newest first (NEWEST_FIRST_ARCHIVES)

    order = {name: i for i, name in enumerate(settings.get("PORTAL_CATEGORIES", []))}
    categories = list(context.get("categories", []))
    categories.sort(
        key=lambda pair: (order.get(pair[0].name, len(order)), collation_key(pair[0].name))
    )
    other_count = settings.get("PORTAL_OTHER_NEWS_COUNT", 6)
    for _category, items in categories:
        items.sort(key=lambda a: a.date, reverse=True)
        for i, article in enumerate(items):
            article.other_news = items[i + 1 : i + 1 + other_count]

    featured_count = settings.get("PORTAL_FEATURED_COUNT", 5)
    featured = [a for a in articles if a.is_featured][:featured_count]
    if not featured:
        featured = articles[:featured_count]

    # Every article that gets a page: listed, drafts (previews), hidden
    # (written, unlisted) and translations.
    for name in ("articles", "drafts", "hidden_articles", "translations", "drafts_translations",
                 "hidden_translations"):
        for article in getattr(generator, name, None) or []:
            article.json_ld = json_ld(article, settings)

    section_count = settings.get("PORTAL_SECTION_COUNT", 4)
    context["nav_categories"] = categories
    context["nav_sections"] = [category for category, _items in categories]
    context["featured_articles"] = featured
    context["latest_articles"] = articles[: settings.get("PORTAL_LATEST_COUNT", 8)]
    context["latest_count"] = len(context["latest_articles"])
    context["home_sections"] = [(cat, items[:section_count]) for cat, items in categories]


def register():
    signals.readers_init.connect(wrap_readers)
    signals.content_object_init.connect(enrich_content)
    signals.article_generator_finalized.connect(build_context)
