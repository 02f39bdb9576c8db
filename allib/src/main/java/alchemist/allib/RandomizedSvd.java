package alchemist.allib;

import alchemist.server.LapackReference;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import java.util.Arrays;

/**
 * The randomized SVD of Halko, Martinsson and Tropp ("Finding structure with randomness", SIAM Review 53,
 * 2011; Algorithms 4.4 and 5.1) on a matrix A (m × n) whose rows are spread over the ranks of a communicator,
 * with l = k + oversampling samples:
 * <ol>
 * <li>Range finder: a Gaussian test matrix Ω (n × l, {@link Dense#gaussianEntry} of the seed and the global
 * index, so the same on every rank and for every number of ranks), Y = A·Ω on each rank's rows, Q = orth(Y)
 * by TSQR.</li>
 * <li>q power iterations, re-orthonormalized at each half step so that rounding does not wash out the small
 * singular directions: Z = orth(Aᵀ·Q) (an allreduce of n·l values, Householder QR of n × l on rank 0, a
 * broadcast), Q = orth(A·Z) by TSQR.</li>
 * <li>Projection: W = Aᵀ·Q = Bᵀ with B = Qᵀ·A (l × n; an allreduce of n·l values), the SVD B = Ũ·Σ·Ṽᵀ on
 * rank 0 (DGESDD, O(n·l²)), broadcast of σ, Ũ and V = Ṽ's first k columns; U = Q·Ũ's first k columns.</li>
 * </ol>
 * Cost per rank with p ranks: (2q + 2)·2·m·n·l/p flops in products with A or Aᵀ (one pass = 2·m·n·l/p),
 * (q + 1)·4·m·l²/p in TSQR and U = Q·Ũ; on rank 0 q Householder QRs of n × l (4·n·l² flops each) and the
 * SVD of l × n; communication: q + 1 allreduces of n·l values, q broadcasts of n·l and one of
 * l + l² + n·k, q + 1 TSQRs (a gather of l² values per rank and a broadcast of (p + 1)·l²). Every rank
 * generates Ω itself (n·l Gaussian entries, about 0.1 µs each: small beside one pass over A unless a rank
 * holds fewer than a few hundred rows). Memory: (m/p)·l for Y, Q and U, a few n·l on every rank.
 *
 * <p>Every decision is taken from values that rank 0 computed and broadcast, and the products are
 * deterministic, so the same seed on the same number of ranks gives the same bits; other numbers of ranks
 * differ only by rounding (sums taken in another order).
 */
final class RandomizedSvd {
    private RandomizedSvd() {
    }

    /**
     * The rank-k result.
     *
     * @param sigma k singular values, descending, the same on every rank
     * @param u     this rank's rows of U, column-major rows × k with leading dimension max(1, rows)
     * @param v     V, column-major n × k, the same on every rank
     */
    record Result(double[] sigma, double[] u, double[] v) {
    }

    /**
     * Computes the rank-k randomized SVD (collective).
     *
     * @param a    this rank's rows of A
     * @param l    samples, k ≤ l ≤ min(m, n)
     * @param seed drives Ω alone
     */
    static Result compute(Communicator comm, WorkerRows a, int k, int l, int powerIterations, long seed) {
        boolean root = comm.rank() == 0;
        int n = a.n();
        int rows = a.rows();
        int ld = a.ld();
        double[] omega = Dense.gaussianBlock(seed, n, l);
        double[] q = orthonormalRows(comm, a, a.times(omega, n, l), l);
        for (int i = 0; i < powerIterations; i++) {
            double[] z = transposeTimes(comm, a, q, l);
            if (root) {
                z = Tsqr.factor(null, a.parallel(), z, n, l, true).q();
            }
            comm.bcast(z, 0, z.length, 0);
            q = orthonormalRows(comm, a, a.times(z, n, l), l);
        }
        double[] w = transposeTimes(comm, a, q, l);
        double[] shared = new double[l + l * l + n * k]; // σ, Ũ (l × l), V (n × k)
        if (root) {
            LapackReference.Svd small = Eigen.svd(transpose(w, n, l), l, n, l);
            System.arraycopy(small.s(), 0, shared, 0, l);
            System.arraycopy(small.u(), 0, shared, l, l * l);
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < n; j++) {
                    shared[l + l * l + j + c * n] = small.vt()[c + j * l];
                }
            }
        }
        comm.bcast(shared, 0, shared.length, 0);
        double[] u = new double[ld * k];
        Dense.gemm("N", "N", rows, k, l, 1, q, 0, ld, shared, l, l, 0, u, 0, ld);
        return new Result(Arrays.copyOf(shared, k), u, Arrays.copyOfRange(shared, l + l * l, shared.length));
    }

    /** @return Aᵀ·Y (n × c, column-major) summed over the ranks, for this rank's rows Y (rows × c) (collective) */
    private static double[] transposeTimes(Communicator comm, WorkerRows a, double[] y, int c) {
        double[] z = a.transposeTimes(y, c);
        comm.allreduce(z, ReduceOp.SUM);
        return z;
    }

    /** @return the Q of the TSQR of the distributed m × l block y (this rank's rows, column-major) */
    private static double[] orthonormalRows(Communicator comm, WorkerRows a, double[] y, int l) {
        return Tsqr.factor(comm, a.parallel(), y, a.rows(), l, true).q();
    }

    /** @return the transpose (c × r, column-major) of a column-major r × c matrix */
    private static double[] transpose(double[] x, int r, int c) {
        double[] t = new double[r * c];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < r; i++) {
                t[j + i * c] = x[i + j * r];
            }
        }
        return t;
    }
}
