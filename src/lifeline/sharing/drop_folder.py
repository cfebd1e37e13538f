"""A drop folder on disk: kept inside the configured roots, listed, hashed, and emptied into
``done/``.

Only regular files directly in the directory are seen (symbolic links and sub-directories are
not), and the directory is resolved and checked against the roots again on every round, so a
link swapped in after registration cannot lead a round outside them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from lifeline.kernel.errors import Forbidden, InvalidInput
from lifeline.sharing.drops import Sighting

DONE = "done"
_CHUNK = 1 << 20


def parse_roots(value: str) -> tuple[Path, ...]:
    """Directories separated by the platform's path separator (``:`` on Linux), resolved."""
    return tuple(Path(p).resolve() for p in value.split(os.pathsep) if p.strip())


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_directory(directory: str, roots: Sequence[Path]) -> Path:
    """The drop directory, resolved (links followed), when it lies inside one of ``roots``;
    Forbidden outside them (whether or not it exists), InvalidInput when it is no directory."""
    if not roots:
        raise Forbidden(
            "file drops are disabled: no drop roots are configured (LIFELINE_SHARING_DROP_ROOTS)"
        )
    if "\x00" in directory or not Path(directory).is_absolute():
        raise InvalidInput("directory", "must be an absolute path")
    resolved = Path(directory).resolve()
    if not any(_within(resolved, root) for root in roots):
        raise Forbidden(f"{directory} is outside the configured drop roots")
    if not resolved.is_dir():
        raise InvalidInput("directory", f"no such directory: {directory}")
    return resolved


def list_files(directory: Path, pattern: str, now_s: float) -> list[Sighting]:
    """The regular files directly in ``directory`` whose names match ``pattern`` (ignoring
    case), with their size, modification time and age at ``now_s`` (epoch seconds)."""
    wanted = pattern.lower()
    found: list[Sighting] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            if not fnmatch.fnmatchcase(entry.name.lower(), wanted):
                continue
            st = entry.stat(follow_symlinks=False)
            found.append(
                Sighting(
                    name=entry.name,
                    size_bytes=st.st_size,
                    mtime_us=st.st_mtime_ns // 1000,
                    age_s=max(0.0, now_s - st.st_mtime_ns / 1e9),
                )
            )
    return found


def is_plain_file(path: Path) -> bool:
    """Whether ``path`` is a regular file itself (not a link to one)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def hash_file(directory: Path, sighting: Sighting) -> str | None:
    """SHA-256 (hex) of the file's content, or None when it changed while being read (its size
    or modification time differ from the sighting's: still being written), is gone or has become
    a link."""
    path = directory / sighting.name
    digest = hashlib.sha256()
    size = 0
    try:  # never through a link swapped in since the listing
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        st = path.stat(follow_symlinks=False)
    except OSError:  # gone, or a link now
        return None
    if (
        size != sighting.size_bytes
        or st.st_size != size
        or st.st_mtime_ns // 1000 != (sighting.mtime_us)
    ):
        return None
    return digest.hexdigest()


def move_to_done(directory: Path, name: str, content_hash: str) -> Path:
    """Move a picked-up file into ``done/`` beside it (made when missing); a name already taken
    there gets the first 12 characters of the content hash before its extension."""
    done = directory / DONE
    done.mkdir(exist_ok=True)
    target = done / name
    if target.exists():
        source = Path(name)
        target = done / f"{source.stem}.{content_hash[:12]}{source.suffix}"
    os.replace(directory / name, target)
    return target
