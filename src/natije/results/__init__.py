"""The results engine: achievement, roll-ups, status, forecasts, budget, flags and lineage — pure, vectorised.

Reads :class:`natije.results.frames.ProgramFrames` (polars frames) and returns polars frames or frozen result
objects. Imports only :mod:`natije.domain`, :mod:`natije.errors`, :mod:`natije.locale`, polars, numpy and, for
large inputs only, numba (the loops of :mod:`natije.results.loops`, compiled by
:mod:`natije.results.compiled`).
"""
