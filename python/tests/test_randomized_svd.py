"""allib's randomized_svd from Python: against numpy's SVD (LAPACK), its error bound against the measured
spectral error, the convenience method against the generic run_task, and bad arguments."""

import numpy as np
import pytest

from alchemist import AlchemistError, TaskResult
from alchemist.codes import ErrorCode


def geometric(rows, cols, ratio, seed):
    """A matrix with random singular vectors and singular values ratio^i."""
    rng = np.random.default_rng(seed)
    rank = min(rows, cols)
    u, _ = np.linalg.qr(rng.standard_normal((rows, rank)))
    v, _ = np.linalg.qr(rng.standard_normal((cols, rank)))
    return (u * ratio ** np.arange(rank)) @ v.T


def test_randomized_svd_against_numpy(als2):
    a = geometric(500, 70, 0.8, seed=5)
    k = 10
    als2.load_library("allib")
    alA = als2.send_array(a)
    result = als2.randomized_svd(alA, k, oversampling=10, power_iterations=2, seed=7)
    assert isinstance(result, TaskResult) and result.names == ("U", "S", "V", "error_estimate")
    alU, alS, alV, estimate = result
    assert (alU.shape, alS.shape, alV.shape) == ((500, k), (k, 1), (70, k))
    assert isinstance(estimate, float)
    u, s, v = als2.get_array(alU), als2.get_array(alS)[:, 0], als2.get_array(alV)
    s_ref = np.linalg.svd(a, compute_uv=False)
    # sigma_i = 0.8^i, l = 20, q = 2: Ritz values within about 0.8^(10 (20 - i)) relative, under 1e-9.
    assert np.max(np.abs(s - s_ref[:k]) / s_ref[:k]) <= 1e-9
    assert np.allclose(u.T @ u, np.eye(k), atol=1e-10) and np.allclose(v.T @ v, np.eye(k), atol=1e-10)
    measured = np.linalg.norm(a - (u * s) @ v.T, 2)
    assert measured <= estimate <= 100 * measured
    assert estimate >= s_ref[k]

    # The generic call with the seed as LONG gives the same bits on the same workers.
    same = als2.run_task("randomized_svd", alA, k, 10, 2, np.int64(7))
    assert np.array_equal(als2.get_array(same["S"])[:, 0], s)
    assert same["error_estimate"] == estimate
    other = als2.randomized_svd(alA, k, seed=8)
    assert other["error_estimate"] != estimate


@pytest.mark.parametrize("kwargs, message", [
    (dict(k=0), "k = 0 is not in [1, min(m, n)]"),
    (dict(k=3, oversampling=-2), "oversampling = -2 must be >= 0"),
    (dict(k=3, power_iterations=51), "power_iterations = 51 is not in [0, 50]"),
])
def test_randomized_svd_bad_arguments(als2, kwargs, message):
    als2.load_library("allib")
    alA = als2.send_array(np.ones((20, 5)))
    with pytest.raises(AlchemistError) as e:
        als2.randomized_svd(alA, **kwargs)
    assert e.value.code == ErrorCode.BAD_TASK_ARGUMENTS and message in str(e.value)
