"""What the files dupecheck keeps in SQLite (the index, the cache) share: transactions and closing."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from types import TracebackType
from typing import Self


class SqliteFile:
    """A SQLite connection (``_db``, opened with ``isolation_level=None``) used as a context manager."""

    _db: sqlite3.Connection

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: all of it is applied, or none (``BEGIN IMMEDIATE`` waits for writers)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
