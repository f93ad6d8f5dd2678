"""Looking at rendered charts: a small PNG reader, and the region codes a map should draw."""

from __future__ import annotations

import datetime
import struct
import zlib

import numpy as np

from natije.charts import boundaries


def read_png(data: bytes) -> np.ndarray:
    """Pixels (height × width × channels, uint8) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 4 if colour == 6 else 3
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(
        height, 1 + width * channels
    )
    out = np.zeros((height, width * channels), dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        above = out[y - 1] if y else np.zeros_like(line)
        if kind == 0:
            out[y] = line
        elif kind == 2:
            out[y] = (line + above) % 256
        else:  # sub, average, paeth depend on the left neighbour: byte by byte
            row = out[y]
            for x in range(line.size):
                left = row[x - channels] if x >= channels else 0
                upper_left = above[x - channels] if x >= channels else 0
                if kind == 1:
                    guess = left
                elif kind == 3:
                    guess = (left + above[x]) // 2
                else:
                    p = left + above[x] - upper_left
                    pa, pb, pc = abs(p - left), abs(p - above[x]), abs(p - upper_left)
                    guess = left if pa <= pb and pa <= pc else above[x] if pb <= pc else upper_left
                row[x] = (line[x] + guess) % 256
    return out.astype(np.uint8).reshape(height, width, channels)


def region_codes(on: datetime.date) -> list[str]:
    return [f["properties"]["code"] for f in boundaries(on)["features"]]
