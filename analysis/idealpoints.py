"""Ideal points: one score per country per year on the main dimension of Assembly conflict.

A one-dimensional ordered item-response model in the spirit of Bailey, Strezhnev and Voeten
(2017, "Estimating Dynamic State Preferences from United Nations Voting Data", Journal of Conflict
Resolution 61(2)): every country-year has its own ideal point, and years are made comparable by the
resolutions the Assembly repeats session after session. `estimate_ideal_points` is pure;
`cached_ideal_points` is the only function that reads or writes files.

The model. Country-year c votes on roll call j, with Yes > Abstain > No on one latent scale:

    P(vote <= k) = logistic(kappa_jk - beta_j * theta_c),   k = No, Abstain;  kappa_j,No < kappa_j,Abstain

Why these choices:
- Ordered, not binary: abstaining is the Assembly's usual way of half-dissenting (most Western
  states abstain on resolutions the "counter-hegemonic" states vote against); folding it into Yes
  or No throws away what separates the two ends of the post-Cold-War scale.
- Logistic rather than probit link: the same model up to a rescaling of the latent scale (about
  1.7), with derivatives that stay finite far in the tails.
- Penalised maximum likelihood (the posterior mode, MAP) under normal priors: theta ~ N(0, 1) for
  every country-year, beta ~ N(0, 2.5^2), kappa ~ N(0, 5^2), and a log barrier
  log(kappa_Abstain - kappa_No) (a gamma(2) prior on the gap) that keeps the cut points ordered and
  each block of the problem concave.
- Bridging: roll calls whose titles are the same once normalised (`bridge_key`) form a chain
  across sessions, and a chain's item parameters follow a random walk with a small step
  (`drift_sd`, 0.05 a year): near-equal from one session to the next, as Bailey et al. constrain
  identical resolutions to be, yet free to change over decades. A title is not the text: "Question
  of Namibia" or the decolonisation declaration's yearly resolution ran for 50 years while the
  Assembly around them changed, and forcing one set of parameters on them all pulls whole years off
  the scale. A title that occurs twice in one session (parts A, B, C... of an omnibus resolution,
  votes on paragraphs) does not bridge in that session: those texts differ.
- Countries: a random walk links a country's consecutive years (`walk_sd`, 0.5 a year: over four
  years as loose as the population prior). It decides little for a well-measured year (a year's
  ~50-150 votes weigh far more) but ties thinly bridged sessions to their neighbours. With the
  looser 1.0 of version 2 the fit had two nearly equal optima for 1973 and took the wrong one: the
  Soviet bloc at 0 instead of the far end where it sits in 1972 and 1974 on the same kind of votes
  (its agreement with the United States was 0.33, 0.36 and 0.35 in sessions 27-29); the
  correlation of 1973's points with 1972's was 0.68. At 0.5 it is 0.98, and the early years
  (1946-1955, 12-25 votes each) correlate 0.90-0.97 with the year before instead of 0.84-0.95.
- Lopsided roll calls are left out: those whose losing sides together hold under 2.5 % of the
  votes cast (`min_minority`, W-NOMINATE's customary cut-off). With two or three dissenters
  they say almost nothing about the order of everyone else, but a logistic model can make such an
  item as steep as its prior allows and push the few dissenters far out: in version 2 the United
  States sat 2.6 standard deviations of the year's points beyond its allies (the United Kingdom,
  France, Germany, Canada, Australia, the Netherlands) in 2020, and at 4.1 on the scale (5.4 in
  2025), further out than the published Bailey-Strezhnev-Voeten estimates put it. Without them:
  1.9 standard deviations and 3.3; the order of states barely changes (rank correlation with
  version 2 at least 0.998 in half the years, above 0.97 in all but 1973 and 1955, the years fixed).
- Country-years with fewer than `min_votes` (5) votes scaled are fitted (they keep their place
  in the random walk) but left out of the result: a point resting on one to three votes (Kiribati
  2012, San Marino 1991, the Central African Republic 2013) is the prior, not a measurement. Five,
  not more, because some early sessions scaled few roll calls (session 10, 1955: six after the
  lopsided ones are left out), and a higher bar would drop whole years.
- Polarity: the sign of the whole solution is chosen so that the United States' mean is positive.
- Standard errors: the Laplace approximation, sqrt of the diagonal of the inverse negative Hessian
  in theta at the mode, holding the item parameters at their estimates. Items are estimated from
  100-190 voters each (more through their chains) while a country-year rests on its own 20-150
  votes, so item uncertainty adds little; a parametric bootstrap would need a refit per replicate,
  which the 60-second budget does not allow. The simulation test checks that the errors are about
  as large as the standard errors claim.

Fitting is block coordinate ascent: a joint Newton step for all items (3 x 3 blocks linked along
chains: one banded solve) then for all country-years (tridiagonal per country: one banded solve),
each with step halving per chain / per country, accelerated by SQUAREM extrapolation, from a start
given by each year's leading principal component with signs chained from year to year.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.linalg import solveh_banded
from scipy.special import expit

# Changes whenever the model or its defaults change, so a cache written by another version is not reused.
MODEL_VERSION = "ordlogit-3"

_VOTE_VALUE = {"N": 0, "A": 1, "Y": 2}  # ordered No < Abstain < Yes
_TITLE_TAIL = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the general assembly.*$", re.IGNORECASE)

# Defaults a specialist can check (see the module docstring for why).
MIN_MINORITY = 0.025  # roll calls whose losing sides hold under 2.5 % of the votes are not scaled
MIN_VOTES = 5  # country-years resting on fewer votes are fitted but left out of the result

# Prior scales (see the module docstring).
_BETA_SD = 2.5
_KAPPA_SD = 5.0


class IdealPointError(ValueError):
    """The votes given cannot be scaled (no votes left after filtering, missing columns)."""


def bridge_key(title: str) -> str:
    """The key under which roll calls in different sessions count as the same repeated resolution.

    The Library's " : resolution / adopted by the General Assembly" tail is dropped, then case,
    punctuation and spacing are ignored. An empty title gives "" (such a roll call never bridges).

    >>> bridge_key("Necessity of ending the economic, commercial and financial embargo imposed by the "
    ...            "United States of America against Cuba : resolution / adopted by the General Assembly")
    'necessity of ending the economic commercial and financial embargo imposed by the united states of america against cuba'
    """
    text = _TITLE_TAIL.sub("", str(title or ""))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def session_year(session: str, date: pd.Timestamp) -> int:
    """The year a vote is scored in: the year its regular session opened.

    Regular session n opened in 1945 + n (session 1 in January 1946, the others in September).
    Special and emergency special sessions ("ES-10", "S-32") count with the regular session under
    way on their date: the calendar year from September on, the year before until then.
    """
    if session.isdigit():
        return 1945 + int(session)
    return date.year if date.month >= 9 else date.year - 1


def _session_years(sessions: pd.Series, dates: pd.Series) -> np.ndarray:
    """`session_year` for whole columns, vectorised (the per-row function documents the rule)."""
    numeric = pd.to_numeric(sessions.where(sessions.str.fullmatch(r"\d+")), errors="coerce")
    dates = pd.to_datetime(dates)
    by_date = dates.dt.year - (dates.dt.month < 9).astype(int)
    return np.where(numeric.notna(), 1945 + numeric.fillna(0), by_date).astype(int)


def _bridge_keys(roll_calls: pd.DataFrame) -> pd.Series:
    """The chain each roll call belongs to (index roll_call_id): its `bridge_key`, or a key of its own
    when the title is empty or occurs more than once in the session."""
    keys = roll_calls["title"].fillna("").astype(str).map(bridge_key)
    own = "rc:" + roll_calls["roll_call_id"].astype(str)
    repeated = keys.groupby(roll_calls["session"].astype(str).to_numpy()).transform(lambda k: k.duplicated(keep=False))
    keys = keys.where((keys != "") & ~repeated, own)
    return pd.Series(keys.to_numpy(), index=roll_calls["roll_call_id"].to_numpy())


def _chain_links(group: np.ndarray, year: np.ndarray, sd: float) -> np.ndarray:
    """Random-walk weight linking each element to the one before it, in arrays sorted by (group, year).

    1 / (sd^2 x years apart) where the element before is of the same group, else 0.
    """
    same = np.r_[False, group[1:] == group[:-1]]
    apart = np.maximum(np.r_[1, np.diff(year)], 1)
    return np.where(same, 1.0 / (sd**2 * apart), 0.0)


class _Terms:
    """Per-observation log-likelihood and its derivatives in z0 = k0 - beta*theta, z1 = k1 - beta*theta."""

    __slots__ = ("loglik", "g0", "g1", "h00", "h11", "h01")


class _Fit:
    """One fit: the votes as index arrays (sorted No | Abstain | Yes), the parameters, the block updates.

    Country-years are indexed in (country, year) order and items (roll calls) in (chain, year) order,
    so that both random-walk priors are banded matrices and each block's Newton step is one banded
    solve.
    """

    def __init__(self, y, c, j, *, country, country_year, chain, item_year, prior_sd, walk_sd, drift_sd):
        order = np.argsort(y, kind="stable")
        self.c, self.j = c[order], j[order]
        n_no, n_abstain = int((y == 0).sum()), int((y == 1).sum())
        self.no = slice(0, n_no)
        self.abstain = slice(n_no, n_no + n_abstain)
        self.yes = slice(n_no + n_abstain, len(y))
        self.low = slice(0, n_no + n_abstain)  # observations with a No or Abstain term
        self.high = slice(n_no, len(y))  # observations with an Abstain or Yes term
        self.n_c, self.n_j = len(country), len(chain)
        self.country, self.chain = country, chain  # group ids, non-decreasing
        self.prior_precision = 1.0 / prior_sd**2
        self.link = _chain_links(country, country_year, walk_sd)
        self.item_link = _chain_links(chain, item_year, drift_sd)
        self.theta = np.zeros(self.n_c)
        self.k0 = np.full(self.n_j, -1.0)
        self.k1 = np.full(self.n_j, 1.0)
        self.beta = np.zeros(self.n_j)

    # --- likelihood -------------------------------------------------------------------------
    def terms(self, theta, k0, k1, beta) -> _Terms:
        c, j = self.c, self.j
        eta = beta[j] * theta[c]
        t = _Terms()
        n = len(c)
        t.loglik = np.empty(n)
        t.g0, t.g1, t.h00, t.h11, t.h01 = (np.zeros(n) for _ in range(5))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            s = self.no
            f0 = expit(k0[j[s]] - eta[s])
            t.loglik[s] = np.log(f0)
            t.g0[s] = 1.0 - f0
            t.h00[s] = -f0 * (1.0 - f0)
            s = self.yes
            s1 = expit(eta[s] - k1[j[s]])  # P(Yes) = 1 - F(z1)
            t.loglik[s] = np.log(s1)
            t.g1[s] = s1 - 1.0
            t.h11[s] = -(1.0 - s1) * s1
            s = self.abstain
            ja = j[s]
            gap = k1[ja] - k0[ja]
            z0 = k0[ja] - eta[s]
            f0, s0, f1 = expit(z0), expit(-z0), expit(z0 + gap)
            inv = 1.0 / np.expm1(gap)
            q = inv * (1.0 + inv)
            # P(Abstain) = F(z1) - F(z0) = F(z1) (1 - F(z0)) (1 - exp(-gap)), written so no difference cancels.
            t.loglik[s] = np.log(f1) + np.log(s0) + np.log(-np.expm1(-gap))
            t.g0[s] = -f0 - inv
            t.g1[s] = 1.0 - f1 + inv
            t.h00[s] = -f0 * s0 - q
            t.h11[s] = -f1 * (1.0 - f1) - q
            t.h01[s] = q
        t.loglik[np.isnan(t.loglik)] = -np.inf
        return t

    # --- priors -------------------------------------------------------------------------------
    def log_prior_theta(self, theta) -> np.ndarray:
        """Log prior of each country-year's point, its link to the year before included."""
        step = np.r_[0.0, np.diff(theta)]
        return -0.5 * self.prior_precision * theta**2 - 0.5 * self.link * step**2

    def log_prior_items(self, k0, k1, beta) -> np.ndarray:
        """Log prior of each item: normal priors, the barrier keeping its cut points ordered, and the
        drift from the previous item of its chain."""
        with np.errstate(invalid="ignore", divide="ignore"):
            barrier = np.where(k1 > k0, np.log(np.where(k1 > k0, k1 - k0, 1.0)), -np.inf)
        drift = np.r_[0.0, np.diff(k0)] ** 2 + np.r_[0.0, np.diff(k1)] ** 2 + np.r_[0.0, np.diff(beta)] ** 2
        return (
            barrier
            - (k0**2 + k1**2) / (2 * _KAPPA_SD**2)
            - beta**2 / (2 * _BETA_SD**2)
            - 0.5 * self.item_link * drift
        )

    def log_posterior(self, t: _Terms, theta, k0, k1, beta) -> float:
        return float(t.loglik.sum() + self.log_prior_theta(theta).sum() + self.log_prior_items(k0, k1, beta).sum())

    # --- item block ---------------------------------------------------------------------------
    def item_step(self, t: _Terms) -> np.ndarray:
        """The joint Newton step of every item's (k0, k1, beta), given the country-year points.

        Unknowns are ordered (k0, k1, beta) item by item; the negative Hessian has 3 x 3 blocks on
        the diagonal and the drift links 3 places off it, so it is banded with bandwidth 3.
        """
        j, n_j, th = self.j, self.n_j, self.theta[self.c]
        lo, hi, ab = self.low, self.high, self.abstain

        def total(s, w):
            return np.bincount(j[s], w, n_j)

        params = np.stack([self.k0, self.k1, self.beta], axis=1)
        gap = self.k1 - self.k0
        link, link_next = self.item_link, np.r_[self.item_link[1:], 0.0]
        step_prev = np.vstack([np.zeros((1, 3)), np.diff(params, axis=0)])
        step_next = np.vstack([step_prev[1:], np.zeros((1, 3))])
        grad = np.stack(
            [
                total(lo, t.g0[lo]) - 1.0 / gap - self.k0 / _KAPPA_SD**2,
                total(hi, t.g1[hi]) + 1.0 / gap - self.k1 / _KAPPA_SD**2,
                np.bincount(j, -th * (t.g0 + t.g1), n_j) - self.beta / _BETA_SD**2,
            ],
            axis=1,
        )
        grad += -link[:, None] * step_prev + link_next[:, None] * step_next
        neg = np.empty((n_j, 3, 3))  # negative Hessian of each item's own terms
        neg[:, 0, 0] = -total(lo, t.h00[lo]) + 1.0 / gap**2 + 1.0 / _KAPPA_SD**2
        neg[:, 1, 1] = -total(hi, t.h11[hi]) + 1.0 / gap**2 + 1.0 / _KAPPA_SD**2
        neg[:, 0, 1] = neg[:, 1, 0] = -total(ab, t.h01[ab]) - 1.0 / gap**2
        neg[:, 0, 2] = neg[:, 2, 0] = total(lo, th[lo] * (t.h00[lo] + t.h01[lo]))
        neg[:, 1, 2] = neg[:, 2, 1] = total(hi, th[hi] * (t.h01[hi] + t.h11[hi]))
        neg[:, 2, 2] = -np.bincount(j, th**2 * (t.h00 + 2 * t.h01 + t.h11), n_j) + 1.0 / _BETA_SD**2
        banded = np.zeros((4, 3 * n_j))  # lower form: banded[d, k] = A[k + d, k]
        banded[0] = (np.diagonal(neg, axis1=1, axis2=2) + (link + link_next)[:, None]).ravel()
        banded[1, 0::3], banded[1, 1::3] = neg[:, 1, 0], neg[:, 2, 1]
        banded[2, 0::3] = neg[:, 2, 0]
        banded[3] = -np.repeat(link_next, 3)
        return solveh_banded(banded, grad.ravel(), lower=True).reshape(n_j, 3)

    def chain_objective(self, t: _Terms, k0, k1, beta) -> np.ndarray:
        per_item = np.bincount(self.j, t.loglik, self.n_j) + self.log_prior_items(k0, k1, beta)
        return np.bincount(self.chain, per_item)

    def update_items(self, t: _Terms) -> _Terms:
        """Move every chain of items by its Newton step, halving the step of any chain whose posterior would fall."""
        step = self.item_step(t)
        current = self.chain_objective(t, self.k0, self.k1, self.beta)
        scale = np.ones(len(current))
        pending = np.ones(len(current), dtype=bool)
        base = (self.k0.copy(), self.k1.copy(), self.beta.copy())
        for _ in range(20):
            moving = pending[self.chain]
            factor = scale[self.chain]
            k0 = np.where(moving, base[0] + factor * step[:, 0], self.k0)
            k1 = np.where(moving, base[1] + factor * step[:, 1], self.k1)
            beta = np.where(moving, base[2] + factor * step[:, 2], self.beta)
            trial_terms = self.terms(self.theta, k0, k1, beta)
            trial = self.chain_objective(trial_terms, k0, k1, beta)
            better = pending & (trial >= current)
            accept = better[self.chain]
            self.k0[accept], self.k1[accept], self.beta[accept] = k0[accept], k1[accept], beta[accept]
            pending &= ~better
            if not pending.any():
                return trial_terms
            scale[pending] /= 2
        return self.terms(self.theta, self.k0, self.k1, self.beta)

    # --- country-year block -------------------------------------------------------------------
    def theta_system(self, t: _Terms, theta):
        """Gradient of the log posterior in theta and the banded negative Hessian (solveh_banded layout)."""
        b = self.beta[self.j]
        grad = np.bincount(self.c, -b * (t.g0 + t.g1), self.n_c)
        curvature = -np.bincount(self.c, b**2 * (t.h00 + 2 * t.h01 + t.h11), self.n_c)
        link_next = np.r_[self.link[1:], 0.0]
        step = np.r_[0.0, np.diff(theta)]
        grad += -self.prior_precision * theta - self.link * step + link_next * np.r_[step[1:], 0.0]
        banded = np.zeros((2, self.n_c))
        banded[1] = curvature + self.prior_precision + self.link + link_next
        banded[0, 1:] = -self.link[1:]
        return grad, banded

    def country_objective(self, t: _Terms, theta) -> np.ndarray:
        per_year = np.bincount(self.c, t.loglik, self.n_c) + self.log_prior_theta(theta)
        return np.bincount(self.country, per_year)

    def update_theta(self, t: _Terms) -> _Terms:
        """Move every country's points by their joint Newton step, halving it where its posterior would fall."""
        grad, banded = self.theta_system(t, self.theta)
        step = np.clip(solveh_banded(banded, grad), -2.0, 2.0)
        current = self.country_objective(t, self.theta)
        scale = np.ones(len(current))
        pending = np.ones(len(current), dtype=bool)
        base = self.theta.copy()
        for _ in range(20):
            moving = pending[self.country]
            theta = np.where(moving, base + scale[self.country] * step, self.theta)
            trial_terms = self.terms(theta, self.k0, self.k1, self.beta)
            trial = self.country_objective(trial_terms, theta)
            better = pending & (trial >= current)
            accept = better[self.country]
            self.theta[accept] = theta[accept]
            pending &= ~better
            if not pending.any():
                return trial_terms
            scale[pending] /= 2
        return self.terms(self.theta, self.k0, self.k1, self.beta)

    # --- whole fit --------------------------------------------------------------------------
    def pack(self) -> np.ndarray:
        return np.concatenate([self.theta, self.k0, self.k1, self.beta])

    def unpack(self, x: np.ndarray) -> None:
        n_c, n_j = self.n_c, self.n_j
        self.theta = x[:n_c].copy()
        self.k0, self.k1, self.beta = (x[n_c + i * n_j : n_c + (i + 1) * n_j].copy() for i in range(3))

    def sweep(self, t: _Terms) -> tuple[_Terms, float]:
        """One round of block updates (items, then country-years); returns the terms and log posterior after."""
        t = self.update_items(t)
        t = self.update_theta(t)
        return t, self.log_posterior(t, self.theta, self.k0, self.k1, self.beta)

    def run(self, max_iter: int, tol: float) -> tuple[int, bool]:
        """Sweep to convergence, accelerated by SQUAREM (Varadhan & Roland 2008) extrapolation.

        Block coordinate ascent creeps along the ridge where theta and beta trade scale and where
        loosely bridged years drift; squared extrapolation over two sweeps jumps along it, and a
        jump that lowers the posterior is dropped for the plain two-sweep result.
        Returns (sweeps, converged).
        """
        t = self.terms(self.theta, self.k0, self.k1, self.beta)
        posterior = self.log_posterior(t, self.theta, self.k0, self.k1, self.beta)
        sweeps = 0
        while sweeps < max_iter:
            x0 = self.pack()
            t1, _ = self.sweep(t)
            x1 = self.pack()
            t2, posterior2 = self.sweep(t1)
            x2 = self.pack()
            sweeps += 2
            r, v = x1 - x0, x2 - 2 * x1 + x0
            alpha = -np.linalg.norm(r) / max(np.linalg.norm(v), 1e-300)
            new_t, new_posterior = t2, posterior2
            if alpha < -1.0:
                self.unpack(x0 - 2 * alpha * r + alpha**2 * v)
                if np.all(self.k1 > self.k0):
                    t3 = self.terms(self.theta, self.k0, self.k1, self.beta)
                    t3, posterior3 = self.sweep(t3)
                    sweeps += 1
                    if posterior3 >= posterior2:
                        new_t, new_posterior = t3, posterior3
                if new_t is t2:
                    self.unpack(x2)
            moved = float(np.max(np.abs(self.theta - x0[: self.n_c])))
            change = abs(new_posterior - posterior)
            t, posterior = new_t, new_posterior
            if moved < tol and change <= 1e-9 * abs(posterior):
                return sweeps, True
        return sweeps, False

    def standard_errors(self, t: _Terms) -> np.ndarray:
        """Laplace standard errors: sqrt of the diagonal of the inverse negative Hessian in theta.

        The Hessian is tridiagonal (block diagonal by country), so the diagonal of its inverse comes
        from one forward and one backward elimination: (A^-1)_ii = 1 / (d_i + e_i - a_i).
        """
        _, banded = self.theta_system(t, self.theta)
        a, off = banded[1], np.r_[banded[0, 1:], 0.0]  # off[i] couples i and i + 1
        n = self.n_c
        forward, backward = a.copy(), a.copy()
        for i in range(1, n):
            forward[i] = a[i] - off[i - 1] ** 2 / forward[i - 1]
        for i in range(n - 2, -1, -1):
            backward[i] = a[i] - off[i] ** 2 / backward[i + 1]
        return 1.0 / np.sqrt(forward + backward - a)


