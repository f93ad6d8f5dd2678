"""Interrupted time series (``its``): a structural time-series counterfactual in the spirit of CausalImpact.

The treated series (the mean of the treated units) is modelled on the pre-period as a local level
(optionally with a trend) plus a regression on the control units' series, with statsmodels'
``UnobservedComponents``. The fitted model forecasts the post-period without the intervention; the
effect is observed minus forecast. Intervals come from paths simulated from the predictive
distribution, in seeded chunks through the executor. Regression coefficients are states (their
uncertainty enters the forecast); the variances are drawn from their posterior (see
``_posterior_params``), because plug-in maximum likelihood often puts the state variances at zero and
gives too narrow intervals.

Options: ``trend`` (bool, default False), ``controls`` (bool, default True: use untreated units as
regressors), ``lang``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from natije.errors import EstimationError, InsufficientData, Text
from natije.evaluation import texts
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import Executor, run_draws
from natije.evaluation.inference import check_inference
from natije.evaluation.panel import Panel
from natije.evaluation.registry import register
from natije.evaluation.result import Effect, EvaluationResult


def _model(y: np.ndarray, X: np.ndarray | None, trend: bool) -> Any:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    level = "local linear trend" if trend else "local level"
    return UnobservedComponents(y, level=level, exog=X, mle_regression=False)


POSTERIOR_DRAWS = 400
"""Prior draws weighed by the likelihood; ``PARAM_SETS`` of them are resampled for simulation."""
PARAM_SETS = 40


def _posterior_params(model: Any, mle: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Parameter sets resampled from their posterior (sampling-importance-resampling).

    Priors: Jeffreys ``1/s2`` on the irregular variance ``s2`` and log-uniform on each state variance's
    ratio to it over ``[1e-6, 1]``. Proposal: ``s2`` from a scaled inverse chi-square around its MLE
    (``nu = n - 1``), ratios from their prior; weights = likelihood x prior / proposal.
    """
    names = list(model.param_names)
    i_irr = names.index("sigma2.irregular")
    s2 = max(float(mle[i_irr]), 1e-12)
    nu = max(int(model.nobs) - 1, 2)
    states = [i for i, n in enumerate(names) if n != "sigma2.irregular"]
    irr = nu * s2 / rng.chisquare(nu, POSTERIOR_DRAWS)
    draws = np.repeat(mle[None, :], POSTERIOR_DRAWS, axis=0)
    draws[:, i_irr] = irr
    draws[:, states] = irr[:, None] * 10.0 ** rng.uniform(-6, 0, size=(POSTERIOR_DRAWS, len(states)))
    ll = np.array([model.loglike(p) for p in draws])
    # log prior - log proposal for s2 (up to a constant): -log x + (nu/2 + 1) log x + nu s2 / (2 x)
    logw = ll + (nu / 2) * np.log(irr) + nu * s2 / (2 * irr)
    w = np.exp(logw - logw[np.isfinite(logw)].max())
    w = np.where(np.isfinite(w), w, 0.0)
    return draws[rng.choice(POSTERIOR_DRAWS, size=PARAM_SETS, p=w / w.sum())]


