"""Atomic publishing: ``make publish`` and ``make rollback``.

    python tools/release.py publish --input content --conf publishconf.py \\
        --releases releases --live public [--keep 5] [-- PELICANOPTS...]
    python tools/release.py rollback --releases releases --live public
    python tools/release.py list --releases releases --live public

Layout::

    releases/20261124-093000/   one complete build per publish (name: local time)
    releases/20261124-101500/
    releases/.building-…/       a build in progress (removed by the next publish)
    public -> releases/20261124-101500   the live site: a symbolic link

``publish`` checks the content (the editorial checker; any problem stops
it), starts ``releases/.building-<id>/`` as hard links to the live release's
files (see ``seed``), builds with Pelican into it with
``EDITORIAL_STRICT`` and ``--fatal errors``, renames the finished build to
``releases/<id>/`` and only then switches ``public``: a new symbolic link is
made beside it and renamed over it (``rename(2)`` is atomic, so a reader sees
the old site or the new one, never a mix). A failed or interrupted publish
(error, Ctrl-C, ``kill -9``, power cut) therefore leaves ``public`` and the
release it points to untouched. The newest ``--keep`` releases (at least 3)
and the live one are kept; older ones are renamed to ``releases/.trash-…``
at once and deleted by a background process (deleting 50,000 files takes
seconds, and nobody needs to wait for it; a deletion cut short is finished
by the next publish). The seeding runs while the content is checked and
goes on while the build starts (see ``Seeding``).

``rollback`` points ``public`` at the newest release older than the live one
(run it again to go further back). A fresh ``publish`` is the way forward.

The first time, if ``public`` is a real folder (an older, non-atomic
publish), it is moved into ``releases/`` as a release and replaced by the
link: the one moment the live folder is briefly missing.

One publish or rollback at a time: an exclusive ``flock`` on
``releases/.lock`` (released by the kernel even after ``kill -9``).

Why our own script: the swap is a dozen lines of ``os`` calls; deployment
tools that do it (Capistrano, Deployer) bring a language runtime and
assume remote servers.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

RELEASE_RE = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")
MIN_KEEP = 3


class ReleaseError(Exception):
    """A refusal, in Vietnamese."""


def say(text: str) -> None:
    print(text, flush=True)


@contextlib.contextmanager
def locked(releases: Path):
    releases.mkdir(parents=True, exist_ok=True)
    with open(releases / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError("Đang có một lần xuất bản hoặc lùi bản khác chạy; chờ nó xong rồi chạy lại.") from None
        yield


def release_key(name: str) -> tuple[str, int]:
    """Order of release names: time, then the counter of same-second builds."""
    base, _, n = name[:15], name[15:16], name[16:]
    return base, int(n or 1)


def list_releases(releases: Path) -> list[Path]:
    if not releases.is_dir():
        return []
    return sorted((p for p in releases.iterdir() if p.is_dir() and not p.is_symlink() and RELEASE_RE.match(p.name)),
                  key=lambda p: release_key(p.name))


def current_release(live: Path, releases: Path) -> Path | None:
    if not live.is_symlink():
        return None
    target = (live.parent / os.readlink(live)).resolve()
    return target if target.parent == releases.resolve() else None


def seed(previous: Path | None, building: Path) -> None:
    """Fill the new release folder (made if missing) with hard links to the
    live release's files.

    The build then writes only the files whose bytes changed (the buildspeed
    plugin writes a new file and renames it over the link; unchanged files are
    left alone), so a publish costs what changed, and the live release's files
    are never modified: a link is replaced, not written through. Where hard
    links are not possible (another file system), the build starts empty.
    """
    building.mkdir(parents=True, exist_ok=True)
    if previous is None or not previous.is_dir():
        return
    # GNU cp links 50,000 files in ~1.2 s; shutil.copytree, a Python call per
    # file, takes ~2.8 s. copytree where cp -al is missing or fails.
    cp = shutil.which("cp")
    if cp and subprocess.run([cp, "-al", "--", f"{previous}/.", str(building)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        pass
    else:
        shutil.rmtree(building, ignore_errors=True)
        try:
            shutil.copytree(previous, building, symlinks=True, copy_function=os.link)
        except OSError:
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir(parents=True, exist_ok=True)
            return


def new_release_id(releases: Path, tz: str, when: dt.datetime | None = None) -> str:
    base = (when or dt.datetime.now(ZoneInfo(tz))).strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while (releases / name).exists() or (releases / f".building-{name}").exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(live: Path, target: Path) -> None:
    """Point `live` at `target` atomically (a new link renamed over the old one)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    tmp = live.with_name(f".{live.name}.new-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, live.parent), tmp)
    os.replace(tmp, live)
    _fsync_dir(live.parent)


def adopt_folder(live: Path, releases: Path, tz: str, before: str) -> None:
    """A real folder at `live` (older publish): keep it as a release older than `before`."""
    if live.is_dir() and not live.is_symlink():
        built = dt.datetime.fromtimestamp(live.stat().st_mtime, ZoneInfo(tz))
        latest = dt.datetime.strptime(before[:15], "%Y%m%d-%H%M%S").replace(tzinfo=ZoneInfo(tz))
        name = new_release_id(releases, tz, min(built, latest - dt.timedelta(seconds=1)))
        say(f"{live} là thư mục thường: giữ nó thành bản releases/{name}.")
        os.rename(live, releases / name)
        switch(live, releases / name)


def prune(releases: Path, live: Path, keep: int) -> list[str]:
    keep = max(MIN_KEEP, keep)
    all_releases = list_releases(releases)
    current = current_release(live, releases)
    kept = set(all_releases[-keep:]) | ({current} if current else set())
    removed = []
    for path in all_releases:
        if path not in kept:
            os.rename(path, releases / f".trash-{path.name}-{os.getpid()}")  # no longer a release, at once
            removed.append(path.name)
    discard(releases)
    return removed


def discard(releases: Path) -> None:
    """Delete ``releases/.trash-*`` in a background process that outlives
    this one (its own session: a Ctrl-C after the publish does not stop it)."""
    trash = [str(p) for p in releases.glob(".trash-*")]
    if not trash:
        return
    rm = shutil.which("rm")
    cmd = [rm, "-rf", "--", *trash] if rm else [
        sys.executable, "-c", "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)", *trash]
    subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


# The build's writer waits while this file exists (plugins/buildspeed: wait_for_seed).
SEEDING_ENV = "BUILDSPEED_SEEDING"


class Seeding:
    """``seed(previous, building)`` in a thread (``cp`` does the work) while
    the content is checked and the build starts.

    ``flag`` holds this process's id from ``start()`` until the seeding is
    done; the build, given its path in ``SEEDING_ENV``, waits for it to go
    before it looks at the folder (and stops if this process dies first). At
    20,000 articles the seeding takes ~2 s, the check ~1 s, and the build
    first needs the folder ~5 s in: the publish waits for the check only.
    (The check stays before the build: a build of broken content would
    print its errors again, mixed with the check's report.)
    """

    def __init__(self, previous: Path | None, building: Path, flag: Path):
        self.previous, self.building, self.flag = previous, building, flag
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run)

    def start(self) -> None:
        self.flag.write_text(str(os.getpid()), encoding="ascii")
        self.thread.start()

    def _run(self) -> None:
        try:
            seed(self.previous, self.building)
        except BaseException as exc:  # noqa: BLE001 (raised again in join, in the publishing thread)
            self.failure = exc
        finally:
            self.flag.unlink(missing_ok=True)

    def join(self) -> None:
        if self.thread.ident is not None:  # started
            self.thread.join()
        self.flag.unlink(missing_ok=True)
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure


