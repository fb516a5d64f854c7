"""Bayesian optimisation for ``method: bayes``: the next trial of a sweep from the ones it has.

How a suggestion is made (docs/sweeps.md, "bayes", says why each piece beats W&B's):

1. Observations (:mod:`..observations`): each trial's best value, or its imputed one; pending and
   running trials are kept aside. Parameters are encoded into GP columns (:mod:`.encoding`).
2. Initial design: until ``initial_trials(d)`` observations exist, the point of a scrambled Sobol
   sequence (one per sweep) at the index of the trial count, so agents starting together get
   distinct, well-spread points (W&B gives each a uniform random point).
3. Otherwise: y in the minimising direction, standardised and warped (:mod:`.warping`); a GP
   fitted (:mod:`.gp`), and one step in three searched with shorter length scales (``_explorer``:
   a sweep settled in one basin still looks past it); pending trials added as fantasies at their
   predicted mean (kriging believer), so parallel agents spread out; log EI maximised over
   candidates with local refinement from the best candidates and the incumbent
   (:mod:`.acquisition`); the shortlist snapped to what it decodes to (ints, q-multiples,
   categories), re-scored, and the best point that no trial holds yet is proposed.

Everything is seeded by ``(seed, number of trials)``: the same sweep state gives the same proposal.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import qmc

from trackwell.service.sweep_engine.bayes import acquisition, gp
from trackwell.service.sweep_engine.bayes.encoding import Array, Space
from trackwell.service.sweep_engine.bayes.warping import OutputWarp
from trackwell.service.sweep_engine.observations import observations
from trackwell.service.sweep_engine.propose import make_proposal
from trackwell.service.sweep_engine.spec import Proposal, SweepSpec, Trial
from trackwell.service.sweep_engine.values import params_key

__all__ = ["initial_trials", "suggest"]

# Sobol points the initial design tries past ones some trial holds already.
INITIAL_TRIES = 64
# Enumerate a space of only ints and categoricals up to this size (every unseen point is scored).
ENUMERATE_MAX = 4096
PENDING_STATES = frozenset({"pending", "running"})
# Observations the model conditions on (see _cap) and pending trials it fantasises (the latest).
POSTERIOR_MAX = 300
PENDING_MAX = 100
# Every EXPLORE_EVERY-th model step searches with the length scales cut to at most EXPLORE_LS_MAX
# (see _explorer): ``len(trials) % EXPLORE_EVERY == EXPLORE_EVERY - 1``.
EXPLORE_EVERY = 3
EXPLORE_LS_MAX = 0.5


def initial_trials(d: int) -> int:
    """Observations before the GP takes over: enough to fit a length scale per dimension roughly,
    few enough to leave most of a 50-trial budget to the model."""
    return int(min(max(d + 3, 5), 10))


def suggest(spec: SweepSpec, trials: Sequence[Trial], *, seed: int) -> Proposal:
    """The next trial for a bayes sweep (``spec.metric`` is required; parse_config checks it)."""
    space = Space(spec)
    if space.d == 0:
        return _proposal(spec, dict(space.fixed), {"phase": "constant"})
    x_obs, y_obs, x_pending = _data(spec, space, trials)
    existing = {params_key(t.params) for t in trials}
    if y_obs.size < max(initial_trials(space.d), 2):
        return _initial(spec, space, trials, seed, existing)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, len(trials), 1])
    return _model_step(spec, space, x_obs, y_obs, x_pending, existing, rng, len(trials))


def _data(spec: SweepSpec, space: Space, trials: Sequence[Trial]) -> tuple[Array, Array, Array]:
    """Encoded observations (y to minimise) and pending rows; unplaceable trials are left out."""
    sign = -1.0 if spec.metric is not None and spec.metric.goal == "maximize" else 1.0
    xs, ys, pending = [], [], []
    for trial, y in observations(spec, trials):
        row = space.encode(trial.params)
        if row is None:
            continue
        if y is not None:
            xs.append(row)
            ys.append(sign * y)
        elif trial.state in PENDING_STATES:
            pending.append(row)
    d = space.d
    return (
        np.array(xs, dtype=np.float64).reshape(-1, d),
        np.array(ys, dtype=np.float64),
        np.array(pending, dtype=np.float64).reshape(-1, d),
    )


def _initial(
    spec: SweepSpec, space: Space, trials: Sequence[Trial], seed: int, existing: set[str]
) -> Proposal:
    """The Sobol point at the index of the trial count, of one scrambled sequence per sweep.

    The controller hands each proposal its own seed, so the sequence's scramble comes from what
    every later call of the same sweep sees alike: the first trial's run id (the first proposal,
    with no trial yet, uses the call's seed). Agents starting together get consecutive indices:
    distinct points that fill the space as a whole (a Sobol sequence's prefix is balanced), where
    W&B gives each a uniform random point. A point some trial holds already (small discrete
    spaces) is skipped for the next one."""
    stable = seed if not trials else zlib.crc32(trials[0].run_id.encode())
    sobol = qmc.Sobol(space.d, scramble=True, seed=np.random.default_rng([stable & 0xFFFFFFFF, space.d]))
    if trials:
        sobol.fast_forward(len(trials))
    params: dict[str, Any] = {}
    for _ in range(INITIAL_TRIES):
        params = space.prior_decode(sobol.random(1)[0])
        if params_key(params) not in existing:
            break
    return _proposal(spec, params, {"phase": "initial design"})


def _cap(x: Array, y: Array, rng: np.random.Generator) -> tuple[Array, Array]:
    """At most ``POSTERIOR_MAX`` observations: the best half of them and a random sample of the
    rest. The GP's cost grows with n**3 and a sweep can hold thousands of trials; where the next
    point goes depends on the good region (all of it kept) and a coarse view of the rest."""
    if y.size <= POSTERIOR_MAX:
        return x, y
    order = np.argsort(y, kind="stable")
    keep_best = order[: POSTERIOR_MAX // 2]
    rest = rng.choice(order[POSTERIOR_MAX // 2 :], POSTERIOR_MAX - keep_best.size, replace=False)
    keep = np.sort(np.concatenate([keep_best, rest]))
    return x[keep], y[keep]


def _model_step(
    spec: SweepSpec,
    space: Space,
    x_obs: Array,
    y_obs: Array,
    x_pending: Array,
    existing: set[str],
    rng: np.random.Generator,
    n_trials: int,
) -> Proposal:
    x_obs, y_obs = _cap(x_obs, y_obs, rng)
    x_pending = x_pending[-PENDING_MAX:]
    warp = OutputWarp(y_obs)
    y = warp.y
    model = gp.fit(x_obs, y, space.is_cat, rng)
    explore = n_trials % EXPLORE_EVERY == EXPLORE_EVERY - 1
    search = (_explorer(model) if explore else model).with_fantasies(x_pending)
    model = model.with_fantasies(x_pending)
    best = float(np.min(y))
    full = space.enumerate(ENUMERATE_MAX)
    if full is not None:
        rows = full
        scores, _, _ = acquisition.log_ei(search, rows, best)
        order = np.argsort(-scores)
        rows, scores = rows[order], scores[order]
    else:
        cands = acquisition.candidates(x_obs, y, space.is_cat, space.from_unit, rng)
        incumbent = x_obs[int(np.argmin(y))]
        rows, _ = acquisition.shortlist(search, cands, best, rng, incumbent)
        rows = np.array([space.snap(r) for r in rows])
        scores, _, _ = acquisition.log_ei(search, rows, best)
        order = np.argsort(-scores, kind="stable")
        rows, scores = rows[order], scores[order]
    pick = 0
    for i, row in enumerate(rows):  # the best point no trial holds yet, when there is one
        if params_key(space.decode(row)) not in existing:
            pick = i
            break
    chosen = rows[pick : pick + 1]
    info = _info(spec, model, warp, chosen, float(scores[pick]))
    return _proposal(spec, space.decode(chosen[0]), info | {"explore": explore})


def _explorer(model: gp.GP) -> gp.GP:
    """The fitted GP with every length scale cut to at most ``EXPLORE_LS_MAX`` (half the unit
    cube's side): where the fit calls a parameter irrelevant or the function smooth over the whole
    range, a wigglier function, so EI looks along that parameter and away from the data.

    Why: the maximum-likelihood length scales describe the region the data come from. Once a sweep
    has settled in a basin, the function there is flat along some parameters (Hartmann-6's second
    basin along x3 and x5: length scales of 4-5, so EI never varies them) or smooth along a bound
    (a Branin seed whose length scales grew to the whole range: every proposal from the 13th on
    sat on x1 = 10, refined to the 6th digit at regret 1.55, while the optimum lies at x1 = 9.42
    across a valley the model could not imagine). One model step in three asks "if the function
    were wigglier than it looks, where would improvement be?"; where every length scale is short
    already (a sweep converging normally) that step is an ordinary one. Measured with
    ``benchmarks/sweeps_hpo.py``'s direct mode (the benchmark's seeds): Branin's worst of 100 seeds
    from 1.55 to 1e-3, its median 3.1e-5 -> 4.1e-5; Hartmann-6 seeds left in a second basin 24 -> 22
    of 60 (within the noise). Halving every length scale instead cost Branin's median twice as much
    and helped Hartmann no more.
    """
    h = model.hyper
    log_ls = np.minimum(h.log_ls, math.log(EXPLORE_LS_MAX))
    shorter = gp.Hyper(log_ls, h.log_amp, h.log_noise)
    return gp.GP(model.x, model.y, model.is_cat, shorter)


def _info(spec: SweepSpec, model: gp.GP, warp: OutputWarp, chosen: Array, log_ei: float) -> dict[str, Any]:
    """What the model expects of the proposal, in the metric's own units and direction."""
    mu, sd = model.predict(chosen)
    m, s = float(mu[0]), float(sd[0])
    lo, mid, hi = (float(v) for v in warp.unwarp(np.array([m - s, m, m + s])))
    slope = (hi - lo) / (2.0 * s) if s > 0 else warp.std * warp.std2
    sign = -1.0 if spec.metric is not None and spec.metric.goal == "maximize" else 1.0
    return {
        "phase": "model",
        "predicted_value": sign * mid,
        "predicted_value_std_dev": abs(hi - lo) / 2.0,
        "log_expected_improvement": log_ei,
        # EI in warped units, back in the metric's units through the warp's slope at the proposal.
        "expected_improvement": float(np.exp(log_ei)) * abs(slope),
    }


def _proposal(spec: SweepSpec, params: dict[str, Any], info: dict[str, Any]) -> Proposal:
    return make_proposal(spec, params, {"method": "bayes", **info})
