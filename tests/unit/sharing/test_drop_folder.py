"""A drop folder on disk: confined to the roots, listed without links, hashed, emptied."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from lifeline.kernel.errors import Forbidden, InvalidInput
from lifeline.sharing.drop_folder import (
    hash_file,
    is_plain_file,
    list_files,
    move_to_done,
    parse_roots,
    resolve_directory,
)


def test_directories_must_lie_inside_a_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "fire").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (root / "escape").symlink_to(tmp_path / "other")
    roots = parse_roots(f"{root}{os.pathsep}{tmp_path / 'spare'}")
    assert roots == (root.resolve(), (tmp_path / "spare").resolve())
    assert resolve_directory(str(root / "fire"), roots) == (root / "fire").resolve()
    assert resolve_directory(str(root), roots) == root.resolve()
    for outside in (str(tmp_path / "other"), str(root / "escape"), str(root / ".." / "other")):
        with pytest.raises(Forbidden):
            resolve_directory(outside, roots)
    with pytest.raises(Forbidden):
        resolve_directory(str(root / "fire"), ())
    with pytest.raises(InvalidInput):
        resolve_directory("fire", roots)
    with pytest.raises(InvalidInput):
        resolve_directory(str(root / "missing"), roots)


def test_listing_matches_names_ignoring_case_and_skips_links_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n")
    (tmp_path / "B.CSV").write_text("yy\n")
    (tmp_path / "c.txt").write_text("z\n")
    (tmp_path / "sub.csv").mkdir()
    (tmp_path / "link.csv").symlink_to(tmp_path / "a.csv")
    os.utime(tmp_path / "a.csv", (1_000_000.0, 1_000_000.0))
    found = {s.name: s for s in list_files(tmp_path, "*.csv", now_s=1_000_060.0)}
    assert set(found) == {"a.csv", "B.CSV"}
    assert (found["a.csv"].size_bytes, found["a.csv"].mtime_us) == (2, 1_000_000_000_000)
    assert found["a.csv"].age_s == pytest.approx(60.0)


def test_a_file_changing_while_read_has_no_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"id\n1\n")
    [sighting] = list_files(tmp_path, "*.csv", now_s=0.0)
    assert hash_file(tmp_path, sighting) == hashlib.sha256(b"id\n1\n").hexdigest()
    path.write_bytes(b"id\n1\n2\n")  # grew since it was listed
    assert hash_file(tmp_path, sighting) is None
    path.unlink()
    assert hash_file(tmp_path, sighting) is None
    (tmp_path / "elsewhere.csv").write_bytes(b"id\n1\n")
    path.symlink_to(tmp_path / "elsewhere.csv")  # swapped for a link since the listing
    assert hash_file(tmp_path, sighting) is None
    assert not is_plain_file(path)
    assert is_plain_file(tmp_path / "elsewhere.csv")
    assert not is_plain_file(tmp_path / "missing.csv")


def test_done_files_move_aside_without_overwriting(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("one\n")
    assert move_to_done(tmp_path, "a.csv", "f" * 64) == tmp_path / "done" / "a.csv"
    (tmp_path / "a.csv").write_text("two\n")
    second = move_to_done(tmp_path, "a.csv", "0123456789abcdef")
    assert second == tmp_path / "done" / "a.0123456789ab.csv"
    assert (tmp_path / "done" / "a.csv").read_text() == "one\n"
    assert second.read_text() == "two\n"
    assert not (tmp_path / "a.csv").exists()
