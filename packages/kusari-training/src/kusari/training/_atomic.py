"""Replacing a file atomically, whatever writes it: a temporary file, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable

__all__ = ["TEMPORARY_NAME", "atomic_save"]

TEMPORARY_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
"""The names of the temporary files :func:`atomic_save` writes (left behind only by a crash)."""


def atomic_save(path: str | os.PathLike[str], save: Callable[[str], object]) -> None:
    """Create or replace ``path`` with what ``save`` writes, all or nothing.

    ``save`` gets the name of a new, empty temporary file in the same folder
    (``.<name>.<random>.tmp``, created with the usual permissions) and writes it; the file
    then replaces ``path`` with :func:`os.replace`, which is atomic.  If ``save`` raises,
    the temporary file is removed and ``path`` keeps its previous content.

    Args:
        path: The file to create or replace.
        save: Writes the file whose name it is given.
    """
    target = os.fspath(path)
    folder, base = os.path.split(os.path.abspath(target))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(folder, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(temporary, flags, 0o666))
        except FileExistsError:  # pragma: no cover - a 48-bit name collision
            continue
        break
    try:
        save(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
