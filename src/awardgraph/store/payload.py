"""A query's answer body as the web worker holds it: the pieces a query process wrote, kept in memory up to
:data:`IN_MEMORY` bytes and in a temporary file beyond, then sent to the client piece by piece.

So a large answer is never whole in either process's memory, and the query process is free again as soon as it has
written it, however slowly the client reads (a slow client holds a file, not a query process).

>>> body = Payload()
>>> body.append(b"a,b\\r\\n"); body.append(b"1,2\\r\\n")
>>> body.size, body.read(), b"".join(body.pieces())
(10, b'a,b\\r\\n1,2\\r\\n', b'a,b\\r\\n1,2\\r\\n')
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import IO

IN_MEMORY = 4 << 20  # bytes kept in memory before the rest goes to a temporary file
PIECE = 256 << 10  # bytes per piece sent to the client


class Payload:
    """Bytes appended once, then read whole (:meth:`read`) or sent in pieces (:meth:`pieces`, which closes it).
    Dropping a payload closes it too."""

    def __init__(self, data: bytes = b"") -> None:
        self._file: IO[bytes] = io.BytesIO()
        self._in_memory = True
        self.size = 0
        if data:
            self.append(data)

    def append(self, data: bytes) -> None:
        if self._in_memory and self.size + len(data) > IN_MEMORY:
            spilled = tempfile.TemporaryFile()  # noqa: SIM115  # closed by close(), pieces() or when dropped
            spilled.write(self.read())
            self._file, self._in_memory = spilled, False
        self._file.write(data)
        self.size += len(data)

    @property
    def in_memory(self) -> bool:
        """Whether it is all in memory still (else in a temporary file)."""
        return self._in_memory

    def read(self) -> bytes:
        """All of it (for the HTML results page and tests, whose answers are small)."""
        self._file.seek(0)
        data = self._file.read()
        self._file.seek(0, io.SEEK_END)
        return data

    def pieces(self) -> Iterator[bytes]:
        """All of it in pieces of :data:`PIECE` bytes; the payload is closed afterwards."""
        try:
            self._file.seek(0)
            while piece := self._file.read(PIECE):
                yield piece
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the memory or the temporary file."""
        self._file.close()

    def __del__(self) -> None:
        self.close()
