"""What the sample content says, read straight from the Markdown files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pelican.utils import slugify

from tests.sitebuild import ROOT

META = re.compile(r"^([A-Za-z]+):\s*(.*)$")
SLUG_SUBS = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]


@dataclass
class Doc:
    path: Path
    meta: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    @property
    def slug(self) -> str:
        return self.meta.get("slug") or slugify(self.title, regex_subs=SLUG_SUBS)

    @property
    def draft(self) -> bool:
        return self.meta.get("status", "").lower() == "draft"

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.meta["date"])


def read_meta(path: Path) -> dict:
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        m = META.match(line)
        if m:
            meta[m.group(1).lower()] = m.group(2).strip()
    return meta


def articles(content: Path = ROOT / "content") -> list[Doc]:
    docs = []
    for path in sorted(content.rglob("*.md")):
        if "pages" in path.relative_to(content).parts:
            continue
        docs.append(Doc(path, read_meta(path)))
    return docs


def published(content: Path = ROOT / "content") -> list[Doc]:
    return [d for d in articles(content) if not d.draft]
