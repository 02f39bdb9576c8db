package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import alchemist.task.Parallel;

/**
 * Block orthonormalization against a basis (the Krylov steps of truncated_svd): block classical
 * Gram–Schmidt with {@link Tsqr}, for column-major blocks whose rows are spread over the ranks of a
 * communicator (each rank holds its rows, column-major, leading dimension max(1, local rows)), or held
 * whole by one rank ({@code comm == null}).
 */
final class BlockOrthogonalizer {
    /** Threshold, relative to the problem's scale, below which a new direction counts as dependent. */
    static final double DEPENDENT = 1e-12;

    private BlockOrthogonalizer() {
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
    static double[] orthonormalize(Communicator comm, Parallel parallel, double[] basis, int ldBasis, int s, double[] p,
            int rows, int b, long firstRow, long totalRows, double scale, long seed) {
        int ld = Math.max(1, rows);
        double[] work = p.clone();
        for (int attempt = 0; attempt < 8; attempt++) {
            double[] x = work.clone();
            scale = Math.max(scale, projectAndMeasure(comm, basis, ldBasis, s, x, ld, rows, b, true));
            Tsqr.Factor first = Tsqr.factor(comm, parallel, x, rows, b, true);
            project(comm, basis, ldBasis, s, first.q(), ld, rows, b);
            Tsqr.Factor second = Tsqr.factor(comm, parallel, first.q(), rows, b, true);
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
