package alchemist.allib;

import alchemist.server.comm.Communicator;

/**
 * Tall-skinny QR (TSQR, Demmel, Grigori, Hoemmen and Langou 2012) of an m × n block (m ≥ n) whose rows are
 * spread over the ranks of a communicator, each rank holding its rows column-major with leading dimension
 * max(1, rows), or held whole by one rank ({@code comm == null}); allib's one QR of distributed blocks
 * (qr, least_squares, and the SVDs' orthonormalizations). A reduction of depth one:
 * <ol>
 * <li>each rank factors its mᵢ × n rows, Aᵢ = QᵢRᵢ (DGEQRF), Rᵢ being rᵢ × n upper trapezoidal with
 * rᵢ = min(mᵢ, n), so a rank with fewer rows than n (or none) takes part with what it has;</li>
 * <li>rank 0 gathers the Rᵢ, stacks them (s = Σ rᵢ ≥ n rows since m ≥ n) and factors the stack,
 * [R₀; …; R_{p-1}] = Q̂R (DGEQRF, DORGQR), then flips signs so that R's diagonal is non-negative (R is then
 * unique when A has full rank);</li>
 * <li>rank 0 broadcasts R and, if Q is wanted, sends each rank its rᵢ × n rows Q̂ᵢ of Q̂; each rank forms
 * its rows of Q = Qᵢ·Q̂ᵢ (DORGQR, then DGEMM).</li>
 * </ol>
 * One rank skips step 2's second factorization (its R is already the answer). Cost with p ranks: per rank
 * about 4·mᵢ·n² flops with Q (2·mᵢ·n² for R alone, plus 2·mᵢ·n² for Qᵢ·Q̂ᵢ), plus O(p·n³) on rank 0;
 * communication: at most min(m, p·n)·n values to rank 0, n² to each rank (R) and rᵢ·n to rank i (its piece
 * of Q̂), point to point rather than broadcast so that a wide n costs each rank only its own piece. Memory:
 * each rank a copy of its rows (LAPACK works in place); rank 0 the s × n stack (s ≤ p·n). Backward stable
 * like Householder QR: ‖QᵀQ − I‖ and ‖QR − A‖/‖A‖ are O(ε) whatever A's condition; R is the same on every
 * rank bit for bit.
 */
final class Tsqr {
    /** Tag of the point-to-point messages carrying Q̂'s pieces; collectives use their own. */
    private static final int TAG_Q_PIECE = 17;

    /**
     * A = Q·R.
     *
     * @param q this rank's rows of Q, column-major (rows × n, leading dimension max(1, rows)), or null when
     *          not asked for
     * @param r R, column-major n × n upper triangular with a non-negative diagonal, the same on every rank
     */
    record Factor(double[] q, double[] r) {
        /** @return R's i-th diagonal entry, for an n-column factor */
        double diagonal(int i, int n) {
            return r[i + i * n];
        }
    }

    private Tsqr() {
    }

    /**
     * Factors A = Q·R. Collective unless comm is null: every rank calls it with its rows of the same A.
     *
     * @param a     this rank's rows, column-major with leading dimension max(1, rows); not modified
     * @param rows  mᵢ (may be 0)
     * @param wantQ whether to form this rank's rows of Q
     * @throws IllegalArgumentException if n × n or the stack of R factors does not fit one array
     * @throws IllegalStateException    if A has fewer rows than columns
     */
    static Factor factor(Communicator comm, double[] a, int rows, int n, boolean wantQ) {
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("TSQR: A has too many columns (" + n + ") for an n x n R in one array");
        }
        int ld = Math.max(1, rows);
        int r = Math.min(rows, n);
        // 1. Local Householder QR of a copy of the rows.
        double[] local = new double[ld * n];
        System.arraycopy(a, 0, local, 0, Math.min(a.length, local.length));
        double[] tau = new double[Math.max(1, r)];
        if (rows > 0) {
            Dense.geqrf(rows, n, local, ld, tau);
        }
        double[] rLocal = upperRows(local, ld, r, n);
        boolean alone = comm == null || comm.size() == 1;

