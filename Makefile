# Pelican-quickstart style Makefile for the portal.
# Every target bootstraps .venv from requirements.txt the first time it is needed.

PY ?= python3
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
PELICAN ?= $(BIN)/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

PORT ?= 8000
BIND ?= 127.0.0.1

# make publish: one folder per build in RELEASESDIR, PUBLISHDIR is a symbolic link
# to the live one (tools/release.py). Never OUTPUTDIR: a preview cannot overwrite it.
PUBLISHDIR ?= $(BASEDIR)/public
RELEASESDIR ?= $(BASEDIR)/releases
KEEP_RELEASES ?= 5
# make upload: rsync destination, e.g. user@host:/var/www/portal/ (RSYNC_OPTS adds options)
UPLOAD_TARGET ?=
RSYNC_OPTS ?=
# make newpost TITLE="…" CATEGORY="…" [TAGS="…"] [AUTHORS="…"] [SLUG="…"]: read from
# the environment, so quotes inside a title survive the shell.
export TITLE CATEGORY TAGS AUTHORS SLUG
EDITORIAL = PYTHONPATH="$(BASEDIR)/plugins" $(BIN)/python -m editorial

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

# Browser tests drive Debian's chromium through Playwright.
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

STAMP := $(VENV)/.requirements-installed

help:
	@echo 'Makefile for the portal (Pelican)'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                (re)generate the web site into OUTPUTDIR'
	@echo '   make clean               remove the generated files'
	@echo '   make regenerate          regenerate files upon modification'
	@echo '   make publish             check, build with production settings into RELEASESDIR,'
	@echo '                            then switch PUBLISHDIR to it (atomic)'
	@echo '   make rollback            switch PUBLISHDIR back to the previous release'
	@echo '   make releases            list the releases (* = live)'
	@echo '   make upload              rsync PUBLISHDIR to UPLOAD_TARGET (only what changed)'
	@echo '   make newpost TITLE="…" CATEGORY="…"   start an article (a draft)'
	@echo '   make check [V=1]         check every article: file, line, what to fix'
	@echo '   make serve [PORT=8000]   build, then serve the site at http://localhost:8000'
	@echo '   make devserver [PORT=8000] serve, regenerate and reload the browser page'
	@echo '   make test                install what the tests need, run every test'
	@echo '   make bench               1,000-article build: ours vs stock Pelican'
	@echo ''
	@echo 'Set DEBUG=1 for debug output, RELATIVE=1 for relative URLs.'
	@echo 'INPUTDIR, OUTPUTDIR, CONFFILE, PUBLISHCONF, PELICANOPTS can be overridden.'

# --- Environment ----------------------------------------------------------------
venv: $(STAMP)

$(STAMP): requirements.txt
	@if [ ! -x $(BIN)/python ]; then \
	  $(PY) -m venv $(VENV) 2>/dev/null || { \
	    rm -rf $(VENV); \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "Installing python3-venv (Debian) ..."; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && \
	      $(PY) -m venv $(VENV); \
	    else \
	      echo "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)"; exit 1; \
	    fi; }; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# $(call apt-ensure,TEST,PACKAGE,HINT): when the shell TEST fails, install the
# Debian PACKAGE with apt as root, or stop with HINT for a non-root user.
define apt-ensure
	@if ! $(1); then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(2) (Debian) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "$(3)"; exit 1; \
	  fi; \
	fi
endef

# Debian's rsync for make upload and its tests.
rsync-tool:
	$(call apt-ensure,command -v rsync >/dev/null,rsync,make upload needs rsync: run 'sudo apt-get install rsync')

# Debian's chromium for the browser tests.
browser: venv
	$(call apt-ensure,[ -x $(CHROMIUM) ],chromium,Browser tests need $(CHROMIUM): run 'sudo apt-get install chromium')

# --- Site -------------------------------------------------------------------------
html: venv
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: venv
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: html
	@echo "Serving the portal at http://localhost:$(PORT)/ (Ctrl-C to stop)"
	$(PELICAN) -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b $(BIND) $(PELICANOPTS)

serve-global: html
	$(PELICAN) -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b 0.0.0.0 $(PELICANOPTS)

# EDITORIAL_LIVERELOAD: the page reloads itself after each rebuild (plugins/editorial).
devserver: venv
	EDITORIAL_LIVERELOAD=1 $(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b $(BIND) $(PELICANOPTS)

devserver-global: venv
	EDITORIAL_LIVERELOAD=1 $(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b 0.0.0.0 $(PELICANOPTS)

publish: venv
	$(BIN)/python "$(BASEDIR)/tools/release.py" publish --input "$(INPUTDIR)" --conf "$(PUBLISHCONF)" \
	  --releases "$(RELEASESDIR)" --live "$(PUBLISHDIR)" --keep $(KEEP_RELEASES) -- $(PELICANOPTS)

rollback: venv
	$(BIN)/python "$(BASEDIR)/tools/release.py" rollback --releases "$(RELEASESDIR)" --live "$(PUBLISHDIR)"

releases: venv
	@$(BIN)/python "$(BASEDIR)/tools/release.py" list --releases "$(RELEASESDIR)" --live "$(PUBLISHDIR)"

# --checksum: every publish is a fresh build (new mtimes), so compare contents;
# unchanged files are neither sent nor touched on the server (stable Last-Modified).
upload: rsync-tool
	@if [ -z "$(UPLOAD_TARGET)" ]; then \
	  echo 'Cần nơi nhận: make upload UPLOAD_TARGET=nguoidung@may-chu:/var/www/cong/'; exit 2; fi
	@if [ ! -f "$(PUBLISHDIR)/index.html" ]; then \
	  echo 'Chưa có bản xuất bản trong $(PUBLISHDIR): chạy make publish trước.'; exit 2; fi
	rsync -rlz --checksum --delete --delay-updates --itemize-changes $(RSYNC_OPTS) "$(PUBLISHDIR)/" "$(UPLOAD_TARGET)"

rsync_upload: upload

# --- Editorial --------------------------------------------------------------------
newpost: venv
	@$(EDITORIAL) new --content "$(INPUTDIR)" -s "$(CONFFILE)"

check: venv
	@$(EDITORIAL) check "$(INPUTDIR)" -s "$(CONFFILE)" $(if $(filter 1,$(V)),-v)

# --- Tests ------------------------------------------------------------------------
test: venv browser rsync-tool
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

# A benchmark, not a test: prints figures and the ratio ours/stock.
bench: venv
	$(BIN)/python bench/bench_build.py --sizes 1000 --runs 1

.PHONY: help venv browser rsync-tool html clean regenerate serve serve-global devserver devserver-global \
	publish rollback releases upload rsync_upload newpost check test bench
