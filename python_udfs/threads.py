"""Run scikit-learn single-threaded where many small fits share two cores."""

from __future__ import annotations

import functools

from threadpoolctl import threadpool_limits


def single_threaded(function):
    """Decorate a function so the OpenMP/BLAS pools scikit-learn uses are limited to one thread while it runs.

    Why: K-Means' Lloyd iterations on a few thousand rows ran about 45x slower with 2 OpenMP threads than
    with 1 when the 2 cores were shared with DuckDB and other processes (measured on the CI-sized machine);
    the bootstrap and gap statistic run hundreds of such small fits.
    """

    @functools.wraps(function)
    def limited(*args, **kwargs):
        with threadpool_limits(limits=1):
            return function(*args, **kwargs)

    return limited
