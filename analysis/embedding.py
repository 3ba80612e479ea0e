"""A 2-D map of the Assembly: every country placed so that states that vote alike sit close together.

Classical (Torgerson) multidimensional scaling of the distances 1 − agreement. Why this and not the
alternatives: it is closed-form (one symmetric eigendecomposition), so the same input always gives
the same map — no random start, no iterations, no local minima as with SMACOF metric MDS — and it
takes milliseconds for 200 states. Its axes are ordered by the share of the (double-centred)
variance they explain, so x is the Assembly's main line of conflict (West versus the rest after the
Cold War, East versus West before it) and the reported `attrs["explained"]` says how much of the
structure the picture shows. PCA on the rows of the agreement matrix gives nearly the same picture
(`method="pca"`) but treats each state's agreement profile as features rather than the agreement
itself as a distance.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.agreement import complete_agreement

ANCHOR = "USA"  # the map's polarity: the United States sits on the positive side of x


def classical_mds(distance: np.ndarray, dimensions: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (n × dimensions) and the eigenvalues of all axes, from a symmetric distance matrix.

    B = −½ J D² J (J the centring matrix); coordinates are the top eigenvectors scaled by the
    square roots of their (positive) eigenvalues. Negative eigenvalues (non-Euclidean parts of
    the distances) are reported, not used.
    """
    n = distance.shape[0]
    squared = distance.astype(np.float64) ** 2
    centred = squared - squared.mean(axis=0, keepdims=True) - squared.mean(axis=1, keepdims=True) + squared.mean()
    inner = -0.5 * centred
    eigenvalues, eigenvectors = np.linalg.eigh((inner + inner.T) / 2.0)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    take = min(dimensions, n)
    scale = np.sqrt(np.clip(eigenvalues[:take], 0.0, None))
    return eigenvectors[:, :take] * scale, eigenvalues


def orient(coordinates: np.ndarray, codes: pd.Index, anchor: str = ANCHOR) -> np.ndarray:
    """Flip axis signs so a map is reproducible: `anchor` (the US) positive on x; on every other
    axis, and on x when the anchor is absent or at 0, the coordinate largest in absolute value
    is made positive (the convention scikit-learn's svd_flip uses)."""
    out = coordinates.copy()
    position = codes.get_indexer([anchor])[0]
    for axis in range(out.shape[1]):
        column = out[:, axis]
        if axis == 0 and position >= 0 and column[position] != 0:
            sign = np.sign(column[position])
        else:
            sign = np.sign(column[np.argmax(np.abs(column))]) or 1.0
        out[:, axis] = column * sign
    return out


def alignment_map(
    agreement: pd.DataFrame,
    *,
    method: Literal["mds", "pca"] = "mds",
    random_state: int = 0,
) -> pd.DataFrame:
    """Map coordinates of every country in an agreement matrix.

    One row per country: country_code, x, y. Pairs with too few shared votes are first imputed
    and states with too little data dropped (`complete_agreement`; the dropped codes are in
    `attrs["dropped"]`). `attrs["explained"]` is the share of the positive eigenvalue mass on x
    and y. The orientation is fixed (`orient`): the United States on positive x when present.
    `random_state` is accepted for a uniform API; both methods are deterministic.
    """
    del random_state  # both methods are exact; kept so every modelling function takes it
    if method not in ("mds", "pca"):
        raise ValueError(f"Unknown map method {method!r}; choose 'mds' or 'pca'.")
    complete = complete_agreement(agreement)
    codes = complete.index
    if len(codes) < 3:
        raise ValueError(f"A map needs at least 3 countries with enough shared votes; this selection has {len(codes)}. Widen the period.")
    values = complete.to_numpy(dtype=np.float64)
    if method == "mds":
        distance = np.clip(1.0 - values, 0.0, None)
        np.fill_diagonal(distance, 0.0)
        coordinates, eigenvalues = classical_mds(distance, 2)
        positive = eigenvalues[eigenvalues > 0]
        explained = eigenvalues[:2].clip(0) / positive.sum() if positive.size else np.zeros(2)
    else:
        centred = values - values.mean(axis=0, keepdims=True)
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        coordinates = u[:, :2] * s[:2]
        explained = s[:2] ** 2 / (s ** 2).sum()
    coordinates = orient(coordinates, codes)
    frame = pd.DataFrame({"country_code": codes.astype(str), "x": coordinates[:, 0], "y": coordinates[:, 1]})
    frame.attrs.update(
        method=method,
        explained=[float(v) for v in explained],
        dropped=complete.attrs.get("dropped", []),
        imputed_pairs=complete.attrs.get("imputed_pairs", 0),
    )
    return frame