def _fit(y: np.ndarray, X: np.ndarray | None, trend: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _model(y, X, trend).fit(disp=False, maxiter=200)


def _paths_chunk(task: tuple[Any, np.random.SeedSequence, int]) -> np.ndarray:
    """Simulate ``size`` post-period paths of the no-intervention outcome (size, H)."""
    (y, X_pre, X_post, trend, param_sets, h), ss, size = task
    rng = np.random.default_rng(ss)
    pick = np.sort(rng.integers(0, len(param_sets), size))
    model = _model(y, X_pre, trend)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, count in zip(*np.unique(pick, return_counts=True)):
            res = model.smooth(param_sets[k])
            sims = res.simulate(h, anchor="end", repetitions=int(count), exog=X_post, rng=rng)
            out.append(np.asarray(sims).reshape(h, int(count)).T)
    return np.vstack(out)


def _placebo_in_time(
    y: np.ndarray, X: np.ndarray | None, trend: bool, alpha: float
) -> dict[str, float] | None:
    """Pretend the intervention started halfway through the pre-period; the 'effect' should be ~0."""
    half = y.size // 2
    if half < 5 or y.size - half < 2:
        return None
    res = _fit(y[:half], None if X is None else X[:half], trend)
    fc = res.get_forecast(y.size - half, exog=None if X is None else X[half:])
    eff = y[half:] - fc.predicted_mean
    band = fc.conf_int(alpha=alpha)
    inside = float(np.mean((y[half:] >= band[:, 0]) & (y[half:] <= band[:, 1])))
    return {"average_effect": float(eff.mean()), "share_inside_interval": inside, "fake_start_index": half}


@register("its")
class InterruptedTimeSeries:
    """Structural time-series counterfactual for a block design (treated units from ``start``)."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Fit on the pre-period, forecast, compare; pointwise and cumulative effects with intervals."""
        check_inference(design, ("simulation",))
        T0 = panel.T0
        T = panel.Y.shape[1]
        if T0 < 3:
            raise InsufficientData(Text("error.its_few_periods"))
        y = panel.Y[panel.treated].mean(0)
        trend = bool(design.options.get("trend", False))
        ctrl = (
            panel.Y[~panel.treated].T
            if design.options.get("controls", True) and (~panel.treated).any()
            else None
        )
        X_pre, X_post = (None, None) if ctrl is None else (ctrl[:T0], ctrl[T0:])
        res = _fit(y[:T0], X_pre, trend)
        if not np.all(np.isfinite(res.params)):
            raise EstimationError(Text("error.sts_no_convergence"))
        h = T - T0
        sets = _posterior_params(res.model, np.asarray(res.params), np.random.default_rng([design.seed, 7]))
        paths = run_draws(
            executor,
            _paths_chunk,
            (y[:T0], X_pre, X_post, trend, sets, h),
            design.seed,
            design.n_boot,
        )
        fc = np.asarray(res.get_forecast(h, exog=X_post).predicted_mean)
        obs = y[T0:]
        a = design.alpha
        point = obs - fc
        point_draws = obs[None, :] - paths
        lo, hi = np.quantile(point_draws, [a / 2, 1 - a / 2], axis=0)
        avg_draws = point_draws.mean(1)
        est = float(point.mean())
        ci = (float(np.quantile(avg_draws, a / 2)), float(np.quantile(avg_draws, 1 - a / 2)))
        B = avg_draws.size
        p = min(1.0, 2 * (1 + min((avg_draws <= 0).sum(), (avg_draws >= 0).sum())) / (1 + B))
        cum_draws = point_draws.sum(1)
        effects = tuple(
            Effect(
                _py(panel.times[T0 + k]),
                "period",
                float(point[k]),
                float(point_draws[:, k].std()),
                float(lo[k]),
                float(hi[k]),
            )
            for k in range(h)
        )
        pre_resid = np.asarray(res.filter_results.forecasts_error[0][1:])
        diagnostics: dict[str, Any] = {
            "cumulative": {
                "estimate": float(point.sum()),
                "se": float(cum_draws.std()),
                "ci_low": float(np.quantile(cum_draws, a / 2)),
                "ci_high": float(np.quantile(cum_draws, 1 - a / 2)),
            },
            "pre_fit": {
                "rmse": float(np.sqrt(np.mean(pre_resid**2))),
                "mape": float(np.mean(np.abs(pre_resid / np.where(y[1:T0] == 0, np.nan, y[1:T0])))),
            },
            "placebo_in_time": _placebo_in_time(y[:T0], X_pre, trend, a),
            "counterfactual": fc.tolist(),
            "controls": 0 if ctrl is None else int(ctrl.shape[1]),
        }
        keys = ["its_stable", "no_anticipation"] + (["its_controls"] if ctrl is not None else [])
        return EvaluationResult(
            estimate=est,
            se=float(avg_draws.std()),
            ci=ci,
            p_value=p,
            method="its",
            design=design,
            effects=effects,
            diagnostics=diagnostics,
            assumption_keys=tuple(keys),
            interpretation=texts.interpret_its(design, est, ci, float(point.sum())),
        )


def _py(v: object) -> object:
    return v.item() if hasattr(v, "item") else v
