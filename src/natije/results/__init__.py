"""The results engine: achievement, roll-ups, status, forecasts, budget, flags and lineage — pure, vectorised.

Reads :class:`natije.results.frames.ProgramFrames` (polars frames) and returns polars frames or frozen result
objects. Imports only :mod:`natije.domain`, :mod:`natije.errors`, :mod:`natije.locale`, polars, numpy and numba
(the compiled loops of :mod:`natije.results.kernels`).
"""
