"""Peer timing script, run inside benchmarks/.peers/differences (GPL-3: run only, never imported by natije).

Usage: python cs_differences.py DATA.csv REPEATS -> prints JSON {"seconds": best, "att": ...}; the clock
runs inside this process around estimation + simple aggregation (doubly robust, 1,000 bootstrap draws).
"""

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from differences import ATTgt

warnings.filterwarnings("ignore")
df = pd.read_csv(sys.argv[1])
reps = int(sys.argv[2])
df["cohort"] = df["first.treat"].where(df["first.treat"] > 0, np.nan)
df = df.set_index(["countyreal", "year"])
times = []
for _ in range(reps + 1):  # the first run warms up and is not counted
    t0 = time.perf_counter()
    att = ATTgt(data=df, cohort_column="cohort")
    att.fit("lemp", est_method="dr", boot_iterations=1000, random_state=0, progress_bar=False)
    agg = att.aggregate("simple", boot_iterations=1000, random_state=0)
    times.append(time.perf_counter() - t0)
print(
    json.dumps(
        {"seconds": min(times[1:]) if reps else times[0], "first": times[0], "att": float(agg.iloc[0, 0])}
    )
)
