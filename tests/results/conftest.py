"""Fixtures of the results tests; the frame builders live in frames_builders.py."""

from __future__ import annotations

import pytest
from frames_builders import demo_like_frames

from natije.results.frames import ProgramFrames


@pytest.fixture
def demo_like() -> ProgramFrames:
    return demo_like_frames()
