"""Build helpers shared by the tests: run the real `pelican` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PELICAN = [sys.executable, "-m", "pelican"]


def build(content: Path, output: Path, conf: str = "publishconf.py", settings: dict | None = None,
          check: bool = True, verbose: bool = False, args: tuple = ()) -> subprocess.CompletedProcess:
    """Build `content` into `output` with our configuration; return the process
    (`verbose`: Pelican's -v, so INFO lines are in its output; `args`: more options)."""
    cmd = [*PELICAN, str(content), "-o", str(output), "-s", str(ROOT / conf),
           *(["-v"] if verbose else []), *args]
    if settings:  # one -e: Pelican keeps only the last -e it is given
        cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items())]
    # A wide console: Pelican's rich log handler would otherwise wrap messages.
    env = {**os.environ, "COLUMNS": "500"}
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"pelican failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
