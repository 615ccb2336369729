"""Compression of stored bytes (raw pages, attachments).

zlib from the standard library: raw HTML compresses about 5:1 with it, and every Python has it,
so an archive never becomes unreadable for want of an optional codec.
"""

from __future__ import annotations

import hashlib
import zlib

CODEC = "zlib"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def decompress(data: bytes, codec: str) -> bytes:
    if codec == "zlib":
        return zlib.decompress(data)
    if codec == "none":
        return data
    raise ValueError(f"unknown blob codec {codec!r}")
