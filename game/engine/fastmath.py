"""Small numeric helpers that avoid numpy's Python-level wrappers in the hot loops."""
from __future__ import annotations

import numpy as np

_min, _max = np.minimum, np.maximum


def clip(x, lo, hi):
    """Like ``np.clip`` for arrays and scalars, without its dispatch overhead."""
    return _min(_max(x, lo), hi)


def max_over_axis1(x: np.ndarray) -> np.ndarray:
    """``x.max(axis=1)`` of an (R, K) or (R, K, n) array as K element-wise maxima of its slices along
    axis 1: the same numbers (a maximum is exact in any order), without numpy's slow reduction over a
    short or middle axis."""
    out = x[:, 0].copy()
    for k in range(1, x.shape[1]):
        _max(out, x[:, k], out=out)
    return out


def any_over_axis1(x: np.ndarray) -> np.ndarray:
    """``x.any(axis=1)`` of an (R, K) boolean array as K element-wise ors of its columns: the same truth
    values, without numpy's slow reduction over a short last axis (a single row is one reduction)."""
    if x.shape[0] == 1:
        return x.any(axis=1)
    out = x[:, 0].copy()
    for k in range(1, x.shape[1]):
        out |= x[:, k]
    return out


def mean_over_axis1(x: np.ndarray) -> np.ndarray:
    """``x.mean(axis=1)`` of a float64 (R, n) array, n > 0: the same sum divided by n, as numpy's mean
    computes it, without its Python-level wrapper."""
    return np.add.reduce(x, axis=1) / x.shape[1]
