"""The database port over the standard library's sqlite3, for the local host and tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tempmail.ports import Row, RunResult, Statement


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


class SqliteDatabase:
    """One sqlite3 connection used from the event loop's thread.

    Calls are synchronous under the async signatures: SQLite answers in microseconds and a
    single connection on one thread keeps transactions simple.
    """

    def __init__(self, path: str | Path) -> None:
        # isolation_level=None: autocommit, with explicit BEGIN/COMMIT in batch(), like D1.
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._conn.row_factory = _dict_row
        self._conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")

    def execute_script(self, script: str) -> None:
        """Run a multi-statement script (the schema)."""
        self._conn.executescript(script)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    async def first(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self._conn.execute(sql, tuple(params)).fetchone()

    async def run(self, sql: str, params: Sequence[Any] = ()) -> RunResult:
        cursor = self._conn.execute(sql, tuple(params))
        return RunResult(changes=cursor.rowcount, last_row_id=cursor.lastrowid)

    async def batch(self, statements: Sequence[Statement]) -> list[RunResult]:
        results = []
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                cursor = self._conn.execute(statement.sql, tuple(statement.params))
                results.append(RunResult(changes=cursor.rowcount, last_row_id=cursor.lastrowid))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return results
