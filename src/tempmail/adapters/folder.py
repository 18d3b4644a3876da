"""The blob port over a folder on disk, for the local host and tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path


class FolderBlobStore:
    """Objects as files under `root`; keys are generated ids with `/` separators."""

    def __init__(self, root: str | Path) -> None:
        self._root = Path(root).resolve()
        self._root.mkdir(parents=True, exist_ok=True)
        self._prefix = str(self._root) + os.sep

    def _path(self, key: str) -> Path:
        # Keys are made from ids, never user input; this guards against a bug, not an attacker.
        # normpath, not resolve(): no symlink walk (an lstat per path component) on every call.
        path = os.path.normpath(os.path.join(self._root, key))
        if not path.startswith(self._prefix):
            raise ValueError(f"blob key escapes the store: {key!r}")
        return Path(path)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written object under the key.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    async def get_range(self, key: str, offset: int, length: int) -> bytes | None:
        try:
            with self._path(key).open("rb") as source:
                source.seek(offset)
                return source.read(length)
        except FileNotFoundError:
            return None

    async def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    async def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            path = self._path(key)
            path.unlink(missing_ok=True)
            # Drop now-empty folders up to the root so deleted mail leaves nothing behind.
            parent = path.parent
            while parent != self._root:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent
