"""Photos: figures with captions, responsive sizes, width/height, lazy loading.

For every article and page:

- a paragraph holding only an image becomes ``<figure>``; its caption is the
  image's title (``![alt](src "Ảnh: …")``) or the paragraph right after it when
  that paragraph is only emphasis (``*Ảnh: Quang cảnh hội nghị*``), the way
  Vietnamese portals caption photos;
- each image found in the content folder gets ``width``/``height`` (no layout
  shift), ``srcset``/``sizes`` over smaller copies made with Pillow, and
  ``loading="lazy"`` (the cover photo stays eager: it is above the fold);
- an image without alt text is a build warning naming the file and line:
  the editorial plugin's checks report it; this plugin does not repeat it.

The cover (``article.cover`` from the portal plugin) gets ``width``,
``height`` and ``srcset`` too; templates print it with the ``srcset``
filter: ``{{ article.cover.srcset|srcset(SITEURL) }}``.

Every page finds the copies from where it is: with ``RELATIVE_URLS`` (the
preview, ``make html``) a page two folders deep gets ``../../media/…``,
as Pelican gives ``src``. Pelican rewrites ``{static}`` links only in
``href``/``src``-like attributes, never in ``srcset``, so the content's
``srcset`` holds a placeholder for the site root (``{media-root}``), put
back by the content object's ``_update_content`` (what Pelican calls with
each page's own site URL for the body, the summary and feeds).

Copies are written once into ``OUTPUT_PATH/media/w<width>/<path>`` and only
rewritten when the source is newer, so unchanged images keep their mtimes.
That folder is this plugin's own: a copy no published content uses any more
(its article was removed, or the photo replaced) is deleted. In a build that
publishes no drafts (``DRAFT_SAVE_AS`` empty, the live settings), a photo
used only by drafts (scheduled articles not yet due among them) gets no
copies, as the editorial plugin does not copy the photo itself: its name (or
the photo) would tell what is coming.

Settings: ``MEDIA_WIDTHS`` (default ``[480, 800, 1200]``), ``MEDIA_SIZES``
(the ``sizes`` attribute), ``MEDIA_QUALITY`` (default 80).

Why not pelican-image-process: it re-parses every written HTML page
(``content_written``) with BeautifulSoup and lxml, a full parse per page at
portal scale, and needs a CSS class on every image. This works on the
article fragment once, before rendering, and only when it has an image.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path
from urllib.parse import quote, unquote

from bs4 import BeautifulSoup
from PIL import Image
from pelican import contents, signals

logger = logging.getLogger(__name__)

DEFAULT_WIDTHS = [480, 800, 1200]
DEFAULT_SIZES = "(min-width: 75rem) 50rem, (min-width: 60rem) calc(100vw - 25rem), 100vw"
_sizes_cache: dict[str, tuple[int, int] | None] = {}
_pending: dict[str, tuple[Path, int, int]] = {}  # variant relpath -> (source, width, height)
_users: dict[str, set[str]] = {}  # variant relpath -> source paths of the content using it
_unpublished: set[str] = set()  # source paths of content this build does not publish
ROOT = "{media-root}"  # the site root in a content's srcset, until a page prints it


def _image_size(path: Path):
    key = str(path)
    if key not in _sizes_cache:
        try:
            with Image.open(path) as img:
                _sizes_cache[key] = img.size
        except (OSError, ValueError):
            _sizes_cache[key] = None
    return _sizes_cache[key]


def _resolve(src: str, instance) -> str | None:
    """The image's path relative to the content folder, or None if external."""
    src = unquote(src.split("?", 1)[0].split("#", 1)[0])
    for marker in ("{static}", "|static|", "{attach}", "|attach|", "{filename}", "|filename|"):
        if src.startswith(marker):
            rel = src[len(marker):]
            if rel.startswith("/"):
                return posixpath.normpath(rel.lstrip("/"))
            base = posixpath.dirname(instance.relative_source_path or "")
            return posixpath.normpath(posixpath.join(base, rel))
    if "://" in src or src.startswith(("//", "data:", "/")):
        return None
    base = posixpath.dirname(instance.relative_source_path or "")
    return posixpath.normpath(posixpath.join(base, src))


def responsive(rel: str, settings, user: str | None = None) -> dict | None:
    """width, height and srcset for an image at `rel` inside the content folder
    (`user`: the source path of the content showing it). ``srcset`` is a
    tuple of (path from the site root, width); ``srcset()`` prints it."""
    source = Path(settings["PATH"]) / rel
    size = _image_size(source)
    if not size:
        return None
    width, height = size
    entries = []
    for w in settings.get("MEDIA_WIDTHS", DEFAULT_WIDTHS):
        if w >= width:
            continue
        variant = f"media/w{w}/{rel}"
        _pending[variant] = (source, w, round(height * w / width))
        _users.setdefault(variant, set()).add(user or "")
        entries.append((variant, w))
    if not entries:
        return {"width": width, "height": height, "srcset": (), "sizes": ""}
    entries.append((rel, width))
    return {
        "width": width,
        "height": height,
        "srcset": tuple(entries),
        "sizes": settings.get("MEDIA_SIZES", DEFAULT_SIZES),
    }


def srcset(entries, siteurl: str = "") -> str:
    """The ``srcset`` attribute for a page whose site URL is `siteurl` (the
    template filter; ``SITEURL`` in a template is the page's own). Paths are
    percent-encoded: a space or comma in a file name would split an entry."""
    base = (siteurl or "").rstrip("/")
    return ", ".join(f"{base}/{quote(path, safe='/')} {w}w" for path, w in entries or ())