def _abandon(proc: subprocess.Popen | None, seeding: Seeding, building: Path) -> None:
    """Stop the build, let the seeding end, remove the unfinished release."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with contextlib.suppress(BaseException):
        seeding.join()
    shutil.rmtree(building, ignore_errors=True)


def check_content(content: Path, conf: Path) -> int:
    from editorial.checks import check_folder, load_settings

    settings = load_settings(conf, content)
    report = check_folder(settings["PATH"], settings)
    for line in report.lines():
        say(line)
    return len(report.problems)


def publish(args) -> int:
    releases, live = Path(args.releases).resolve(), Path(args.live).absolute()
    content, conf = Path(args.input).resolve(), Path(args.conf).resolve()
    with locked(releases):
        for stale in releases.glob(".building-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by an interrupted publish
        for stale in releases.glob(".seeding-*"):
            stale.unlink(missing_ok=True)
        discard(releases)  # a deletion an earlier publish did not finish
        release_id = new_release_id(releases, args.timezone)
        building = releases / f".building-{release_id}"
        seeding = Seeding(current_release(live, releases), building, releases / f".seeding-{release_id}")
        cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(building), "-s", str(conf),
               "--fatal", "errors", *args.pelican]
        # Strict and the seeding flag via the environment: an `-e` in PELICANOPTS would replace ours.
        env = {**os.environ, "EDITORIAL_STRICT": "1", SEEDING_ENV: str(seeding.flag)}
        proc = None
        try:
            seeding.start()
            problems = check_content(content, conf)
            if problems:
                raise ReleaseError(f"Không xuất bản: nội dung còn {problems} lỗi (xem ở trên). "
                                   "Trang đang chạy không thay đổi. Sửa lỗi, chạy «make check», rồi xuất bản lại.")
            say(f"Đang dựng bản {release_id} …")
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
            returncode = proc.wait()
            seeding.join()
        except KeyboardInterrupt:
            _abandon(proc, seeding, building)
            raise ReleaseError("Đã dừng giữa chừng. Trang đang chạy không thay đổi.") from None
        except BaseException:
            _abandon(proc, seeding, building)
            raise
        if returncode != 0 or not (building / "index.html").is_file():
            shutil.rmtree(building, ignore_errors=True)
            raise ReleaseError("Dựng trang không thành công (xem thông báo ở trên). Trang đang chạy không thay đổi.")
        os.sync()  # the files are on disk before anything points at them
        final = releases / release_id
        os.rename(building, final)
        _fsync_dir(releases)
        adopt_folder(live, releases, args.timezone, before=release_id)
        switch(live, final)
        removed = prune(releases, live, args.keep)
        say(f"Đã xuất bản: {live} → releases/{release_id}.")
        if removed:
            say(f"Đã xóa các bản cũ: {', '.join(removed)}.")
        say("Đưa lên máy chủ: make upload. Lùi về bản trước: make rollback.")
    return 0


def rollback(args) -> int:
    releases, live = Path(args.releases).resolve(), Path(args.live).absolute()
    with locked(releases):
        current = current_release(live, releases)
        if current is None:
            raise ReleaseError(f"{live} chưa trỏ tới bản xuất bản nào trong {releases}: chưa có gì để lùi lại.")
        older = [p for p in list_releases(releases) if release_key(p.name) < release_key(current.name)]
        if not older:
            raise ReleaseError(f"Không còn bản nào cũ hơn {current.name} để lùi lại.")
        switch(live, older[-1])
        say(f"Đã lùi về bản {older[-1].name} (trước đó là {current.name}). Đưa lên máy chủ: make upload.")
    return 0


def show(args) -> int:
    releases, live = Path(args.releases).resolve(), Path(args.live).absolute()
    current = current_release(live, releases)
    for path in list_releases(releases):
        say(f"{'*' if path == current else ' '} {path.name}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Atomic publish and rollback of the portal.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("publish", "rollback", "list"):
        p = sub.add_parser(name)
        p.add_argument("--releases", default=str(ROOT / "releases"))
        p.add_argument("--live", default=str(ROOT / "public"))
        p.add_argument("--timezone", default="Asia/Ho_Chi_Minh")
        if name == "publish":
            p.add_argument("--input", default=str(ROOT / "content"))
            p.add_argument("--conf", default=str(ROOT / "publishconf.py"))
            p.add_argument("--keep", type=int, default=5)
            p.add_argument("pelican", nargs=argparse.REMAINDER, help="after --: options for pelican")
    args = parser.parse_args(argv)
    if getattr(args, "pelican", None) and args.pelican[0] == "--":
        args.pelican = args.pelican[1:]
    try:
        return {"publish": publish, "rollback": rollback, "list": show}[args.command](args)
    except ReleaseError as err:
        print(err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
