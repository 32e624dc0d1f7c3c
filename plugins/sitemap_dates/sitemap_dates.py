"""``lastmod`` in ``sitemap.xml`` from the content, never from the clock.

pelican-sitemap (``pelican.plugins.sitemap``) writes the sitemap; this plugin
only changes which date a page gets. Upstream, a page with no article or page
object (home, category, tag, author and archive pages, search) and a page
without a ``Date`` get ``lastmod`` = the time of the build, so the sitemap
changed on every build: every publish uploaded it again (~29,000 URLs at
20,000 articles) and told search engines that every listing had changed.

Here:

- a listing page gets the newest ``modified`` (else ``date``) among the
  articles it shows: its own page of a paginated listing
  (``articles_page``), else the list it is given (``articles``, ``dates``).
  With stable pagination (plugins/stable_pagination) a numbered page keeps
  its articles, so its ``lastmod`` stays put when new articles arrive;
- a page or listing with no dated article of its own (``Giới thiệu``, the
  search page) gets the newest date on the site: the last time its widgets
  (latest news) could have changed.

So a build with the same content makes the same sitemap, byte for byte, and
then leaves the file alone: upstream opens ``sitemap.xml`` with
``open(path, "w")`` at every build, which gave it a new mtime each time
(uploaded again, ~4 MB at 20,000 articles) and wrote through a hard link
into the live release (``tools/release.py`` had to unlink it first). Its
``open`` is given :class:`SitemapFile` instead: the text is kept in memory
and written only if it differs from the file's bytes, to a new file renamed
over the old one (``buildspeed.writer.write_if_changed``, as every page).

Upstream formats each date with two ``strftime`` calls (0.5 s of every
build at 20,000 articles); ``format_date`` here gives the same text with one
``isoformat``, and is put in its place.

It replaces upstream's ``content_written`` receiver with one that queues a
small stand-in (URL and date) for listing pages, and sets upstream's
fallback ``now`` to the site's newest date; the rest (exclusions, priorities,
change frequencies, the XML) is upstream's. Upstream's queue is a plain list
of ``(path, object)`` on the module's ``generator`` (pinned in
requirements.txt; a test builds a site and reads the sitemap).
"""

from __future__ import annotations

import io
import logging
import os
from urllib.request import pathname2url

from buildspeed.writer import write_if_changed
from pelican import signals

logger = logging.getLogger(__name__)


class Listing:
    """What upstream reads of a page object: its URL and its date."""

    __slots__ = ("url", "date")

    def __init__(self, url: str, date):
        self.url, self.date = url, date


def newest(items):
    """The newest ``modified`` or ``date`` among `items` (None if none has one)."""
    dates = [d for d in (getattr(i, "modified", None) or getattr(i, "date", None) for i in items) if d]
    return max(dates) if dates else None


def format_date(date, _upstream=None) -> str:
    """Upstream's ``format_date`` (``2024-03-02T08:02:00+07:00``), faster.

    Its text is ``isoformat(timespec="seconds")`` whenever the date has an
    offset of whole minutes; other dates (naive ones, offsets with seconds
    like the local mean time of dates before 1906) go to upstream's own code.
    """
    offset = date.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds:
        return (_upstream or _upstream_format_date)(date)
    return date.isoformat(timespec="seconds")


_upstream_format_date = None  # pelican-sitemap's, kept by register()


class SitemapFile(io.StringIO):
    """What upstream's ``open(filename, "w", encoding="utf-8")`` returns here:
    the text is written on ``close`` (the end of upstream's ``with`` block),
    and only if the file does not already hold those bytes."""

    def __init__(self, path, mode="r", encoding=None, **_kwargs):
        if mode != "w" or (encoding or "utf-8").lower().replace("-", "") != "utf8":
            raise ValueError(f"sitemap_dates: unexpected open({path!r}, {mode!r}, encoding={encoding!r})")
        super().__init__()
        self.path = os.fspath(path)

    def close(self):
        if not self.closed:
            write_if_changed(self.path, self.getvalue().encode("utf-8"))
        super().close()


class Dates:
    """Takes upstream's place on ``content_written`` and sets its fallback date."""

    def __init__(self, upstream):
        self.upstream = upstream  # pelican-sitemap's SitemapGenerator
        self.output_path = None
        self._newest = {}  # id(list) -> (list, newest date): listings share their lists

    def install(self, pelican):
        self.output_path = pelican.output_path
        signals.content_written.disconnect(self.upstream.queue_page)
        signals.content_written.connect(self.queue_page)

    def site_dates(self, generators):
        """Upstream's fallback date: the newest article or page on the site."""
        found = [newest(getattr(g, name, ()))
                 for g in generators for name in ("articles", "pages")]
        found = [d for d in found if d]
        if found:
            self.upstream.now = max(found)
        self._newest = {}

    def listed_date(self, items):
        entry = self._newest.get(id(items))
        if entry is None or entry[0] is not items:
            entry = (items, newest(items))
            self._newest[id(items)] = entry
        return entry[1]

    def queue_page(self, path, context):
        obj = context.get("article") or context.get("page")
        if obj is None:
            page = context.get("articles_page")
            items = page.object_list if page is not None else (context.get("dates") or context.get("articles") or ())
            prefix = os.path.join(self.output_path, "")  # relpath costs more, 9,000 times
            url = pathname2url(path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, self.output_path))
            obj = Listing(url, self.listed_date(items))
        self.upstream.page_queue.append((path, obj))


_dates: Dates | None = None  # one per process: a second register() connects nothing new


def register():
    global _dates, _upstream_format_date
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:  # pelican-sitemap not installed: nothing to date
        logger.warning("sitemap_dates: pelican-sitemap is not installed")
        return
    if _dates is None:
        _dates = Dates(sitemap.generator)
        _upstream_format_date = sitemap.format_date
        sitemap.format_date = format_date
        sitemap.open = SitemapFile  # found before the builtin by upstream's _write_out
    # ``initialized`` runs after every plugin registered, so upstream's
    # receiver is connected by then whatever the order in PLUGINS.
    signals.initialized.connect(_dates.install)
    signals.all_generators_finalized.connect(_dates.site_dates)