class _PutRootBack:
    """A content object's ``_update_content``: Pelican's, then the site root
    put back in ``srcset`` values (see the module docstring). A class, not a
    closure, so the object still pickles (Pelican's content cache)."""

    def __init__(self, instance):
        self.instance = instance

    def __call__(self, content, siteurl):
        content = type(self.instance)._update_content(self.instance, content, siteurl)
        if content and ROOT in content:
            content = content.replace(ROOT + "/", (siteurl or "").rstrip("/") + "/")
        return content


def _caption_from_next(paragraph):
    nxt = paragraph.find_next_sibling()
    if nxt is None or nxt.name != "p":
        return None
    children = [c for c in nxt.contents if not (isinstance(c, str) and not c.strip())]
    if len(children) == 1 and getattr(children[0], "name", None) == "em":
        return nxt
    return None


def process_fragment(html: str, instance) -> str:
    settings = instance.settings
    soup = BeautifulSoup(html, "html.parser")
    for img in soup.find_all("img"):
        rel = _resolve(img.get("src", ""), instance)
        info = responsive(rel, settings, instance.source_path) if rel else None
        if info:
            img["width"], img["height"] = str(info["width"]), str(info["height"])
            if info["srcset"]:
                img["srcset"], img["sizes"] = srcset(info["srcset"], ROOT), info["sizes"]
        img["loading"] = "lazy"
        img["decoding"] = "async"

        holder = img.parent if img.parent and img.parent.name == "a" else img
        paragraph = holder.parent
        if paragraph is None or paragraph.name != "p":
            continue
        others = [c for c in paragraph.contents if c is not holder and not (isinstance(c, str) and not c.strip())]
        if others:
            continue
        figure = soup.new_tag("figure")
        paragraph.replace_with(figure)
        figure.append(holder)
        caption_text = img.attrs.pop("title", None)
        caption_p = None if caption_text else _caption_from_next(figure)
        if caption_text or caption_p:
            figcaption = soup.new_tag("figcaption")
            if caption_p:
                for child in list(caption_p.em.contents):
                    figcaption.append(child)
                caption_p.decompose()
            else:
                figcaption.string = caption_text
            figure.append(figcaption)
    return str(soup)


def process(instance):
    if not isinstance(instance, contents.Content):
        return
    name = instance.relative_source_path or instance.source_path or "?"
    if instance._content and "<img" in instance._content:
        instance._content = process_fragment(instance._content, instance)
        if ROOT in instance._content:
            instance._update_content = _PutRootBack(instance)
    cover = getattr(instance, "cover", None)
    if cover:
        info = responsive(cover["url"], instance.settings, instance.source_path)
        if info:
            cover.update(info)
        else:
            # Reported to the editor by the editorial plugin (cover-missing).
            logger.debug("%s: no size for cover image %s", name, cover["url"])


def note_unpublished(generators):
    """all_generators_finalized: the drafts this build does not write.

    Drafts (scheduled articles not yet due among them) are not written when
    ``DRAFT_SAVE_AS`` / ``DRAFT_PAGE_SAVE_AS`` are empty, as in the live
    settings. Hidden content is written (unlisted), so its copies are made."""
    _unpublished.clear()
    if not generators:
        return
    settings, context = generators[0].settings, generators[0].context
    for name, save_as in (("drafts", "DRAFT_SAVE_AS"), ("draft_pages", "DRAFT_PAGE_SAVE_AS")):
        if not settings.get(save_as):
            _unpublished.update(item.source_path for item in context.get(name, []) or [])


def write_variants(pelican):
    output = Path(pelican.settings["OUTPUT_PATH"])
    quality = pelican.settings.get("MEDIA_QUALITY", 80)
    needed = {variant: job for variant, job in _pending.items() if _users.get(variant, {""}) - _unpublished}
    _remove_unneeded(output, needed)
    for variant, (source, width, height) in sorted(needed.items()):
        target = output / variant
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as img:
            copy = img.convert("RGB") if img.mode not in ("RGB", "L") and source.suffix.lower() in (".jpg", ".jpeg") else img.copy()
            copy = copy.resize((width, height), Image.LANCZOS)
            tmp = target.with_name(target.name + ".tmp")
            copy.save(tmp, format=img.format, quality=quality, optimize=True)
            os.replace(tmp, target)
    reset()


def _remove_unneeded(output: Path, needed: dict) -> None:
    """Delete copies in media/w<width>/ that no published content uses now."""
    media = output / "media"
    if not media.is_dir():
        return
    for folder in media.iterdir():
        if not (folder.is_dir() and folder.name[:1] == "w" and folder.name[1:].isdigit()):
            continue
        for path in sorted(folder.rglob("*"), reverse=True):  # files, then their emptied folders
            rel = path.relative_to(output).as_posix()
            if path.is_file() and rel not in needed:
                logger.debug("media: %s is not used by published content, removed", rel)
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if not any(folder.iterdir()):
            folder.rmdir()


def reset(_pelican=None):
    """Per run (a development server builds again in the same process)."""
    _pending.clear()
    _users.clear()
    _unpublished.clear()
    _sizes_cache.clear()


def add_filter(pelican):
    pelican.settings.setdefault("JINJA_FILTERS", {}).setdefault("srcset", srcset)


def register():
    signals.initialized.connect(add_filter)
    signals.initialized.connect(reset)
    signals.content_object_init.connect(process)
    signals.all_generators_finalized.connect(note_unpublished)
    signals.finalized.connect(write_variants)
