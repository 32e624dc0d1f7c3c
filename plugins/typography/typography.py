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

Settings: ``PORTAL_TYPOGRIFY`` (default ``True``) turns the body work off.
"""

from __future__ import annotations

import html

import smartypants
from markupsafe import Markup
from pelican import contents, signals
from typogrify.filters import typogrify

_SMARTY_ATTRS = smartypants.Attr.set1 | smartypants.Attr.w


def plain_title(raw: str) -> Markup:
    """Typographic plain-text title, escaped for HTML."""
    text = html.unescape(str(raw)) if isinstance(raw, Markup) else str(raw)
    # smartypants skips text inside tags, so protect '<' and '>' first.
    protected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    smart = html.unescape(smartypants.smartypants(protected, _SMARTY_ATTRS))
    return Markup.escape(" ".join(smart.split()))


def typeset_html(fragment: str, ignore_tags=None) -> str:
    return typogrify(fragment, ignore_tags or [], caps=False)


def process(instance):
    if not isinstance(instance, contents.Content) or getattr(instance, "_typeset", False):
        return
    settings = instance.settings
    if "title" in instance.metadata or hasattr(instance, "title"):
        instance.title = plain_title(getattr(instance, "title", ""))
    if instance.metadata.get("imagecaption"):
        instance.metadata["imagecaption"] = plain_title(instance.metadata["imagecaption"])
    if settings.get("PORTAL_TYPOGRIFY", True):
        ignore = settings.get("TYPOGRIFY_IGNORE_TAGS", [])
        if instance._content:
            instance._content = typeset_html(instance._content, ignore)
        if instance.metadata.get("summary"):
            instance._summary = typeset_html(instance.metadata["summary"], ignore)
    instance._typeset = True


def register():
    signals.content_object_init.connect(process)
