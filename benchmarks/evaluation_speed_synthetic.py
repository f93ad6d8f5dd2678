"""Speed of natije's synthetic methods against their Python peers, side by side in one run, with ratios.

    .venv/bin/python benchmarks/evaluation_speed_synthetic.py [--repeats 3] [--seed 2024]

(a) SDID with a placebo standard error on Prop 99 vs ``synthdid`` 0.10.1 (venv ``.peers/synthdid``);
(b) Basque synthetic control fit plus all 16 in-space placebos vs ``pysyncon`` 1.7.0 (venv
``.peers/pysyncon``), printing both weight vectors and the pre-period MSPE (R's ``loss.v``) each reaches.

Also loaded by ``evaluation_speed.py`` through :data:`BENCHMARKS`. Peers time themselves inside their own
process, once each (they take tens of seconds); natije is the best of ``--repeats`` runs after a warm-up.
Same data and seed for everyone; the peers' random streams differ from ours, so only timings compare.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "evaluation"))

from evaluation_speed import DATA, Row, best_of, report, run_peer

SEED_DEFAULT = 2024


def _prop99():  # type: ignore[no-untyped-def]
    import numpy as np
    import polars as pl

    wide = pl.read_csv(DATA / "california_prop99.csv")
    controls = [c for c in wide.columns if c not in ("Year", "California")]
    Y = np.column_stack([wide[c].to_numpy() for c in [*controls, "California"]]).T
    return Y, len(controls), int((wide["Year"].to_numpy() < 1989).sum())


def sdid_prop99(args: argparse.Namespace) -> list[Row]:
    """SDID estimate plus placebo SE with the peer's replication count (50), Prop 99."""
    from natije.evaluation.synthetic.sdid import synthdid_estimate
    from natije.evaluation.synthetic.sdid_inference import standard_error

    Y, N0, T0 = _prop99()
    reps = 50
    seed = getattr(args, "seed", SEED_DEFAULT)

    def ours() -> tuple[float, float]:
        fit = synthdid_estimate(Y, N0, T0)
        return fit.estimate, standard_error(fit, "placebo", replications=reps, seed=seed).se

    est, se = ours()
    rows = [
        Row(
            "sdid",
            "Prop 99, placebo SE (50 reps)",
            "natije",
            best_of(ours, args.repeats),
            f"att={est:.5f} se={se:.3f}",
        )
    ]
    res = run_peer("synthdid", "sdid_synthdid.py", str(DATA / "california_prop99.csv"), str(seed))
    if "error" in res:
        rows.append(
            Row("sdid", "Prop 99, placebo SE (50 reps)", "synthdid", float("nan"), f"failed: {res['error']}")
        )
    else:
        rows.append(
            Row(
                "sdid",
                "Prop 99, placebo SE (50 reps)",
                "synthdid",
                float(res["seconds"]),  # type: ignore[arg-type]
                f"att={float(res['att']):.5f} se={float(res['se']):.3f}",
            )
        )  # type: ignore[arg-type]
    return rows


def sc_basque(args: argparse.Namespace) -> list[Row]:
    """Basque SC fit plus all in-space placebos; natije serial, pysyncon with its default process pool."""
    from test_synthetic_reference import basque_problem

    from natije.evaluation.synthetic.synth import fit_synth
    from natije.evaluation.synthetic.synth_inference import in_space_placebos

    problem = basque_problem()

    def ours():  # type: ignore[no-untyped-def]
        fit = fit_synth(problem)
        return fit, in_space_placebos(fit)

    fit, placebos = ours()
    w = {int(k): round(v, 4) for k, v in fit.weights_by_donor().items() if v > 1e-4}
    case = "Basque fit + 16 placebos"
    rows = [
        Row(
            "sc",
            case,
            "natije",
            best_of(ours, args.repeats),
            f"weights={w} loss_v={fit.loss_v:.6f} p={placebos.p_value:.3f}",
        )
    ]
    res = run_peer("pysyncon", "sc_pysyncon.py", str(DATA / "basque.csv"))
    if "error" in res:
        rows.append(Row("sc", case, "pysyncon", float("nan"), f"failed: {res['error']}"))
    else:
        pw = {k: round(v, 4) for k, v in res["weights"].items() if v > 1e-4}  # type: ignore[union-attr]
        rows.append(
            Row(
                "sc",
                case,
                "pysyncon",
                float(res["seconds"]),  # type: ignore[arg-type]
                f"weights={pw} loss_v={float(res['loss_V']):.6f} "  # type: ignore[arg-type]
                f"(fit {float(res['fit_seconds']):.2f}s + placebos {float(res['placebo_seconds']):.2f}s)",
            )
        )  # type: ignore[arg-type]
    return rows


BENCHMARKS = [sdid_prop99, sc_basque]


def main() -> None:
    """Run both benchmarks and print the markdown table (and JSON rows to benchmarks/out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED_DEFAULT)
    args = parser.parse_args()
    rows = [r for fn in BENCHMARKS for r in fn(args)]
    print(report(rows))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "evaluation_speed_synthetic.json").write_text(json.dumps([r.__dict__ for r in rows], indent=1))


if __name__ == "__main__":
    main()
