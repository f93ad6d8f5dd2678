"""Catalog commands: init, import, export, programs, show, demo (filled in by the foundation work)."""

from __future__ import annotations
