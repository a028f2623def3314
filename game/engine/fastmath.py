"""Small numeric helpers that avoid numpy's Python-level wrappers in the hot loops."""
from __future__ import annotations

import numpy as np

_min, _max = np.minimum, np.maximum


def clip(x, lo, hi):
    """Like ``np.clip`` for arrays and scalars, without its dispatch overhead."""
    return _min(_max(x, lo), hi)