        // 2. R of the stacked R factors on rank 0 (alone, the local R), signs flipped to a non-negative diagonal.
        double[][] pieces = alone ? new double[][] {rLocal} : comm.gather(rLocal, 0);
        boolean root = alone || comm.rank() == 0;
        double[] rFinal = new double[n * n];
        double[] sign = new double[n];
        double[] stack = null;
        int s = 0;
        double[] stackTau = new double[n];
        if (root) {
            s = stackedRows(pieces, n);
            stack = alone ? rLocal : stack(pieces, s, n);
            if (!alone) {
                Dense.geqrf(s, n, stack, s, stackTau);
            }
            for (int i = 0; i < n; i++) {
                sign[i] = stack[i + i * s] < 0 ? -1 : 1;
                for (int j = i; j < n; j++) {
                    rFinal[i + j * n] = sign[i] * stack[i + j * s];
                }
            }
        }
        if (!alone) {
            comm.bcast(rFinal, 0, rFinal.length, 0);
        }
        if (!wantQ) {
            return new Factor(null, rFinal);
        }

        if (alone) {
            // Q = Qᵢ with R's signs on its columns.
            Dense.orgqr(rows, n, n, local, ld, tau);
            for (int j = 0; j < n; j++) {
                if (sign[j] < 0) {
                    for (int i = 0; i < rows; i++) {
                        local[i + j * ld] = -local[i + j * ld];
                    }
                }
            }
            return new Factor(local, rFinal);
        }
        // 3. This rank's rows of Q = Qᵢ·Q̂ᵢ, Q̂ᵢ (rᵢ × n) its rows of the stack's Q with R's signs.
        double[] qHat = distributeQHat(comm, pieces, stack, s, n, stackTau, sign, r);
        double[] q = new double[ld * n];
        if (rows > 0) {
            Dense.orgqr(rows, r, r, local, ld, tau);
            Dense.gemm("N", "N", rows, n, r, 1, local, 0, ld, qHat, 0, r, 0, q, 0, ld);
        }
        return new Factor(q, rFinal);
    }

    /** @return the first r rows of the upper trapezoid of a column-major factor, column-major r × n */
    private static double[] upperRows(double[] factored, int ld, int r, int n) {
        double[] out = new double[r * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= Math.min(j, r - 1); i++) {
                out[i + j * r] = factored[i + j * ld];
            }
        }
        return out;
    }

    private static int stackedRows(double[][] pieces, int n) {
        long stacked = 0;
        for (double[] p : pieces) {
            stacked += p.length / Math.max(1, n);
        }
        if (stacked < n) {
            throw new IllegalStateException("TSQR: the stacked R factors have " + stacked + " < " + n + " rows");
        }
        if (stacked * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("TSQR: A has too many columns (" + n + "): the " + stacked + " x " + n
                    + " stack of R factors does not fit one array");
        }
        return (int) stacked;
    }

    /** @return the pieces (column-major rᵢ × n each) stacked, column-major s × n */
    private static double[] stack(double[][] pieces, int s, int n) {
        double[] st = new double[s * n];
        int at = 0;
        for (double[] p : pieces) {
            int pr = p.length / n;
            for (int j = 0; j < n; j++) {
                System.arraycopy(p, j * pr, st, at + j * s, pr);
            }
            at += pr;
        }
        return st;
    }

    /**
     * Rank 0 forms the stack's Q and sends each rank its rows, with R's signs on its columns; every rank
     * returns its own piece (column-major rᵢ × n).
     */
    private static double[] distributeQHat(Communicator comm, double[][] pieces, double[] stack, int s, int n,
            double[] stackTau, double[] sign, int r) {
        if (comm.rank() == 0) {
            Dense.orgqr(s, n, n, stack, s, stackTau);
            int at = 0;
            double[] mine = null;
            for (int rank = 0; rank < pieces.length; rank++) {
                int pr = pieces[rank].length / n;
                double[] piece = new double[pr * n];
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < pr; i++) {
                        piece[i + j * pr] = sign[j] * stack[(at + i) + j * s];
                    }
                }
                at += pr;
                if (rank == 0) {
                    mine = piece;
                } else if (piece.length > 0) {
                    // After the broadcast of R, when every rank is past it and about to receive (no send
                    // may wait on a rank still blocked in a collective).
                    comm.sendDoubles(piece, 0, piece.length, rank, TAG_Q_PIECE);
                }
            }
            return mine;
        }
        double[] piece = new double[r * n];
        if (piece.length > 0) {
            comm.recvDoubles(piece, 0, piece.length, 0, TAG_Q_PIECE);
        }
        return piece;
    }
}
