"""Frames shaped like what the services return, and a small PNG reader for looking at rendered charts."""

from __future__ import annotations

import datetime
import struct
import zlib

import numpy as np
import polars as pl
import pytest

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


@pytest.fixture
def regional_values() -> pl.DataFrame:
    """A value for every one of the 20 regions of 2024, plus the country (which a map does not draw)."""
    codes = region_codes(datetime.date(2024, 12, 31))
    return pl.DataFrame(
        {"territory": ["000000000", *codes], "value": [50.0, *(20.0 + 3.0 * i for i in range(len(codes)))]}
    )


@pytest.fixture
def observations() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2020", "2022", "2024", "2025"],
            "value": [19.3, 30.0, 41.0, 42.2],
            "illustrative": [False, True, False, False],
        }
    )


@pytest.fixture
def commitments() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kind": ["baseline", "target", "target"],
            "period": ["2024", "2027", "2027"],
            "value": [41.0, 88.0, 90.0],
            "version": [1, 1, 2],
            "decided_on": [
                datetime.date(2024, 9, 1),
                datetime.date(2025, 6, 24),
                datetime.date(2025, 10, 21),
            ],
        }
    )


@pytest.fixture
def execution() -> pl.DataFrame:
    """Shaped like ``natije.results.budget.execution(budgets, by=("year",))``."""
    return pl.DataFrame(
        {
            "year": [2024, 2025, 2026, 2024],
            "currency": ["KZT", "KZT", "KZT", "USD"],
            "planned": [92.4e9, 93.7e9, 90.6e9, 1e6],
            "approved": [90e9, None, None, None],
            "executed": [83.8e9, 82.1e9, None, 1e6],
            "rate": [0.93, None, None, 1.0],
        }
    )


@pytest.fixture
def effects() -> pl.DataFrame:
    """Shaped like ``EvaluationResult.effects_frame()`` of an event study."""
    labels = list(range(-3, 4))
    estimates = [0.1, -0.2, 0.0, 3.2, 3.7, 3.3, 2.6]
    return pl.DataFrame(
        {
            "label": [str(x) for x in labels],
            "kind": ["event_time"] * 7,
            "estimate": estimates,
            "se": [0.3] * 7,
            "ci_low": [e - 0.6 for e in estimates],
            "ci_high": [e + 0.6 for e in estimates],
        }
    )
