"""Command line: ``python -m editorial check|new`` (``make check``, ``make newpost``).

    python -m editorial check [CONTENT] [-s pelicanconf.py] [-v]
    python -m editorial new [--title T] [--category C] [--tags T] [--authors A]
                            [--slug S] [--content CONTENT] [-s pelicanconf.py]

``new`` takes its values from the environment when not given (``TITLE``,
``CATEGORY``, ``TAGS``, ``AUTHORS``, ``SLUG``): ``make newpost TITLE="…"``
passes them that way, so quotes inside a title survive the shell.
Exit status: 0 when all is well, 1 on problems or a refusal, 2 on misuse.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .checks import check_folder, display_path, load_settings
from .newpost import NewPostError, new_post

ROOT = Path(__file__).resolve().parents[2]


def _settings(args) -> dict:
    if args.content is not None and not Path(args.content).is_dir():
        raise SystemExit(f"Không có thư mục nội dung: {args.content}")
    return load_settings(args.settings, args.content)


def cmd_check(args) -> int:
    settings = _settings(args)
    report = check_folder(settings["PATH"], settings)
    for line in report.lines(verbose=args.verbose):
        print(line)
    articles = sum(1 for d in report.documents if d.kind == "article")
    pages = len(report.documents) - articles
    if report.problems:
        files = len({p.path for p in report.problems})
        print(f"\nCó {len(report.problems)} lỗi trong {files} tệp ({articles} bài, {pages} trang đã kiểm tra). "
              "Sửa theo hướng dẫn sau dấu «—» rồi chạy lại «make check».", file=sys.stderr)
        return 1
    print(f"Không có lỗi: {articles} bài, {pages} trang.", file=sys.stderr)
    return 0


def cmd_new(args) -> int:
    settings = _settings(args)
    try:
        post = new_post(
            Path(settings["PATH"]), settings,
            title=args.title if args.title is not None else os.environ.get("TITLE", ""),
            category=args.category if args.category is not None else os.environ.get("CATEGORY", ""),
            tags=args.tags if args.tags is not None else os.environ.get("TAGS", ""),
            authors=args.authors if args.authors is not None else os.environ.get("AUTHORS", ""),
            slug=args.slug if args.slug is not None else os.environ.get("SLUG", ""),
        )
    except NewPostError as err:
        print(f"Không tạo được bài: {err}", file=sys.stderr)
        return 1
    print(f"Đã tạo bài nháp: {display_path(post.path)}")
    print(f"  Xem trước: make devserver, rồi mở http://localhost:8000/{post.draft_url}")
    print("  Khi bài xong: đổi «Status: draft» thành «Status: published» (hoặc «Status: scheduled» để hẹn giờ),")
    print("  chạy «make check», rồi «make publish».")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m editorial", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check every article and page")
    check.add_argument("content", nargs="?", default=None, help="content folder (default: PATH of the settings)")
    check.add_argument("-v", "--verbose", action="store_true", help="add the code and an English explanation")
    new = sub.add_parser("new", help="start a new article (a draft)")
    new.add_argument("--content", default=None)
    for name in ("title", "category", "tags", "authors", "slug"):
        new.add_argument(f"--{name}", default=None)
    for p in (check, new):
        p.add_argument("-s", "--settings", default=str(ROOT / "pelicanconf.py"))
    args = parser.parse_args(argv)
    return cmd_check(args) if args.command == "check" else cmd_new(args)


if __name__ == "__main__":
    sys.exit(main())
