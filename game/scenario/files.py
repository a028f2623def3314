"""Reading an untrusted file, and the located problems reported about it.

``Problem`` (one diagnostic with its place), ``YamlFileError`` (a file that cannot be read or
parsed), ``describe_os_error`` and ``read_regular_file``. Kept apart from ``safe_yaml``, which
re-exports them, so that code that only reads bytes or reports problems (a cached scenario load)
does not import the YAML parser.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "Problem", "YamlFileError", "describe_os_error", "read_regular_file"]

#: The largest scenario or save file read (bytes).
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Problem:
    """One located diagnostic about a file."""

    file: str
    line: int  # 1-based, 0 if unknown
    col: int  # 1-based, 0 if unknown
    severity: str  # "error" | "warning"
    message: str

    def format(self) -> str:
        """gcc-style ``FILE:LINE:COL: severity: message`` (unknown parts left out)."""
        where = self.file
        if self.line > 0:
            where += f":{self.line}" + (f":{self.col}" if self.col > 0 else "")
        return f"{where}: {self.severity}: {self.message}"


_NAME_MAX = 255


def describe_os_error(exc: OSError, path) -> str:
    """One plain sentence for an OSError about ``path`` (no Python internals)."""
    name = str(path)
    code = exc.errno
    if code == errno.ENOENT:
        return "the file does not exist"
    if code == errno.ENAMETOOLONG or (code is None and len(os.path.basename(name)) > _NAME_MAX):
        longest = max((len(part) for part in name.replace("\\", "/").split("/")), default=0)
        return (f"the file name is too long ({longest} characters in one part; the system allows "
                f"{_NAME_MAX}): rename the file or give a shorter path")
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied: you may not read this file"
    if code == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if code == errno.ELOOP:
        return "the path goes round a loop of symbolic links"
    if code == errno.EISDIR:
        return "this is a directory, not a scenario file"
    if code == errno.ENOSPC:
        return "the disk is full"
    if code == errno.EROFS:
        return "the file system is read-only"
    return f"cannot open the file: {exc.strerror or type(exc).__name__}"


class YamlFileError(Exception):
    """The file cannot be read or parsed at all; ``problems`` says why and where.

    ``unreadable`` is True when the file could not be read as text at all (missing, not a regular
    file, too big, not UTF-8, binary): commands exit 2 for those, 1 for other errors."""

    def __init__(self, problems: list[Problem], unreadable: bool = False):
        self.problems = list(problems)
        self.unreadable = unreadable
        super().__init__("\n".join(p.format() for p in self.problems))


def read_regular_file(path, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of the regular file at ``path``.

    Never blocks: the file is opened without waiting (a named pipe would otherwise wait for a
    writer forever) and refused unless it is a regular file. Raises :class:`YamlFileError` with
    ``unreadable=True`` and one plain sentence."""
    name = str(path)

    def fail(message: str):
        raise YamlFileError([Problem(name, 0, 0, "error", message)], unreadable=True)

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the name
        fail(describe_os_error(e, name) if isinstance(e, OSError) else "the file name contains a NUL character")
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            fail("this is a directory, not a scenario file")
        if not stat.S_ISREG(st.st_mode):
            what = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device" if
                    stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a socket" if
                    stat.S_ISSOCK(st.st_mode) else "a special file")
            fail(f"this is {what}, not a regular file; only regular files are read")
        if st.st_size > max_bytes:
            fail(f"the file is larger than the limit of {max_bytes:,} bytes; split it or shorten it")
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as e:
        fail(f"cannot read the file: {e.strerror or type(e).__name__}")
    finally:
        os.close(fd)
