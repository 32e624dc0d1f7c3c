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
	@echo '   make publish             generate using production settings'
	@echo '   make serve [PORT=8000]   build, then serve the site at http://localhost:8000'
	@echo '   make devserver [PORT=8000] serve and regenerate together'
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

# Debian's chromium for the browser tests, installed via apt as root when missing.
browser: venv
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium (Debian) for the browser tests ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need $(CHROMIUM): run 'sudo apt-get install chromium'"; exit 1; \
	  fi; \
	fi

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

devserver: venv
	$(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b $(BIND) $(PELICANOPTS)

devserver-global: venv
	$(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b 0.0.0.0 $(PELICANOPTS)

publish: venv
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

# --- Tests ------------------------------------------------------------------------
test: venv browser
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

# A benchmark, not a test: prints figures and the ratio ours/stock.
bench: venv
	$(BIN)/python bench/bench_build.py --sizes 1000 --runs 1

.PHONY: help venv browser html clean regenerate serve serve-global devserver devserver-global publish test bench
