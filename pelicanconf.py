"""Development settings: `make html`, `make serve`, `make devserver`.

Site-wide data (agency, sections, links, contacts) lives here and only here;
theme partials read it. `publishconf.py` adds what the live site needs.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "plugins"))

from vietnamese import slugify as vi_slugify  # noqa: E402

# --- The agency ---------------------------------------------------------------
AUTHOR = "Ban biên tập"
SITENAME = "Ban Dân vận Tỉnh ủy Sông Lam"
SITE_KICKER = "Cổng thông tin điện tử"
SITESUBTITLE = "Cổng thông tin điện tử Ban Dân vận Tỉnh ủy Sông Lam"
SITEURL = ""
AGENCY = {
    "name": "Ban Dân vận Tỉnh ủy Sông Lam",
    "parent": "Đảng bộ tỉnh Sông Lam",
    "address": "Số 12 đường Trần Phú, phường Bến Thủy, thành phố Sông Lam",
    "phone": "0238 3 844 123",
    "fax": "0238 3 844 124",
    "email": "banbientap@danvan.songlam.example",
    "responsible": "Trưởng Ban Dân vận Tỉnh ủy",
    "licence": "Giấy phép số 01/GP-TTĐT do Sở Thông tin và Truyền thông cấp (mẫu)",
}

# The agency's sections, in menu order. A fixed list: an agency's sections
# change by decision, not by typo.
PORTAL_CATEGORIES = [
    "Tin hoạt động",
    "Dân vận khéo",
    "Mô hình điển hình",
    "Văn bản chỉ đạo",
    "Dân vận chính quyền",
    "Các vấn đề chung",
]
DEFAULT_CATEGORY = "Các vấn đề chung"

# "Liên kết website": other agencies' portals (Decree 42/2022/NĐ-CP).
LINKS = (
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Ban Dân vận Trung ương", "https://danvan.vn/"),
    ("Báo điện tử Đảng Cộng sản Việt Nam", "https://dangcongsan.vn/"),
    ("Mặt trận Tổ quốc Việt Nam", "https://mattran.org.vn/"),
)

# --- Content ------------------------------------------------------------------
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
STATIC_PATHS = ["images", "extra"]
STATIC_CHECK_IF_MODIFIED = True  # copy a photo only when it changed
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["pages", "images", "extra"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_PAGINATION = 12
SUMMARY_MAX_LENGTH = 40
NEWEST_FIRST_ARCHIVES = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        # Python-Markdown's default slugify drops "đ" ("Đồng Nai" → "ong-nai").
        "markdown.extensions.toc": {"slugify": vi_slugify},
    },
    "output_format": "html5",
}

# Typography: our `typography` plugin runs typogrify (see its docstring).
TYPOGRIFY = False
TYPOGRIFY_IGNORE_TAGS = ["pre", "code", "kbd", "script", "style"]

# --- URLs: ASCII slugs, Vietnamese words ("chuyen-muc", "tu-khoa") ---------------
SLUGIFY_SOURCE = "title"
ARTICLE_URL = "{category}/{slug}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
DRAFT_URL = "ban-nhap/{slug}.html"
DRAFT_SAVE_AS = DRAFT_URL
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = PAGE_URL
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
CATEGORIES_URL = "chuyen-muc/"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "tu-khoa/{slug}/"
TAG_SAVE_AS = "tu-khoa/{slug}/index.html"
TAGS_URL = "tu-khoa/"
TAGS_SAVE_AS = "tu-khoa/index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"
AUTHORS_URL = "tac-gia/"
AUTHORS_SAVE_AS = "tac-gia/index.html"
ARCHIVES_URL = "luu-tru/"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "luu-tru/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "luu-tru/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/{date:%m}/index.html"
# Listing pages: the first holds the newest articles; the others are numbered
# from the oldest (plugins/stable_pagination), so `trang-3/` keeps the same
# articles forever and one new article rewrites only the first page.
STABLE_PAGINATION = True
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang-{number}/", "{base_name}/trang-{number}/index.html"),
)
INDEX_URL = ""  # the home page's first page is the site root, not index.html
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "search", "sidebar"]
# "Tin mới đăng" and "Chuyên mục" (they change with every article), rendered
# once into a page of their own that every other page shows in an iframe
# (sidebar.html, partials/sidebar_frame.html); empty SIDEBAR_SAVE_AS prints
# them on every page instead.
SIDEBAR_URL = "ben-le/"
SIDEBAR_SAVE_AS = "ben-le/index.html"
# The search results page (search.html; the index is built by plugins/search).
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = "tim-kiem/index.html"
# The index in shards (one Pagefind bundle per year), and the newest article's
# quarter in a small shard of its own, so publishing re-indexes a few hundred
# articles, not a year's worth (figures in README, "Tìm kiếm").
SEARCH_SHARD_BY = "year"
SEARCH_RECENT_SHARD = "quarter"
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}

# --- Feeds: Atom and RSS, site-wide and per category ---------------------------
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
FEED_ATOM = None
FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 30
# Dev feeds point at `make serve`; publishconf.py uses the live SITEURL.
FEED_DOMAIN = "http://localhost:8000"
RSS_FEED_SUMMARY_ONLY = False

# --- Theme and plugins ----------------------------------------------------------
THEME = str(HERE / "theme")
PLUGIN_PATHS = [str(HERE / "plugins")]
# Explicit: with PLUGINS unset Pelican loads every installed namespace plugin.
PLUGINS = [
    "vietnamese",
    "typography",
    "portal",
    "stable_pagination",  # listings numbered from the oldest (see its docstring)
    "media",
    "related",
    "search",
    "pelican.plugins.neighbors",
    "pelican.plugins.sitemap",
    "sitemap_dates",  # lastmod from the content, not the build time
    "editorial",  # see "Editorial workflow" below
    # Last: its writer renders what the others produced (see its docstring).
    "buildspeed",
]
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Untrusted text (titles, summaries, tags) is escaped unless a template
    # says `|safe` for HTML we produced (article bodies).
    "autoescape": True,
    # Each build makes a new environment: no stat() of every partial per page.
    "auto_reload": False,
}
PORTAL_FEATURED_COUNT = 5
PORTAL_LATEST_COUNT = 8
PORTAL_SECTION_COUNT = 4

RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
READERS = {"rst": None}  # Markdown only; avoids docutils warnings for "vi"

# Plain share links (no third-party script); phones also get the Web Share API.
# {url} and {title} are URL-encoded.
SHARE_LINKS = (
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("Zalo", "https://zalo.me/share?url={url}"),
)

SITEMAP = {
    "format": "xml",
    # Pages not for search engines: the shared sidebar page (SIDEBAR_URL) and
    # the search page (SEARCH_URL) are noindex; 404.html is the error page.
    "exclude": ["^ben-le/", "^tim-kiem/", r"^404\.html$"],
    "priorities": {"articles": 0.7, "indexes": 0.5, "pages": 0.4},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}

# --- Editorial workflow (plugins/editorial; README: "Hướng dẫn cho biên tập viên") ----
# Checks every build, keeps broken files out, `Status: scheduled`; `make publish`
# adds EDITORIAL_STRICT, `make devserver` EDITORIAL_LIVERELOAD.
# A future Date never reaches listings, even with the editorial plugin disabled.
WITH_FUTURE_DATES = False
