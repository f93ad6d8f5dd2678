"""Peer timing script, run inside benchmarks/.peers/csdid (never imported by natije).

Usage: python cs_csdid.py DATA.csv REPEATS -> prints JSON {"seconds": best, "att": ...}; the clock runs
inside this process around estimation + simple aggregation (doubly robust, 1,000 bootstrap draws).
"""

import contextlib
import io
import json
import sys
import time
import warnings

import pandas as pd
from csdid.att_gt import ATTgt

warnings.filterwarnings("ignore")
df = pd.read_csv(sys.argv[1])
reps = int(sys.argv[2])
times = []
for _ in range(reps + 1):  # the first run warms up and is not counted
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        out = ATTgt(
            yname="lemp", gname="first.treat", idname="countyreal", tname="year", data=df, biters=1000
        ).fit(est_method="dr", bstrap=True)
        agg = out.aggte(typec="simple")
    times.append(time.perf_counter() - t0)
att = getattr(out, "atte", None) or {}
print(
    json.dumps(
        {
            "seconds": min(times[1:]) if reps else times[0],
            "first": times[0],
            "att": float(att.get("overall_att", float("nan"))) if isinstance(att, dict) else None,
        }
    )
)
