package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;

/**
 * Tall-skinny QR and block orthonormalization of column-major blocks (the Krylov and refinement steps of
 * truncated_svd) whose rows are spread over the ranks of a
 * communicator (each rank holds its rows, column-major, leading dimension max(1, local rows)), or held
 * whole by one rank ({@code comm == null}).
 *
 * <p>TSQR: each rank factors its rows with Householder QR (DGEQRF, 2·mᵢ·b² flops), rank 0 gathers the
 * p small b × b triangles, factors their stack and broadcasts the resulting R and the p blocks of the
 * stack's Q ((p + 1)·b² values); each rank then forms its rows of Q with one b × b DGEMM. Q is orthonormal
 * to machine precision whatever the condition of the block, unlike Cholesky QR, and R is the same on every
 * rank bit for bit.
 */
final class BlockOrthogonalizer {
    /** Threshold, relative to the problem's scale, below which a new direction counts as dependent. */
    static final double DEPENDENT = 1e-12;

    private BlockOrthogonalizer() {
    }

    /**
     * A QR factorization W = Q·R.
     *
     * @param q this rank's rows of Q, column-major (rows × b, leading dimension max(1, rows))
     * @param r R, column-major b × b upper triangular, identical on every rank
     */
    record Factor(double[] q, double[] r) {
        double diagonal(int i, int b) {
            return r[i + i * b];
        }
    }

    /**
     * Factors a distributed rows × b block W = Q·R (collective).
     *
     * @param w this rank's rows, column-major with leading dimension max(1, rows); left unchanged
     */
    static Factor qr(Communicator comm, double[] w, int rows, int b) {
        int ld = Math.max(1, rows);
        double[] q1 = new double[ld * b];
        double[] local = new double[b * b];
        if (rows >= b) {
            System.arraycopy(w, 0, q1, 0, ld * b);
            double[] tau = new double[b];
            Dense.geqrf(rows, b, q1, ld, tau);
            for (int j = 0; j < b; j++) {
                for (int i = 0; i <= j; i++) {
                    local[i + j * b] = q1[i + j * ld];
                }
            }
            Dense.orgqr(rows, b, b, q1, ld, tau);
        } else {
            // Fewer rows than columns: W = [I 0]·[W; 0], the second factor b × b.
            for (int j = 0; j < b; j++) {
                for (int i = 0; i < rows; i++) {
                    local[i + j * b] = w[i + j * ld];
                }
            }
            for (int i = 0; i < rows; i++) {
                q1[i + i * ld] = 1;
            }
        }
        int p = comm == null ? 1 : comm.size();
        int rank = comm == null ? 0 : comm.rank();
        int stacked = p * b;
        double[] shared = new double[b * b + stacked * b]; // R, then the stack's Q (stacked × b)
        double[][] all = p == 1 ? new double[][] {local} : comm.gather(local, 0);
        if (rank == 0) {
            double[] st = new double[stacked * b];
            for (int r = 0; r < p; r++) {
                for (int j = 0; j < b; j++) {
                    System.arraycopy(all[r], j * b, st, r * b + j * stacked, b);
                }
            }
            double[] tau = new double[b];
            Dense.geqrf(stacked, b, st, stacked, tau);
            for (int j = 0; j < b; j++) {
                for (int i = 0; i <= j; i++) {
                    shared[i + j * b] = st[i + j * stacked];
                }
            }
            Dense.orgqr(stacked, b, b, st, stacked, tau);
            System.arraycopy(st, 0, shared, b * b, stacked * b);
        }
        if (p > 1) {
            comm.bcast(shared, 0, shared.length, 0);
        }
        double[] r = new double[b * b];
        System.arraycopy(shared, 0, r, 0, b * b);
        double[] q = new double[ld * b];
        Dense.gemm("N", "N", rows, b, b, 1, q1, 0, ld, shared, b * b + rank * b, stacked, 0, q, 0, ld);
        return new Factor(q, r);
    }

