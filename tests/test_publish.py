"""`make publish`, `make rollback`, `make upload`: the live folder is never half-built."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.makerun import make, tree_hash
from tests.sitebuild import ROOT, write

CATEGORIES = ["Tin hoạt động", "Dân vận khéo", "Mô hình điển hình"]


def corpus(folder: Path, count: int = 3, words: int = 30) -> Path:
    for i in range(count):
        write(folder / "bai" / f"bai-{i:03d}.md",
              f"Title: Bài số {i} về công tác dân vận\nDate: 2024-01-{1 + i % 28:02d} {8 + i % 10:02d}:00\n"
              f"Category: {CATEGORIES[i % 3]}\nTags: nhóm {i % 5}\n\n" + "Nội dung bài viết. " * words + "\n")
    write(folder / "pages" / "gioi-thieu.md", "Title: Giới thiệu\n\nTrang giới thiệu.\n")
    return folder


class Site:
    """A content folder with its releases and live link, under tmp_path."""

    def __init__(self, tmp_path: Path, count: int = 3, words: int = 30):
        self.content = corpus(tmp_path / "content", count, words)
        self.live = tmp_path / "public"
        self.releases = tmp_path / "releases"

    @property
    def vars(self) -> list[str]:
        return [f"INPUTDIR={self.content}", f"PUBLISHDIR={self.live}", f"RELEASESDIR={self.releases}"]

    def publish(self, *extra: str) -> subprocess.CompletedProcess:
        return make("publish", *self.vars, *extra)

    def target(self) -> str:
        return os.readlink(self.live)

    def release_names(self) -> list[str]:
        return sorted(p.name for p in self.releases.iterdir() if p.is_dir() and not p.name.startswith("."))

    def edit(self, i: int, text: str) -> None:
        path = self.content / "bai" / f"bai-{i:03d}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Nội dung bài viết.", text, 1), encoding="utf-8")


def test_publish_switches_the_live_link_and_keeps_the_last_releases(tmp_path):
    site = Site(tmp_path)
    targets = []
    for n in range(4):
        site.edit(0, f"Lần sửa {n}.")
        proc = site.publish("KEEP_RELEASES=3")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert site.live.is_symlink()
        targets.append(site.target())
        assert targets[-1] == f"releases/{site.release_names()[-1]}"
        page = (site.live / "tin-hoat-dong" / "bai-so-0-ve-cong-tac-dan-van.html").read_text(encoding="utf-8")
        assert f"Lần sửa {n}." in page
    assert len(set(targets)) == 4
    assert site.release_names() == [t.split("/")[1] for t in targets[1:]]  # the oldest was removed
    assert not list(site.releases.glob(".building-*"))
    # ... by a background process, which finishes soon after
    deadline = time.monotonic() + 60
    while list(site.releases.glob(".trash-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(p.name for p in site.releases.iterdir() if p.name != ".lock") == site.release_names()
    listing = make("releases", *site.vars).stdout.splitlines()
    assert listing[-1] == f"* {targets[-1].split('/')[1]}"


def test_a_publish_rewrites_only_what_changed_and_never_the_live_release(tmp_path):
    site = Site(tmp_path)
    assert site.publish().returncode == 0
    old = site.live.resolve()
    old_files = tree_hash(old)
    site.edit(1, "Câu mới trong bài một.")
    assert site.publish().returncode == 0
    new = site.live.resolve()
    assert new != old
    assert tree_hash(old) == old_files  # the previous release is byte for byte as it was
    page = next(p for p in new.rglob("bai-so-1-ve-cong-tac-dan-van.html"))
    assert "Câu mới trong bài một." in page.read_text(encoding="utf-8")
    assert (old / page.relative_to(new)).stat().st_ino != page.stat().st_ino
    # Files the edit did not touch are the very same files (hard links), not copies.
    shared = [p for p in new.rglob("*") if p.is_file() and (old / p.relative_to(new)).is_file()
              and (old / p.relative_to(new)).stat().st_ino == p.stat().st_ino]
    assert len(shared) > 20
    assert (new / "theme" / "css" / "portal.css").stat().st_ino == (old / "theme" / "css" / "portal.css").stat().st_ino


def test_rollback_restores_the_previous_release(tmp_path):
    site = Site(tmp_path)
    assert site.publish().returncode == 0
    first, first_files = site.target(), tree_hash(site.live)
    site.edit(1, "Bản thứ hai.")
    assert site.publish().returncode == 0
    second = site.target()
    assert second != first and tree_hash(site.live) != first_files

    proc = make("rollback", *site.vars)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert site.target() == first and tree_hash(site.live) == first_files
    assert f"Đã lùi về bản {first.split('/')[1]}" in proc.stdout
    # Nothing older: refused, and the live link stays where it is.
    again = make("rollback", *site.vars)
    assert again.returncode != 0 and "Không còn bản nào cũ hơn" in again.stderr
    assert site.target() == first
    # Publishing again moves forward; the rolled-back-from release is still kept.
    assert site.publish().returncode == 0
    assert site.target() not in (first, second) and len(site.release_names()) == 3


def test_broken_content_is_not_published_and_the_live_folder_is_unchanged(tmp_path):
    site = Site(tmp_path)
    assert site.publish().returncode == 0
    target, files = site.target(), tree_hash(site.live)
    shutil.copytree(ROOT / "tests" / "broken", site.content, dirs_exist_ok=True)

    proc = site.publish()
    assert proc.returncode != 0
    assert "ngày đăng «2024-13-45 08:00» không đúng dạng" in proc.stdout
    assert "Không xuất bản: nội dung còn 28 lỗi" in proc.stderr
    assert site.target() == target and tree_hash(site.live) == files
    assert len(site.release_names()) == 1 and not list(site.releases.glob(".building-*"))


def test_a_failing_build_after_the_checks_leaves_the_live_folder_alone(tmp_path):
    site = Site(tmp_path)
    assert site.publish().returncode == 0
    target, files = site.target(), tree_hash(site.live)
    # Passes the checks (Template is a Pelican field) but cannot be rendered.
    write(site.content / "bai" / "mau-la.md",
          "Title: Bài dùng mẫu trang lạ\nDate: 2024-02-02 08:00\nCategory: Dân vận khéo\nTemplate: khong-co\n\nx\n")
    assert make("check", f"INPUTDIR={site.content}").returncode == 0

    proc = site.publish()
    assert proc.returncode != 0
    assert "Dựng trang không thành công" in proc.stderr
    assert site.target() == target and tree_hash(site.live) == files
    assert len(site.release_names()) == 1 and not list(site.releases.glob(".building-*"))


def test_a_publish_killed_half_way_leaves_the_live_folder_intact(tmp_path):
    site = Site(tmp_path, count=200, words=150)
    assert site.publish().returncode == 0
    target, files = site.target(), tree_hash(site.live)
    site.edit(0, "Sửa trước khi bị ngắt.")

    proc = subprocess.Popen(["make", "publish", *site.vars], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        building = []
        while time.monotonic() < deadline and proc.poll() is None:
            building = list(site.releases.glob(".building-*"))
            if building and sum(1 for _ in building[0].rglob("*.html")) >= 20:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the build finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)  # make, the release script and Pelican
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    assert building and building[0].exists()  # killed mid-build: never renamed, never switched to
    assert site.target() == target and tree_hash(site.live) == files
    assert len(site.release_names()) == 1

    # The next publish cleans up after the interrupted one and goes live.
    proc = site.publish()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list(site.releases.glob(".building-*"))
    assert site.target() != target
    assert "Sửa trước khi bị ngắt." in (site.live / "tin-hoat-dong" / "bai-so-0-ve-cong-tac-dan-van.html").read_text(
        encoding="utf-8")


def transferred(output: str) -> set[str]:
    """Files rsync sent (itemize-changes lines starting with '>f')."""
    return {line.split(" ", 1)[1] for line in output.splitlines() if line.startswith(">f")}


def test_upload_sends_only_what_changed(tmp_path):
    site = Site(tmp_path, count=30)
    remote = tmp_path / "may-chu" / "www"
    remote.mkdir(parents=True)
    upload = [*site.vars, f"UPLOAD_TARGET={remote}/"]

    assert site.publish().returncode == 0
    first = make("upload", *upload)
    assert first.returncode == 0, first.stdout + first.stderr
    everything = transferred(first.stdout)
    assert everything == set(tree_hash(site.live))
    assert tree_hash(remote) == tree_hash(site.live)

    # A new build rewrites every file (new mtimes); only changed contents travel.
    site.edit(3, "Một câu mới.")
    assert site.publish().returncode == 0
    second = make("upload", *upload)
    assert second.returncode == 0, second.stdout + second.stderr
    sent = transferred(second.stdout)
    assert "tin-hoat-dong/bai-so-3-ve-cong-tac-dan-van.html" in sent
    assert "tin-hoat-dong/bai-so-0-ve-cong-tac-dan-van.html" not in sent
    assert not any(name.startswith("theme/") for name in sent)
    assert not any(name.endswith(".html") and "/bai-so-" in name for name in sent - {
        "tin-hoat-dong/bai-so-3-ve-cong-tac-dan-van.html"})
    assert len(sent) < len(everything) / 3, sorted(sent)
    assert tree_hash(remote) == tree_hash(site.live)


def test_upload_needs_a_target_and_a_published_site(tmp_path):
    site = Site(tmp_path)
    proc = make("upload", *site.vars)
    assert proc.returncode != 0 and "UPLOAD_TARGET=" in proc.stdout
    proc = make("upload", *site.vars, f"UPLOAD_TARGET={tmp_path / 'x'}/")
    assert proc.returncode != 0 and "chạy make publish trước" in proc.stdout


def test_a_live_folder_from_an_older_publish_is_kept_as_a_release(tmp_path):
    site = Site(tmp_path)
    write(site.live / "index.html", "<p>Bản cũ</p>")
    assert site.publish().returncode == 0
    assert site.live.is_symlink()
    names = site.release_names()
    assert len(names) == 2
    assert (site.releases / names[0] / "index.html").read_text(encoding="utf-8") == "<p>Bản cũ</p>"
    assert site.target() == f"releases/{names[1]}"
    assert make("rollback", *site.vars).returncode == 0
    assert (site.live / "index.html").read_text(encoding="utf-8") == "<p>Bản cũ</p>"


def test_seed_links_every_file_with_cp_or_without_it(tmp_path, monkeypatch):
    """The new release starts as hard links to the live one (GNU cp -al, or
    shutil.copytree where cp is missing), the sitemap too: no plugin writes
    through a link (each writes a new file and renames it over the old one)."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import release

    live = tmp_path / "live"
    write(live / "index.html", "<p>trang chủ</p>")
    write(live / "tin" / "bai.html", "<p>bài</p>")
    write(live / "sitemap.xml", "<urlset/>")
    (live / "moi-nhat").symlink_to("tin")
    for name, which in (("with-cp", shutil.which), ("without-cp", lambda _name: None)):
        monkeypatch.setattr(release.shutil, "which", which)
        building = tmp_path / name
        release.seed(live, building)
        for rel in ("index.html", "tin/bai.html", "sitemap.xml"):
            assert (building / rel).stat().st_ino == (live / rel).stat().st_ino, (name, rel)
        assert (building / "moi-nhat").is_symlink() and os.readlink(building / "moi-nhat") == "tin"
    empty = tmp_path / "first"  # no live release yet: an empty folder to build in
    release.seed(None, empty)
    assert empty.is_dir() and not list(empty.iterdir())


