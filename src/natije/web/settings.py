"""The web application's settings: one frozen value handed to :func:`natije.web.create_app`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from natije.locale import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Settings:
    """What the app serves and how.

    Attributes
    ----------
    database_url : str | None
        SQLite path or database URL of the store (``None``: ``NATIJE_DATABASE_URL``, else ``./natije.db``).
    default_language : str
        Language of ``/`` and of error pages when the URL names none (``kk``).
    cache_dir : Path | None
        Where rendered charts are kept between runs (``None``: in memory only).
    cache_size : int
        How many computed views (a program's results on one day and basis…) each worker keeps. The start-up
        warm-up alone keeps about four per indicator (its series, its chart in each language) and a dozen per
        program; with 256, a store of 60 indicators evicted the warmed views before anyone asked for them.
    warm : bool
        Compute the present view of every program when the app starts (in a background thread).
    version_interval : float
        Seconds a worker goes on answering from the store version it last read before reading it again (an
        import is seen within that time; ``0``: read on every request).
    """

    database_url: str | None = None
    default_language: str = DEFAULT_LANGUAGE
    cache_dir: Path | None = None
    cache_size: int = 4096
    warm: bool = False
    version_interval: float = 1.0

    def __post_init__(self) -> None:
        if self.default_language not in LANGUAGES:
            raise ValueError(f"default_language must be one of {', '.join(LANGUAGES)}")

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``NATIJE_DATABASE_URL``, ``NATIJE_LANG`` and ``NATIJE_CACHE_DIR`` (what workers
        read); a worker warms its views at start."""
        cache = os.environ.get("NATIJE_CACHE_DIR")
        return cls(
            database_url=os.environ.get("NATIJE_DATABASE_URL"),
            default_language=os.environ.get("NATIJE_LANG") or DEFAULT_LANGUAGE,
            cache_dir=Path(cache) if cache else None,
            warm=True,
        )
