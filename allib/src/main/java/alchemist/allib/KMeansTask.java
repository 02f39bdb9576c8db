package alchemist.allib;

import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code kmeans(A, k, max_iterations = 100, seed = 42, init = "k-means||", tolerance = 1e-9) -> (centers,
 * assignments, cost, iterations)}: k-means clustering of the m rows of an m × n matrix A.
 *
 * <ul>
 * <li>Seeding: {@code init = "k-means||"} (the default, as MLlib's) samples about 4k candidate rows in two
 * passes and reduces them to k centers on every worker ({@link KMeans#initParallel}); {@code "k-means++"}
 * draws the k centers one pass each ({@link KMeans#initPlusPlus}). Both are driven by {@code seed} and by
 * global row indices only, so the same seed gives the same centers on any number of workers (up to the
 * rounding of partition-dependent sums, which only matters at measure-zero boundaries).</li>
 * <li>Lloyd's iterations ({@link KMeans#lloyd}): each worker assigns its rows to their nearest center
 * (exact nearest, DGEMM-accelerated, blocks of rows on the worker's threads) and sums each cluster's rows;
 * one allreduce of k(n + 1) + 1 values gives the new centers, until no center moves more than
 * {@code tolerance} × the root-mean-square row norm of A, or after {@code max_iterations} updates. An empty cluster's center moves to the row farthest
 * from its center.</li>
 * </ul>
 * Outputs: {@code centers} (k × n), {@code assignments} (m × 1 in A's row blocks, each row's center index
 * 0..k−1 as a double), {@code cost} (DOUBLE, Σ squared distance of each row to its assigned center, for the
 * returned centers) and {@code iterations} (INT, the center updates made; 0 returns the seeding).
 *
 * <p>Cost with k' workers: 2(m/k')kn flops per worker and one allreduce of k(n + 1) + 1 values per
 * iteration, plus the seeding's (see {@link KMeans}). Memory: k·n centers and m/k' labels per worker.
 *
 * @throws IllegalArgumentException (ERROR 11) if k is not in 1..m, max_iterations &lt; 0, tolerance is
 *                                  negative or not finite, init is unknown, k·n values do not fit an
 *                                  array, or A holds a NaN or infinity
 */
final class KMeansTask implements Task {
    static final String PARALLEL = "k-means||";
    static final String PLUS_PLUS = "k-means++";

    @Override
    public String name() {
        return "kmeans";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").intArg("k")
                .optional("max_iterations", ArgType.INT, 100)
                .optional("seed", ArgType.LONG, 42L)
                .optional("init", ArgType.STRING, PARALLEL)
                .optional("tolerance", ArgType.DOUBLE, 1e-9)
                .outputMatrix("centers").outputMatrix("assignments")
                .output("cost", ArgType.DOUBLE).output("iterations", ArgType.INT)
                .build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        long m = a.numRows();
        int n = a.numCols();
        int k = ctx.intArg("k");
        int maxIterations = ctx.intArg("max_iterations");
        long seed = ctx.longArg("seed");
        String init = ctx.stringArg("init");
        double tolerance = ctx.doubleArg("tolerance");
        if (k < 1 || k > m) {
            throw new IllegalArgumentException("kmeans: k = " + k + " must be in 1.." + m + " (A is " + m + " x " + n + ")");
        }
        if ((long) k * (n + 1) + 1 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kmeans: " + k + " centers of " + n + " columns do not fit one array");
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("kmeans: max_iterations = " + maxIterations + " must be >= 0");
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("kmeans: tolerance = " + tolerance + " must be finite and >= 0");
        }
        if (!init.equals(PARALLEL) && !init.equals(PLUS_PLUS)) {
            throw new IllegalArgumentException("kmeans: init = \"" + init + "\" must be \"" + PARALLEL + "\" or \""
                    + PLUS_PLUS + "\"");
        }

        KMeans.Rows rows = KMeans.Rows.of(a.values(), a.localRows(), n, a.firstRow(), m, ctx.parallel());
        double[] seeds = init.equals(PARALLEL) ? KMeans.initParallel(ctx.comm(), rows, k, seed)
                : KMeans.initPlusPlus(ctx.comm(), rows, k, seed);
        KMeans.Result result = KMeans.lloyd(ctx.comm(), rows, seeds, k, maxIterations, tolerance);

        ctx.putWholeMatrix("centers", result.centers(), k, n);
        RowBlock assignments = ctx.createMatrix("assignments", m, 1);
        QrTask.requireSameRows(a, assignments);
        for (int i = 0; i < a.localRows(); i++) {
            assignments.values()[i] = result.labels()[i];
        }
        ctx.putScalar("cost", result.cost());
        ctx.putScalar("iterations", result.iterations());
    }
}
