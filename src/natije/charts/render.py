"""Vega-Lite specs to SVG through vl-convert, cached by the SHA-256 of the spec with its data.

A spec carries its data inline, so its canonical JSON (keys sorted, no spaces) is the whole input; the key
also names the vl-convert and Vega-Lite versions, so an upgrade never serves an old drawing. Renders are kept
in an in-process LRU and, when a ``cache_dir`` is given, in ``<key>.svg`` files there (written atomically), so
a web worker that starts warm (:func:`warm`) and the report draw each chart once. vl-convert is deterministic:
the same spec gives byte-identical SVG, which the byte-identical report relies on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import vl_convert

VL_VERSION = "6.4"  # the Vega-Lite version Altair writes its specs for
MEMORY_SIZE = 256

_memory: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def canonical(spec: Mapping[str, Any]) -> str:
    """The spec as canonical JSON: keys sorted, no spaces, no NaN (a NaN raises ``ValueError``)."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def spec_key(spec: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the renderer's versions and the canonical spec."""
    head = f"vl-convert-python {version('vl-convert-python')} vega-lite {VL_VERSION}\n"
    return hashlib.sha256((head + canonical(spec)).encode("utf-8")).hexdigest()


def _remember(key: str, text: str) -> None:
    with _lock:
        _memory[key] = text
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_SIZE:
            _memory.popitem(last=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def svg(spec: Mapping[str, Any], *, cache_dir: Path | None = None) -> str:
    """The SVG of a Vega-Lite ``spec``: from memory, else from ``cache_dir``, else rendered
    (and kept in both)."""
    key = spec_key(spec)
    with _lock:
        found = _memory.get(key)
        if found is not None:
            _memory.move_to_end(key)
            return found
    path = Path(cache_dir) / f"{key}.svg" if cache_dir is not None else None
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        text = vl_convert.vegalite_to_svg(canonical(spec), vl_version=VL_VERSION)
        if path is not None:
            _write(path, text)
    _remember(key, text)
    return text


def png(spec: Mapping[str, Any], scale: float = 1.0) -> bytes:
    """The spec as a PNG image (for checks and previews; not cached)."""
    return vl_convert.vegalite_to_png(canonical(spec), vl_version=VL_VERSION, scale=scale)


def warm(specs: Iterable[Mapping[str, Any]], *, cache_dir: Path | None = None) -> int:
    """Render every spec not yet cached (at start-up); return how many specs were given."""
    count = 0
    for spec in specs:
        svg(spec, cache_dir=cache_dir)
        count += 1
    return count


def clear_memory() -> None:
    """Forget the in-process renders (tests; the files in a cache directory stay)."""
    with _lock:
        _memory.clear()
