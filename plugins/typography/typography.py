"""Typogrify for Vietnamese, without markup in titles.

Pelican's own ``TYPOGRIFY = True`` runs every typogrify filter on the body,
the title and the summary. Two things go wrong for a Vietnamese portal:

- titles become HTML (``<span class="dquo">&#8220;</span>…``), which leaks
  into ``<title>``, ``<meta>`` and feeds, and a title written with ``<`` is
  trusted as markup;
- typogrify's ``caps`` filter only knows A–Z, so "UBND" is wrapped in
  ``<span class="caps">`` and "HĐND" is not.

So the portal sets ``TYPOGRIFY = False`` and this plugin applies typogrify
itself (the library does the work; only the wiring is ours):

- body and summary: every typogrify filter but ``caps``, so all Vietnamese
  acronyms are treated alike; ``TYPOGRIFY_IGNORE_TAGS`` is honoured.
- title and ``ImageCaption``: plain text with typographic quotes and dashes (smartypants, turned
  into Unicode characters), escaped once into ``Markup``. Templates can print
  ``{{ article.title }}`` safely, ``|striptags`` gives plain text for
  attributes, and Pelican's feed writer (``Markup(title).striptags()``) gets
  the text back unchanged, ``<`` and ``&`` included.

The body work happens in the reading stage: the Markdown reader is wrapped (a
subclass made at the ``readers_init`` signal) so what a reader returns is
already typeset. A content cache that stores reader output (Pelican's
``CACHE_CONTENT`` or the ``buildspeed`` plugin) therefore holds typeset HTML,
and an unchanged article is not typeset again on the next build. Content
from other readers is typeset at ``content_object_init`` as before.

Settings: ``PORTAL_TYPOGRIFY`` (default ``True``) turns the body work off.

Speed: smartypants calls ``convert_quotes`` on every run of text between
tags, and it runs 14 regular expressions there, each of which needs a
straight quote (``'`` or ``"``) to match anything. Most runs of Vietnamese
text have none, so ``_quotes_only_where_present`` skips the call for them:
the result is the same string, and typesetting costs ~40% less (0.96 s →
0.56 s for 600 bench articles; a cold 20,000-article build typesets ~35,000
bodies and summaries). It replaces ``smartypants.convert_quotes`` for the
process, which smartypants looks up at each call; ``test_typography.py``
compares it with the original on quotes in every position the expressions
handle.
"""

from __future__ import annotations

import html

import smartypants
from markupsafe import Markup
from pelican import contents, signals
from pelican.readers import MarkdownReader
from typogrify.filters import typogrify

_SMARTY_ATTRS = smartypants.Attr.set1 | smartypants.Attr.w


def _quotes_only_where_present(convert_quotes):
    """``convert_quotes``, not called on text with no straight quote: every
    expression it applies has a literal ``'`` or ``"`` in it (smartypants
    2.0.2), so on such text it returns the text unchanged."""
    if getattr(convert_quotes, "_portal_guarded", False):
        return convert_quotes

    def guarded(text):
        if "'" in text or '"' in text:
            return convert_quotes(text)
        return text

    guarded._portal_guarded = True
    guarded.original = convert_quotes
    return guarded


smartypants.convert_quotes = _quotes_only_where_present(smartypants.convert_quotes)


def plain_title(raw: str) -> Markup:
    """Typographic plain-text title, escaped for HTML."""
    text = html.unescape(str(raw)) if isinstance(raw, Markup) else str(raw)
    # smartypants skips text inside tags, so protect '<' and '>' first.
    protected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    smart = html.unescape(smartypants.smartypants(protected, _SMARTY_ATTRS))
    return Markup.escape(" ".join(smart.split()))


def typeset_html(fragment: str, ignore_tags=None) -> str:
    return typogrify(fragment, ignore_tags or [], caps=False)


def typeset_metadata(metadata: dict, content: str, settings) -> str:
    """Typeset a reader's output in place; return the typeset body."""
    # The title is left to content_object_init: Pelican makes the slug from
    # it in between, and must see the text as written.
    if metadata.get("imagecaption"):
        metadata["imagecaption"] = plain_title(metadata["imagecaption"])
    if settings.get("PORTAL_TYPOGRIFY", True):
        ignore = settings.get("TYPOGRIFY_IGNORE_TAGS", [])
        if content:
            content = typeset_html(content, ignore)
        if metadata.get("summary"):
            metadata["summary"] = typeset_html(metadata["summary"], ignore)
    # Becomes the attribute ``_typeset``: content_object_init leaves it alone.
    metadata["_typeset"] = True
    if isinstance(metadata.get("title"), str):
        # The typeset title, made here so that it is cached with the rest of the
        # reader's output (smartypants on 20,000 titles is ~1 s a build);
        # content_object_init uses it if the title is still this text.
        metadata["_plain_title"] = (str(metadata["title"]), plain_title(metadata["title"]))
    return content


class _TypesetReaderMixin:
    """Typesets what the wrapped reader returns."""

    def read(self, source_path):
        content, metadata = super().read(source_path)
        return typeset_metadata(metadata, content, self.settings), metadata


def wrap_readers(readers):
    for ext, cls in list(readers.reader_classes.items()):
        if cls is not None and issubclass(cls, MarkdownReader) and not issubclass(cls, _TypesetReaderMixin):
            readers.reader_classes[ext] = type(cls.__name__, (_TypesetReaderMixin, cls), {})


def process(instance):
    if not isinstance(instance, contents.Content) or getattr(instance, "_title_typeset", False):
        return
    settings = instance.settings
    if "title" in instance.metadata or hasattr(instance, "title"):
        title = getattr(instance, "title", "")
        ready = getattr(instance, "_plain_title", None)
        if ready is not None and type(title) is str and ready[0] == title:
            instance.title = ready[1]
        else:
            instance.title = plain_title(title)
    instance._title_typeset = True
    if getattr(instance, "_typeset", False):
        return  # the reader did the rest
    # Content that did not come through a wrapped Markdown reader.
    instance._content = typeset_metadata(instance.metadata, instance._content, settings)
    if instance.metadata.get("summary"):
        instance._summary = instance.metadata["summary"]
    instance._typeset = True


def register():
    signals.readers_init.connect(wrap_readers)
    signals.content_object_init.connect(process)
