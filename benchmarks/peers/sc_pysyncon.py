"""Peer: ``pysyncon`` 1.7.0, Basque synthetic control fit plus all in-space placebos (its own venv).

    benchmarks/.peers/pysyncon/bin/python benchmarks/peers/sc_pysyncon.py basque.csv

The R ``Synth`` example spec; Nelder-Mead from equal weights (pysyncon's default). ``PlaceboTest``
uses all CPU cores (its default). Prints one JSON line: fit and placebo seconds, weights, losses.
"""

import contextlib
import io
import json
import sys
import time

import pandas as pd
from pysyncon import Dataprep, Synth
from pysyncon.utils import PlaceboTest

df = pd.read_csv(sys.argv[1])
regions = list(dict.fromkeys(df.regionname))
treated = "Basque Country (Pais Vasco)"
controls = [r for r in regions if r not in (treated, "Spain (Espana)")]
sectors = ["agriculture", "energy", "industry", "construction", "services.venta", "services.nonventa"]
dataprep = Dataprep(
    foo=df,
    predictors=["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"],
    predictors_op="mean",
    time_predictors_prior=range(1964, 1970),
    special_predictors=[("gdpcap", range(1960, 1970), "mean")]
    + [(f"sec.{s}", range(1961, 1970, 2), "mean") for s in sectors]
    + [("popdens", [1969], "mean")],
    dependent="gdpcap",
    unit_variable="regionname",
    time_variable="year",
    treatment_identifier=treated,
    controls_identifier=controls,
    time_optimize_ssr=range(1960, 1970),
)
t0 = time.perf_counter()
synth = Synth()
synth.fit(dataprep=dataprep, optim_method="Nelder-Mead", optim_initial="equal")
t_fit = time.perf_counter() - t0
t1 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    PlaceboTest().fit(
        dataprep=dataprep, scm=Synth(), scm_options={"optim_method": "Nelder-Mead", "optim_initial": "equal"}
    )
t_placebo = time.perf_counter() - t1
weights = {str(k): float(v) for k, v in zip(synth.W_names, synth.W)}
print(
    json.dumps(
        {
            "seconds": t_fit + t_placebo,
            "fit_seconds": t_fit,
            "placebo_seconds": t_placebo,
            "weights": weights,
            "loss_V": float(synth.loss_V),
            "n_placebos": len(controls),
        }
    )
)
