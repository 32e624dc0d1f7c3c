"""Live-site settings: `make publish`. Everything in pelicanconf.py, plus:"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://danvan.songlam.example")
RELATIVE_URLS = False
# Feeds need absolute links; they are on in both configurations.
FEED_DOMAIN = SITEURL
# Not DELETE_OUTPUT_DIRECTORY: the buildspeed plugin removes stale outputs
# itself and leaves unchanged files alone.
DELETE_OUTPUT_DIRECTORY = False
# Drafts are previewed with `make html` (ban-nhap/…); never published.
DRAFT_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_URL = ""
