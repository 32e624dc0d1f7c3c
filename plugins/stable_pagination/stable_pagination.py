"""Stable pagination: listing pages numbered from the oldest.

Pelican numbers a newest-first listing from the newest page, so one new
article shifts every item by one place and rewrites every page of every
listing it is in (home, its category, its tags, its author). Here the pages
are counted from the other end:

- with M items (newest first) and P per page there are
  ``n = max(1, M // P)`` pages;
- the first page, at the listing's own URL (``index.html``,
  ``dan-van-kheo/``), holds the newest ``P + M mod P`` items (P to 2P−1; all
  of them when M < 2P);
- every other page holds exactly P items and has a *stable number* s,
  counted from the oldest (s = 1 holds the oldest P items); its URL is made
  from ``PAGINATION_PATTERNS`` with ``{number}`` = s (``trang-{s}/``).

A new article changes only the first page; every P-th one moves the oldest
P items of the first page into a new page ``trang-n`` (and the previous
``trang-(n−1)`` gets a "newer" link to it). A page ``trang-s`` always holds
the same P articles.

What templates get (Pelican's ``articles_page`` and friends, from
:class:`StablePage`):

- ``number``: the display position as in Pelican (1 = the first page, then
  towards the oldest), so Pelican's writer loop, ``has_next()``,
  ``has_previous()`` and ``articles_page.number == 1`` keep working.
  It changes when pages are added: do not print it;
- ``stable_number``: s, or ``None`` on the first page; print this one;
- ``url``, ``save_as``: from the stable number;
- ``articles_paginator.page(1)`` is the newest page, ``page(num_pages)`` the
  oldest (``trang-1``).

Pelican's writer makes ``pelican.paginator.Paginator`` objects in
``Writer.write_file``, through the name ``Paginator`` imported into
``pelican.writers``; this plugin points that name at
:class:`StablePaginator` when Pelican starts (``initialized``), so every
writer, including the buildspeed plugin's, paginates this way. Lists must be
newest first (``NEWEST_FIRST_ARCHIVES`` for ``dates``); ``DEFAULT_ORPHANS`` is
ignored, since the first page takes the remainder.

Setting: ``STABLE_PAGINATION`` (default ``True``); ``False`` leaves
Pelican's pagination as it is.
"""

from __future__ import annotations

from pelican import signals, writers
from pelican.paginator import Page, Paginator

_STOCK_PAGINATOR = writers.Paginator


class StablePaginator(Paginator):
    """A Paginator whose pages other than the first never change."""

    def __init__(self, name, url, object_list, settings, per_page=None):
        super().__init__(name, url, object_list, settings, per_page)
        self.orphans = 0

    @property
    def num_pages(self):
        if self._num_pages is None:
            self._num_pages = max(1, self.count // self.per_page) if self.per_page else 1
        return self._num_pages

    @property
    def first_page_size(self):
        """How many items the first page holds: P + M mod P (or all of them)."""
        return self.count - (self.num_pages - 1) * self.per_page

    def page(self, number):
        """The page at display position `number` (1 = newest)."""
        if number == 1:
            bottom, top, stable = 0, self.first_page_size, None
        else:
            bottom = self.first_page_size + (number - 2) * self.per_page
            top = bottom + self.per_page
            stable = self.num_pages - number + 1
        return StablePage(self.name, self.url, self.object_list[bottom:top], number, self,
                          self.settings, stable)


class StablePage(Page):
    def __init__(self, name, url, object_list, number, paginator, settings, stable_number):
        super().__init__(name, url, object_list, number, paginator, settings)
        self.stable_number = stable_number

    def __repr__(self):
        return f"<StablePage {self.number} of {self.paginator.num_pages}, stable {self.stable_number}>"

    def start_index(self):
        if self.paginator.count == 0:
            return 0
        if self.number == 1:
            return 1
        return self.paginator.first_page_size + (self.number - 2) * self.paginator.per_page + 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def _from_settings(self, key):
        """Pelican's rule choice (by display position), formatted with the
        stable number: ``trang-{number}`` is ``trang-s``."""
        rule = None
        for pattern in self.settings["PAGINATION_PATTERNS"]:
            if pattern.min_page == -1:
                if not self.has_next():
                    rule = pattern
                    break
            elif pattern.min_page <= self.number:
                rule = pattern
        if not rule:
            return ""
        value = getattr(rule, key)
        if not isinstance(value, str):
            return value
        value = value.format(
            save_as=self.full_name,
            url=self.base_url,
            name=self.name,
            base_name=self.base_name,
            extension=self.extension,
            number=self.stable_number if self.stable_number is not None else self.number,
        )
        # As Pelican: one leading slash is removed (two keep one).
        return value[1:] if value.startswith("/") else value

    # Page.url/save_as are partials of Page._from_settings: bind ours.
    url = property(lambda self: self._from_settings("URL"))
    save_as = property(lambda self: self._from_settings("SAVE_AS"))


def install(pelican):
    enabled = pelican.settings.get("STABLE_PAGINATION", True)
    writers.Paginator = StablePaginator if enabled else _STOCK_PAGINATOR


def register():
    signals.initialized.connect(install)