def children(name: bytes) -> list[int]:
    """Ids of this process's children whose command line contains `name` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == os.getpid() and name in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_the_build_starts_while_the_release_is_seeded_and_waits_for_it(tmp_path, monkeypatch):
    """The build runs beside the seeding and writes nothing before it is done."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import release

    site = Site(tmp_path, count=6)
    assert site.publish().returncode == 0
    live_release = site.live.resolve()
    site.edit(2, "Một câu sửa sau.")

    seen = {}
    real_seed = release.seed

    def slow_seed(previous, building):
        deadline = time.monotonic() + 60
        while not children(b"pelican") and time.monotonic() < deadline:
            time.sleep(0.02)
        seen["build running"] = bool(children(b"pelican"))
        time.sleep(0.5)  # the build is well into its work; it must still wait
        real_seed(previous, building)
        seen["seeded"] = time.time_ns()

    monkeypatch.setattr(release, "seed", slow_seed)
    assert release.main(["publish", "--input", str(site.content), "--conf", str(ROOT / "publishconf.py"),
                         "--releases", str(site.releases), "--live", str(site.live)]) == 0
    assert seen["build running"]  # started before the seeding was done
    new = site.live.resolve()
    assert new != live_release and not list(site.releases.glob(".seeding-*"))
    linked = written = 0
    for path in new.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        old = live_release / path.relative_to(new)
        if old.exists() and old.stat().st_ino == path.stat().st_ino:
            linked += 1
        else:  # written by the build: after the seeding
            written += 1
            assert path.stat().st_mtime_ns >= seen["seeded"], path
    assert linked > 20 and written >= 2
    edited, = new.glob("*/bai-so-2-ve-cong-tac-dan-van.html")
    assert "Một câu sửa sau." in edited.read_text(encoding="utf-8")


def test_trash_is_deleted_in_the_background_with_rm_or_without_it(tmp_path, monkeypatch):
    """Pruned releases (renamed .trash-…) and leftovers of a deletion cut
    short go in a background process; releases and other files stay."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import release

    for name, which in (("with-rm", shutil.which), ("without-rm", lambda _name: None)):
        monkeypatch.setattr(release.shutil, "which", which)
        releases = tmp_path / name
        write(releases / ".trash-20260101-080000" / "tin" / "bai.html", "<p>cũ</p>")
        write(releases / ".trash-20260102-080000" / "index.html", "<p>cũ</p>")
        write(releases / "20260103-080000" / "index.html", "<p>đang chạy</p>")
        (releases / ".lock").write_text("")
        release.discard(releases)
        deadline = time.monotonic() + 30
        while list(releases.glob(".trash-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(p.name for p in releases.iterdir()) == [".lock", "20260103-080000"], name
        assert (releases / "20260103-080000" / "index.html").read_text(encoding="utf-8") == "<p>đang chạy</p>"