    /** x ← x − basis·(basisᵀ·x) over the first s basis columns (collective unless comm is null). */
    static void project(Communicator comm, double[] basis, int ldBasis, int s, double[] x, int ldx, int rows, int b) {
        projectAndMeasure(comm, basis, ldBasis, s, x, ldx, rows, b, false);
    }

    /**
     * x ← x − basis·(basisᵀ·x), in one allreduce with, if asked, the squared column norms of x before.
     *
     * @return the largest column norm of x before the projection if asked, else 0
     */
    private static double projectAndMeasure(Communicator comm, double[] basis, int ldBasis, int s, double[] x,
            int ldx, int rows, int b, boolean measure) {
        int extra = measure ? b : 0;
        if ((s == 0 && !measure) || b == 0) {
            return 0;
        }
        double[] c = new double[s * b + extra];
        Dense.gemm("T", "N", s, b, rows, 1, basis, 0, ldBasis, x, 0, ldx, 0, c, 0, s);
        if (measure) {
            System.arraycopy(Dense.columnSquares(x, ldx, rows, b), 0, c, s * b, b);
        }
        if (comm != null) {
            comm.allreduce(c, ReduceOp.SUM);
        }
        Dense.gemm("N", "N", rows, b, s, -1, basis, 0, ldBasis, c, 0, s, 1, x, 0, ldx);
        return measure ? Dense.maxNorm(java.util.Arrays.copyOfRange(c, s * b, s * b + b)) : 0;
    }

    /**
     * Extends an orthonormal basis by b columns that cover a block P: returns Q with [basis, Q]
     * orthonormal (to machine precision) and every column of P within {@link #DEPENDENT}·scale of
     * span[basis, Q]. Block classical Gram–Schmidt with TSQR, twice (BCGS2: project, QR, project, QR; four
     * collective rounds, the first also measuring P). Where P has fewer than b new directions (the first R's
     * diagonal below {@link #DEPENDENT}·scale, or the second's below 1/2), the dependent columns are
     * replaced by pseudo-random ones (seeded by global row, so the same on every rank and for every number
     * of ranks) and the block is done again. Collective unless comm is null; the decisions come from R,
     * which every rank shares, so all ranks take the same path.
     *
     * @param basis     the first s columns are orthonormal; column-major, leading dimension ldBasis
     * @param p         the block, rows × b, column-major with leading dimension max(1, rows); unchanged
     * @param totalRows the rows of the whole distributed block (to scale random columns)
     * @param scale     the size of the problem (e.g. an estimate of ‖A‖); P's largest column norm is taken
     *                  if larger; 0 is allowed
     */
    static double[] orthonormalize(Communicator comm, double[] basis, int ldBasis, int s, double[] p, int rows, int b,
            long firstRow, long totalRows, double scale, long seed) {
        int ld = Math.max(1, rows);
        double[] work = p.clone();
        for (int attempt = 0; attempt < 8; attempt++) {
            double[] x = work.clone();
            scale = Math.max(scale, projectAndMeasure(comm, basis, ldBasis, s, x, ld, rows, b, true));
            Factor first = qr(comm, x, rows, b);
            project(comm, basis, ldBasis, s, first.q(), ld, rows, b);
            Factor second = qr(comm, first.q(), rows, b);
            boolean dependent = false;
            double randomScale = (scale > 0 ? scale : 1) / Math.sqrt(Math.max(1, totalRows));
            for (int i = 0; i < b; i++) {
                if (Math.abs(first.diagonal(i, b)) <= DEPENDENT * scale || Math.abs(second.diagonal(i, b)) < 0.5) {
                    dependent = true;
                    Dense.fillRandomColumn(work, ld, rows, i, firstRow, seed + attempt, i, randomScale);
                }
            }
            if (!dependent) {
                return second.q();
            }
        }
        throw new IllegalStateException("could not extend an orthonormal basis of " + s + " columns by " + b
                + " in " + totalRows + " dimensions");
    }
}
