"""Synthetic control and synthetic DiD; ``sc`` and ``sdid`` are registered in estimators.py.

Synthetic control as R ``Synth`` computes it: synth.py, synth_solver.py, synth_inference.py. Synthetic DiD as
R ``synthdid`` computes it: sdid.py, sdid_inference.py, on the batched Frank–Wolfe solver of frank_wolfe.py.
"""
