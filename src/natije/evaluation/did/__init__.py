"""Difference-in-differences: ``did`` and ``event-study`` (estimators.py) on the two-way fixed-effects fit."""
