"""Peer: Python ``synthdid`` 0.10.1, SDID with placebo standard error on Prop 99 (run in its own venv).

    benchmarks/.peers/synthdid/bin/python benchmarks/peers/sdid_synthdid.py DATA.csv SEED

Its ``vcov(method="placebo")`` always draws 50 placebo replications (the ``n_reps`` argument is not passed
on). Prints one JSON line: seconds (fit + placebo SE, inside this process), att, se, replications.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from synthdid.synthdid import Synthdid

path, seed = sys.argv[1], int(sys.argv[2])
wide = pd.read_csv(path)
long = wide.melt(id_vars="Year", var_name="State", value_name="PacksPerCapita")
long["treated"] = ((long.State == "California") & (long.Year >= 1989)).astype(int)
np.random.seed(seed)
t0 = time.perf_counter()
model = Synthdid(long, "State", "Year", "treated", "PacksPerCapita").fit().vcov(method="placebo")
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "att": float(model.att), "se": float(model.se), "replications": 50}))
