#!/usr/bin/env python3
"""Reference values for the Swift Diebold-Mariano and deflated-Sharpe code (Tests/LabFixtures/dm_reference.json).

Series: fixed numpy seeds (stored in the file too, so the Swift test reads the very same numbers).
DM statistic: statsmodels OLS of the loss differential d_t on a constant with a HAC covariance, uniform kernel,
maxlags = h-1, no small-sample correction -- that t-value IS the Diebold-Mariano statistic
d_bar / sqrt((gamma_0 + 2 sum_{k<h} gamma_k) / n). HLN factor sqrt((n+1-2h+h(h-1)/n)/n), p-values from
scipy.stats.norm / scipy.stats.t(n-1). Normal quantiles for the deflated Sharpe ratio from scipy.stats.norm.ppf.

Usage: python3 tools/lab/make_dm_fixture.py   (numpy, scipy, statsmodels)
"""
import json
from pathlib import Path

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

OUT = Path(__file__).resolve().parent.parent.parent / "Tests" / "LabFixtures" / "dm_reference.json"


def dm_reference(e1, e2, loss, h):
    d = e1 ** 2 - e2 ** 2 if loss == "squared" else np.abs(e1) - np.abs(e2)
    n = len(d)
    res = sm.OLS(d, np.ones(n)).fit(cov_type="HAC", cov_kwds={"maxlags": h - 1, "kernel": "uniform", "use_correction": False})
    dm = float(res.tvalues[0])
    # the same number written out, as a check of the statsmodels reading
    mean = d.mean()
    gam = [np.sum((d[k:] - mean) * (d[:n - k] - mean)) / n for k in range(h)]
    v = gam[0] + 2 * sum(gam[1:])
    assert abs(dm - mean / np.sqrt(v / n)) < 1e-9 * max(1, abs(dm)), (dm, mean / np.sqrt(v / n))
    hln = dm * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return {"statistic": dm, "p_normal": float(2 * stats.norm.sf(abs(dm))), "statistic_hln": float(hln),
            "p_hln": float(2 * stats.t.sf(abs(hln), df=n - 1)), "mean_difference": float(mean)}


def main():
    cases = []
    specs = [(11, 50, 1, 0.0), (12, 200, 3, 0.6), (13, 500, 1, 0.0), (14, 40, 5, 0.4), (15, 300, 2, 0.2)]
    for seed, n, h, rho in specs:
        rng = np.random.RandomState(seed)
        common = rng.standard_normal(n)
        e1 = np.zeros(n); e2 = np.zeros(n)
        u1, u2 = rng.standard_normal(n), rng.standard_normal(n) * 1.15
        for t in range(n):  # MA-style dependence for the h > 1 cases
            e1[t] = 0.5 * common[t] + u1[t] + (rho * u1[t - 1] if t else 0)
            e2[t] = 0.5 * common[t] + u2[t] + (rho * u2[t - 1] if t else 0)
        for loss in ("squared", "absolute"):
            cases.append({"seed": seed, "n": n, "horizon": h, "loss": loss, "errors_a": e1.tolist(), "errors_b": e2.tolist(),
                          **dm_reference(e1, e2, loss, h)})
    quantiles = {str(p): float(stats.norm.ppf(p)) for p in (1e-6, 0.001, 0.02, 0.3, 0.5, 0.9, 0.99, 0.999999)}
    t_two_sided = [{"t": t, "df": df, "p": float(2 * stats.t.sf(abs(t), df))} for t, df in
                   [(0.3, 5), (-1.7, 12), (2.5, 49), (4.2, 199), (-0.01, 3), (8.0, 30)]]
    # deflated Sharpe: fixed returns, N trials with fixed per-period Sharpes
    rng = np.random.RandomState(21)
    r = rng.standard_t(5, 1000) * 0.01 + 0.0012
    trial_sr = (rng.standard_normal(50) * 0.02 + 0.03).tolist()
    trial_sr[0] = float(r.mean() / r.std())
    sr = r.mean() / r.std()
    skew = float(stats.skew(r)); kurt = float(stats.kurtosis(r, fisher=False))
    v = float(np.var(trial_sr, ddof=1)); N = len(trial_sr); g = 0.5772156649015329
    sr0 = np.sqrt(v) * ((1 - g) * stats.norm.ppf(1 - 1 / N) + g * stats.norm.ppf(1 - 1 / (N * np.e)))
    z = (sr - sr0) * np.sqrt(len(r) - 1) / np.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr ** 2)
    dsr = {"returns": r.tolist(), "trial_sharpes": trial_sr, "sharpe": float(sr), "expected_max": float(sr0),
           "skewness": skew, "kurtosis": kurt, "probability": float(stats.norm.cdf(z))}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "made_by": "tools/lab/make_dm_fixture.py: statsmodels OLS HAC (uniform kernel, maxlags h-1, no correction) t-value "
                   "= DM; HLN factor; scipy.stats t/norm p-values; deflated Sharpe per Bailey & Lopez de Prado (2014) with "
                   "scipy.stats skew/kurtosis(fisher=False)/norm.ppf",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "dm": cases, "normal_quantiles": quantiles, "t_two_sided": t_two_sided, "deflated_sharpe": dsr}, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
