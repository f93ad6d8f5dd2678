"""SVG rendering: the same spec gives the same bytes, cached in memory and on disk by the spec's hash."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from natije.charts import render, series_chart, svg, warm

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def spec(observations, commitments):
    return series_chart(observations, commitments, lang="kk", name="Үлес", unit="%").spec


def test_same_spec_renders_the_same_bytes_in_another_process(spec, tmp_path):
    render.clear_memory()
    here = svg(spec)
    render.clear_memory()
    assert svg(spec) == here
    script = (
        "import json, sys; from natije.charts import svg; "
        "spec = json.loads(sys.stdin.buffer.read().decode('utf-8')); "
        "sys.stdout.buffer.write(svg(spec).encode('utf-8'))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    other = subprocess.run(
        [sys.executable, "-c", script],
        input=render.canonical(spec).encode("utf-8"),
        capture_output=True,
        text=False,
        env=env,
        check=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert other.stdout == here.encode("utf-8")


def test_key_is_the_hash_of_spec_and_data(spec):
    same = copy.deepcopy(spec)
    assert render.spec_key(same) == render.spec_key(spec) and len(render.spec_key(spec)) == 64
    changed = copy.deepcopy(spec)
    changed["layer"][-1]["data"]["values"][0]["value"] += 0.1
    assert render.spec_key(changed) != render.spec_key(spec)


def test_disk_cache_serves_without_rendering_again(spec, tmp_path, monkeypatch):
    render.clear_memory()
    drawn = svg(spec, cache_dir=tmp_path)
    assert (tmp_path / f"{render.spec_key(spec)}.svg").read_text(encoding="utf-8") == drawn
    render.clear_memory()

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(render.vl_convert, "vegalite_to_svg", refuse)
    assert svg(spec, cache_dir=tmp_path) == drawn  # from disk
    assert svg(spec) == drawn  # from memory
    assert warm([spec, spec], cache_dir=tmp_path) == 2


def test_memory_cache_is_bounded(spec, monkeypatch):
    render.clear_memory()
    monkeypatch.setattr(render, "MEMORY_SIZE", 2)
    monkeypatch.setattr(render.vl_convert, "vegalite_to_svg", lambda text, vl_version: text[:10])
    for i in range(4):
        svg({**spec, "width": 100 + i})
    assert len(render._memory) == 2
    render.clear_memory()


def test_nan_in_a_spec_is_refused(spec):
    with pytest.raises(ValueError):
        render.canonical({**spec, "width": float("nan")})
