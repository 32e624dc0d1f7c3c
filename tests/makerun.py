"""Run Makefile targets as an editor would, and fingerprint a folder."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from tests.sitebuild import ROOT


def make(*args: str, timeout: int = 300, **kwargs) -> subprocess.CompletedProcess:
    """`make ARGS…` in the project root; output captured as text."""
    env = {**os.environ, "COLUMNS": "500", **kwargs.pop("env", {})}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


def tree_hash(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `folder` (following a symlinked root)."""
    root = Path(os.path.realpath(folder))
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
