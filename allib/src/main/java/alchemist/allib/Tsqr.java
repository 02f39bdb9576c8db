package alchemist.allib;

import alchemist.server.comm.Communicator;

/**
 * Tall-skinny QR (TSQR, Demmel, Grigori, Hoemmen and Langou 2012) of an m × n matrix (m ≥ n) held in row
 * blocks, as one reduction of depth one:
 * <ol>
 * <li>each rank factors its m<sub>i</sub> × n rows, A<sub>i</sub> = Q<sub>i</sub>R<sub>i</sub> (DGEQRF),
 * R<sub>i</sub> being r<sub>i</sub> × n upper trapezoidal with r<sub>i</sub> = min(m<sub>i</sub>, n), so a
 * rank with fewer rows than n (or none) takes part with what it has;</li>
 * <li>rank 0 gathers the R<sub>i</sub>, stacks them (s = Σ r<sub>i</sub> ≥ n rows since m ≥ n) and factors
 * the stack, [R<sub>0</sub>; …; R<sub>k-1</sub>] = Q̂R (DGEQRF, DORGQR), then flips signs so that R's
 * diagonal is non-negative (R is then unique when A has full rank);</li>
 * <li>rank 0 broadcasts R and, if Q is wanted, sends each rank its r<sub>i</sub> × n rows Q̂<sub>i</sub>
 * of Q̂; each rank forms Q<sub>i</sub> explicitly (DORGQR) and its rows of Q = Q<sub>i</sub>Q̂<sub>i</sub>
 * (DGEMM).</li>
 * </ol>
 * Cost with k ranks: per rank about 4m<sub>i</sub>n² flops with Q (2m<sub>i</sub>n² for R alone), plus
 * O(kn³) on rank 0; communication: at most min(m, kn)·n values to rank 0, n² to each rank (R) and
 * r<sub>i</sub>·n to rank i (its piece of Q̂). Memory: each rank a copy of its rows (LAPACK works in place);
 * rank 0 the s × n stack (s ≤ kn), which must fit one array. Backward stable like Householder QR: ‖QᵀQ − I‖ and ‖QR − A‖/‖A‖ are O(ε) whatever
 * A's condition.
 */
final class Tsqr {
    /** Tag of the point-to-point messages carrying Q̂'s pieces; collectives use their own. */
    private static final int TAG_Q_PIECE = 17;

    private Tsqr() {
    }

    /**
     * Factors A = QR. Collective: every rank calls it with its rows of the same A.
     *
     * @param local  this rank's rows of A, row-major, m<sub>i</sub> × n; not modified
     * @param rows   m<sub>i</sub> (may be 0)
     * @param n      A's columns
     * @param qLocal where to write this rank's rows of Q (row-major m<sub>i</sub> × n), or null for R alone
     * @return R, n × n upper triangular with non-negative diagonal, row-major, the same on every rank
     */
    static double[] factor(Communicator comm, double[] local, int rows, int n, double[] qLocal) {
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("TSQR: A has too many columns (" + n + ") for an n x n R in one array");
        }
        int r = Math.min(rows, n);
        // 1. Local Householder QR of the rows, column-major rows × n.
        double[] a = new double[rows * n];
        double[] tau = new double[Math.max(1, r)];
        if (rows > 0) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    a[i + j * rows] = local[i * n + j];
                }
            }
            Dense.geqrf(rows, n, a, rows, tau);
        }
        double[] rLocal = new double[r * n];
        for (int i = 0; i < r; i++) {
            for (int j = i; j < n; j++) {
                rLocal[i * n + j] = a[i + j * rows];
            }
        }

        // 2. QR of the stacked R factors on rank 0.
        double[][] pieces = comm.gather(rLocal, 0);
        double[] rFinal = new double[n * n];
        if (comm.rank() == 0) {
            long stacked = 0;
            for (double[] p : pieces) {
                stacked += p.length / n;
            }
            if (stacked < n) {
                throw new IllegalStateException("TSQR: the stacked R factors have " + stacked + " < " + n + " rows");
            }
            if (stacked * n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("TSQR: A has too many columns (" + n + "): the " + stacked + " x " + n
                        + " stack of R factors does not fit one array");
            }
            int s = (int) stacked;
            double[] stack = new double[s * n];
            int at = 0;
            for (double[] p : pieces) {
                int pr = p.length / n;
                for (int i = 0; i < pr; i++) {
                    for (int j = 0; j < n; j++) {
                        stack[(at + i) + j * s] = p[i * n + j];
                    }
                }
                at += pr;
            }
            double[] tau2 = new double[n];
            Dense.geqrf(s, n, stack, s, tau2);
            double[] sign = new double[n];
            for (int i = 0; i < n; i++) {
                sign[i] = stack[i + i * s] < 0 ? -1 : 1;
                for (int j = i; j < n; j++) {
                    rFinal[i * n + j] = sign[i] * stack[i + j * s];
                }
            }
            if (qLocal != null) {
                Dense.orgqr(s, n, n, stack, s, tau2);
                // Q̂'s columns get R's row signs; rank i gets Q̂'s rows [at, at + r_i), row-major.
                at = 0;
                for (int rank = 0; rank < pieces.length; rank++) {
                    int pr = pieces[rank].length / n;
                    double[] piece = new double[pr * n];
                    for (int i = 0; i < pr; i++) {
                        for (int j = 0; j < n; j++) {
                            piece[i * n + j] = sign[j] * stack[(at + i) + j * s];
                        }
                    }
                    at += pr;
                    pieces[rank] = piece;
                }
            }
        }
        comm.bcast(rFinal, 0, rFinal.length, 0);
        if (qLocal == null) {
            return rFinal;
        }
        // Sent after the broadcast, when every rank is past it and about to receive (no send may wait
        // on a rank still blocked in a collective).
        if (comm.rank() == 0) {
            for (int rank = 1; rank < pieces.length; rank++) {
                if (pieces[rank].length > 0) {
                    comm.sendDoubles(pieces[rank], 0, pieces[rank].length, rank, TAG_Q_PIECE);
                }
            }
        }

        // 3. This rank's rows of Q = Q_i · Q̂_i.
        double[] qHat;
        if (comm.rank() == 0) {
            qHat = pieces[0];
        } else {
            qHat = new double[r * n];
            if (r > 0) {
                comm.recvDoubles(qHat, 0, qHat.length, 0, TAG_Q_PIECE);
            }
        }
        if (rows > 0) {
            Dense.orgqr(rows, r, r, a, rows, tau);
            // Row-major Q_local (rows × n) is column-major n × rows = Q̂_iᵀ (n × r) · Q_iᵀ (r × rows).
            Linalg.BLAS.dgemm("N", "T", n, rows, r, 1.0, qHat, n, a, rows, 0.0, qLocal, n);
        }
        return rFinal;
    }
}