def _leading_vector(matrix: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Leading left singular vector of a small dense matrix by power iteration.

    Deterministic and cheap; a LAPACK SVD per year is no more accurate for a start value and, with
    a multithreaded BLAS on a busy machine, can cost seconds.
    """
    u = np.linspace(-1.0, 1.0, matrix.shape[0])
    for _ in range(iterations):
        u = matrix @ (matrix.T @ u)
        norm = np.linalg.norm(u)
        if norm == 0:
            return np.zeros(matrix.shape[0])
        u /= norm
    return u


def _start_values(y, c, roll_call, country, year) -> np.ndarray:
    """Start: each year's leading principal component, signs chained from year to year.

    Within a year, the leading left singular vector of the roll-call-centred country x roll call
    matrix (absences as 0) orders countries on that year's main conflict. Its sign is arbitrary, so
    each year is flipped to correlate positively with the year before over the countries in both.
    Without this, a weakly bridged year can start upside down, and block coordinate ascent cannot
    turn a whole year over: it would stay in that poorer local optimum.
    """
    values = y.astype(float) - 1.0
    cy_year = year[c]
    start = np.zeros(len(country))
    previous: np.ndarray | None = None
    for this_year in np.unique(year):
        rows = np.flatnonzero(year == this_year)
        in_year = cy_year == this_year
        cols, col = np.unique(roll_call[in_year], return_inverse=True)
        row = np.searchsorted(rows, c[in_year])
        matrix = np.zeros((len(rows), len(cols)))
        matrix[row, col] = values[in_year]
        present = np.zeros_like(matrix, dtype=bool)
        present[row, col] = True
        means = matrix.sum(axis=0) / np.maximum(present.sum(axis=0), 1)
        matrix = np.where(present, matrix - means, 0.0)
        u = _leading_vector(matrix)
        u = (u - u.mean()) / (u.std() or 1.0)
        if previous is not None:
            before = np.full(country.max() + 1, np.nan)
            before[country[previous]] = start[previous]
            shared = before[country[rows]]
            mask = ~np.isnan(shared)
            if mask.sum() > 1 and np.dot(shared[mask], u[mask]) < 0:
                u = -u
        start[rows] = u
        previous = rows
    return start


def estimate_ideal_points(
    votes: pd.DataFrame,
    *,
    roll_calls: pd.DataFrame | None = None,
    years: Sequence[int] | None = None,
    polarity_country: str = "USA",
    prior_sd: float = 1.0,
    walk_sd: float = 0.5,
    drift_sd: float = 0.05,
    min_minority: float = MIN_MINORITY,
    min_votes: int = MIN_VOTES,
    max_iter: int = 1000,
    tol: float = 1e-3,
) -> pd.DataFrame:
    """Scale every country-year on one dimension from its Yes / Abstain / No votes.

    `votes` is the store's tidy votes (`roll_call_id`, `session`, `date`, `country_code`, `vote`);
    `roll_calls` (`roll_call_id`, `session`, `title`) supplies the titles that bridge repeated
    resolutions across years: without it every roll call is its own item and years are tied
    together only by the prior, so scores are not comparable across years. Non-voting (`X`) counts
    as missing. Roll calls on which every voter cast the same vote carry no information on
    positions and are left out, and so are lopsided ones, whose losing sides together hold under
    `min_minority` of the votes cast. `years` (session years, see `session_year`) restricts the
    votes scaled; bridges then only run within those years. Country-years with fewer than
    `min_votes` votes scaled are fitted but left out of the result (`attrs["n_left_out"]`).

    One row per (country_code, year): `country_code`, `year`, `ideal_point` (posterior mode; the
    sign makes `polarity_country`'s mean positive when it is present), `se` (Laplace standard
    error), `n_votes` (Yes / Abstain / No votes the point rests on). Sorted by year, then
    country_code. `attrs` records `model_version`, `iterations` (sweeps), `converged`,
    `log_posterior`, `n_roll_calls`, `n_bridged_roll_calls` (roll calls in a chain of repeated
    titles) and `n_chains`.

    `prior_sd`, `walk_sd` and `drift_sd` are the prior scales explained in the module docstring
    (`min_minority=0`, `min_votes=0`, `walk_sd=1.0` give model version 2's choices);
    `tol` is the largest change of any ideal point between iterations at convergence.
    """
    missing = {"roll_call_id", "session", "date", "country_code", "vote"} - set(votes.columns)
    if missing:
        raise IdealPointError(f"votes lacks columns {sorted(missing)}; pass the frame from scraper.store.load_votes")
    # Work on integer codes: string operations on ~1M rows would cost more than the fit.
    vote = pd.Categorical(votes["vote"])
    y_all = np.array([_VOTE_VALUE.get(str(v), -1) for v in vote.categories], dtype=np.int8)[vote.codes]
    y_all[vote.codes < 0] = -1
    roll_call_ids = votes["roll_call_id"].to_numpy()
    per_roll_call = votes.drop_duplicates("roll_call_id")[["roll_call_id", "session", "date"]]
    roll_call_year = pd.Series(
        _session_years(per_roll_call["session"].astype(str), per_roll_call["date"]),
        index=per_roll_call["roll_call_id"].to_numpy(),
    )
    year_all = roll_call_year.reindex(roll_call_ids).to_numpy()
    keep = y_all >= 0
    if years is not None:
        keep &= np.isin(year_all, list(years))
    if not keep.any():
        raise IdealPointError(
            f"no Yes/Abstain/No votes to scale{' in years ' + str(sorted(years)) if years is not None else ''}; "
            "choose years that the store covers"
        )
    # Roll calls every voter answered alike say nothing about positions.
    rc_codes, rc_uniques = pd.factorize(roll_call_ids)
    seen = np.zeros((len(rc_uniques), 3), dtype=bool)
    seen[rc_codes[keep], y_all[keep]] = True
    keep &= seen.sum(axis=1)[rc_codes] > 1
    if min_minority > 0:  # lopsided roll calls (see the module docstring)
        counts = np.zeros((len(rc_uniques), 3))
        np.add.at(counts, (rc_codes[keep], y_all[keep]), 1)
        minority = 1.0 - counts.max(axis=1) / np.maximum(counts.sum(axis=1), 1)
        keep &= minority[rc_codes] >= min_minority
    if not keep.any():
        raise IdealPointError("every roll call selected was unanimous; there is nothing to scale")
    y, year, roll_call_ids = y_all[keep], year_all[keep], roll_call_ids[keep]
    country_codes = pd.Categorical(votes["country_code"])
    country_of_vote = country_codes.codes[keep]

    # Items are roll calls, in (chain, year) order so that a chain's drift prior links neighbours.
    items = pd.DataFrame({"roll_call_id": roll_call_ids, "year": year}).drop_duplicates("roll_call_id")
    if roll_calls is not None:
        titled = roll_calls[roll_calls["roll_call_id"].isin(items["roll_call_id"])]
        keys = _bridge_keys(titled.drop_duplicates("roll_call_id")[["roll_call_id", "session", "title"]])
        chain_key = items["roll_call_id"].map(keys).astype(object)
    else:
        chain_key = pd.Series(np.nan, index=items.index, dtype=object)
    items["chain"] = chain_key.fillna("rc:" + items["roll_call_id"].astype(str))
    items = items.sort_values(["chain", "year", "roll_call_id"], kind="stable").reset_index(drop=True)
    j = pd.Index(items["roll_call_id"]).get_indexer(roll_call_ids)
    chain = pd.factorize(items["chain"])[0]

    # Country-years in (country, year) order: the random-walk prior then links neighbours only.
    names = np.asarray(country_codes.categories).astype(str)
    rank = np.argsort(np.argsort(names))  # category code -> position in sorted country codes
    pair_key = rank[country_of_vote].astype(np.int64) * 10_000 + year
    unique_keys, c = np.unique(pair_key, return_inverse=True)
    country = unique_keys // 10_000
    country_years = pd.DataFrame({"country_code": np.sort(names)[country], "year": (unique_keys % 10_000).astype(int)})
    country = pd.factorize(country)[0]

    fit = _Fit(
        y, c, j,
        country=country, country_year=country_years["year"].to_numpy(),
        chain=chain, item_year=items["year"].to_numpy(),
        prior_sd=prior_sd, walk_sd=walk_sd, drift_sd=drift_sd,
    )
    fit.theta = _start_values(y, c, j, country, country_years["year"].to_numpy())
    iterations, converged = fit.run(max_iter, tol)
    terms = fit.terms(fit.theta, fit.k0, fit.k1, fit.beta)
    result = country_years.assign(
        ideal_point=fit.theta,
        se=fit.standard_errors(terms),
        n_votes=np.bincount(c, minlength=len(country_years)),
    )
    anchor = result.loc[result["country_code"] == polarity_country, "ideal_point"]
    if len(anchor) and anchor.mean() < 0:
        result["ideal_point"] = -result["ideal_point"]
    n_left_out = int((result["n_votes"] < min_votes).sum())
    result = result[result["n_votes"] >= min_votes]
    result = result.sort_values(["year", "country_code"], kind="stable").reset_index(drop=True)
    chain_size = np.bincount(chain)
    result.attrs.update(
        model_version=MODEL_VERSION,
        iterations=iterations,
        converged=converged,
        log_posterior=fit.log_posterior(terms, fit.theta, fit.k0, fit.k1, fit.beta),
        min_votes=min_votes,
        n_left_out=n_left_out,
        n_roll_calls=len(items),
        n_bridged_roll_calls=int(chain_size[chain_size > 1].sum()),
        n_chains=int((chain_size > 1).sum()),
    )
    return result


def cached_ideal_points(db: str | os.PathLike) -> pd.DataFrame:
    """`estimate_ideal_points` for every year in store `db`, read from or written to the disk cache.

    Kept by `scraper.cache` under the store's `data_version` and this module's `MODEL_VERSION`,
    so a changed store or model is never served stale. One row per (country_code, year), as
    `estimate_ideal_points`.
    """
    from scraper.cache import cached_frame
    from scraper.store import load_roll_calls, load_votes

    return cached_frame(db, "idealpoints",
                        lambda: estimate_ideal_points(load_votes(db), roll_calls=load_roll_calls(db)),
                        key=str(MODEL_VERSION))
