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

Speed: smartypants runs its passes on every run of text between tags, each
a few regular expressions, and each expression of a pass needs a character
sequence to match anything (``NEEDED``): a straight quote for
``convert_quotes`` (14 expressions), a backslash for ``process_escapes``,
two hyphens, an ellipsis, two backticks or two single quotes for the
others. Most runs of Vietnamese text have none of them, so
``_only_where_present`` skips the pass for those: the result is the same
string, and typesetting costs about half (600 bench articles: 0.96 s before,
0.56 s with the quote pass skipped, ~0.5 s with all of them; a cold
20,000-article build typesets ~35,000 bodies and summaries). It replaces
those smartypants functions for the process (smartypants looks them up at
each call); ``test_typography.py`` compares each with the original on texts
with and without what it needs.
"""

from __future__ import annotations

import html

import smartypants
from markupsafe import Markup
from pelican import contents, signals
from pelican.readers import MarkdownReader
from typogrify.filters import typogrify

_SMARTY_ATTRS = smartypants.Attr.set1 | smartypants.Attr.w


# smartypants 2.0.2's passes, and what each of their expressions needs in
# the text to match (a literal part of every one of them).
NEEDED = {
    "convert_quotes": ("'", '"'),
    "process_escapes": ("\\",),
    "convert_dashes": ("--",),
    "convert_ellipses": ("...", ". . ."),
    "convert_backticks": ("``", "''"),
}


def _only_where_present(function, needed: tuple[str, ...]):
    """`function`, not called on text holding none of `needed`: there it
    would return the text unchanged."""
    if getattr(function, "original", None) is not None:
        return function

    def guarded(text):
        for part in needed:
            if part in text:
                return function(text)
        return text

    guarded.original = function
    return guarded


for _name, _needed in NEEDED.items():
    setattr(smartypants, _name, _only_where_present(getattr(smartypants, _name), _needed))


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


def wrap_markdown_readers(readers, mixin) -> None:
    """readers_init: put `mixin` (its ``read`` calling ``super().read``) over
    every Markdown reader class of `readers`, once. Wrappers apply in
    ``PLUGINS`` order, the last one outermost; the portal plugin's
    reading-time count uses it too."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls is not None and issubclass(cls, MarkdownReader) and not issubclass(cls, mixin):
            readers.reader_classes[ext] = type(cls.__name__, (mixin, cls), {})


def wrap_readers(readers):
    wrap_markdown_readers(readers, _TypesetReaderMixin)


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
