"""allib's truncated_SVD run from Python: singular values equal numpy's (LAPACK dgesdd) to 1e-9 relative,
singular vectors orthonormal and matching numpy's up to sign, outputs unpacked as in the seed."""

import numpy as np
import pytest

from alchemist import MatrixHandle, TaskResult


def decaying(rows, cols, seed):
    """A matrix whose singular values are 1000 * 0.85^k plus noise: well separated, so vectors are defined."""
    rng = np.random.default_rng(seed)
    rank = min(30, rows, cols)
    u, _ = np.linalg.qr(rng.standard_normal((rows, rank)))
    v, _ = np.linalg.qr(rng.standard_normal((cols, rank)))
    return (u * (1000.0 * 0.85 ** np.arange(rank))) @ v.T + 1e-3 * rng.standard_normal((rows, cols))


@pytest.mark.parametrize("rows, cols, k", [(426, 502, 20), (300, 40, 10), (50, 8, 8)])
def test_truncated_svd_equals_numpy(als2, rows, cols, k):
    a = decaying(rows, cols, seed=rows)
    als2.load_library("allib")
    alA = als2.send_array(a)
    result = als2.run_task("truncated_SVD", alA, k)
    assert isinstance(result, TaskResult) and result.names == ("U", "S", "V")
    alU, alS, alV = result
    assert all(isinstance(h, MatrixHandle) for h in result)
    assert (alU.shape, alS.shape, alV.shape) == ((rows, k), (k, 1), (cols, k))
    assert result["S"] is alS
    u, s, v = als2.get_array(alU), als2.get_array(alS)[:, 0], als2.get_array(alV)
    u_ref, s_ref, vt_ref = np.linalg.svd(a, full_matrices=False)
    assert np.max(np.abs(s - s_ref[:k]) / s_ref[:k]) <= 1e-9
    assert np.all(np.diff(s) <= 0)
    assert np.allclose(u.T @ u, np.eye(k), atol=1e-10) and np.allclose(v.T @ v, np.eye(k), atol=1e-10)
    signs = np.sign(np.sum(u * u_ref[:, :k], axis=0))
    assert np.allclose(u * signs, u_ref[:, :k], atol=1e-8)
    assert np.allclose(v * signs, vt_ref[:k].T, atol=1e-8)


def test_task_names_and_explicit_method_byte(als2):
    lib = als2.load_library("allib")
    assert lib.id >= 1 and lib.name == "allib"
    listed = als2.list_libraries()
    assert [(l.id, l.name) for l in listed] == [(lib.id, "allib")]
    assert "truncated_svd(A: MATRIX, k: INT" in listed[0].tasks
    a = decaying(60, 12, seed=1)
    alA = als2.send_array(a)
    s_ref = np.linalg.svd(a, compute_uv=False)[:3]
    for name, args in (("allib.truncated_SVD", (3,)), ("truncated_svd", (np.int64(3), np.int8(0)))):
        result = als2.run_task(name, alA, *args)
        s = als2.get_array(result["S"])[:, 0]
        assert np.max(np.abs(s - s_ref) / s_ref) <= 1e-9, name
    # The seed's spelling gives the seed's three outputs; ours also says which method ran.
    assert als2.run_task("truncated_SVD", alA, 3).names == ("U", "S", "V")
    result = als2.run_task("truncated_svd", alA, 3)
    assert result.names == ("U", "S", "V", "method")
    assert result["method"] == "gramian"
