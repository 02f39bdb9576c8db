package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import alchemist.task.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The k-means algorithms behind {@link KMeansTask}: distributed k-means++ and k-means|| seeding and Lloyd's
 * iterations over rows held in row blocks. All methods taking a {@link Communicator} are collective.
 *
 * <p>Determinism: random choices depend only on the seed and on global row indices, never on how the rows
 * are split among workers. The only partition-dependent quantities are sums of squared distances (added in
 * another order with another number of workers), which differ in their last bits; a different choice
 * follows only if a random draw falls within that rounding of a boundary between two rows.
 * Nearest-center searches are exact (see {@link #nearest}), so they do not depend on the partition.
 */
final class KMeans {
    /** Rounds of k-means|| sampling, as MLlib's default {@code initializationSteps}. */
    static final int PARALLEL_INIT_STEPS = 2;
    /** Lloyd iterations on the weighted k-means|| candidates, as MLlib's {@code LocalKMeans}. */
    static final int LOCAL_ITERATIONS = 30;
    /** Rows per DGEMM block in {@link #nearest}, times k, at most. */
    private static final int BLOCK_VALUES = 1 << 20;
    /** Rows per DGEMM block in {@link #nearest} at most, so that a worker's rows make several pieces. */
    private static final int BLOCK_ROWS = 2048;

    private KMeans() {
    }

    /**
     * A worker's rows, their squared norms, and the worker's threads to search them with.
     *
     * @param x        rows × n values, row-major
     * @param firstRow the global index of the first
     * @param m        rows of the whole matrix
     * @param norms    squared Euclidean norm of each row
     * @param parallel the worker's threads ({@link alchemist.task.TaskContext#parallel()})
     */
    record Rows(double[] x, int rows, int n, long firstRow, long m, double[] norms, Parallel parallel) {
        /** As {@link #of(double[], int, int, long, long, Parallel)}, searched in the calling thread. */
        static Rows of(double[] x, int rows, int n, long firstRow, long m) {
            return of(x, rows, n, firstRow, m, Parallel.serial());
        }

        /**
         * @throws IllegalArgumentException if a row holds a NaN or infinity, or its squared norm overflows
         */
        static Rows of(double[] x, int rows, int n, long firstRow, long m, Parallel parallel) {
            double[] norms = squaredNorms(x, rows, n);
            for (int i = 0; i < rows; i++) {
                if (!Double.isFinite(norms[i])) {
                    throw new IllegalArgumentException("kmeans: row " + (firstRow + i)
                            + " of A is not finite or its squared norm overflows");
                }
            }
            return new Rows(x, rows, n, firstRow, m, norms, parallel);
        }
    }

    /**
     * The outcome of Lloyd's iterations.
     *
     * @param centers    k × n, row-major, the same on every rank
     * @param labels     this rank's rows' nearest centers
     * @param cost       Σ squared distance of each row to its nearest center (all ranks)
     * @param iterations center updates made
     */
    record Result(double[] centers, int[] labels, double cost, int iterations) {
    }

    // ---- Seeding ----

    /**
     * k-means++ seeding (Arthur and Vassilvitskii 2007): a uniformly random row, then k − 1 rows drawn one
     * at a time with probability proportional to their squared distance to the nearest center so far.
     * Cost: k passes over the rows (2(m/k')n flops each, k' workers), each with an allreduce of k' values
     * and a broadcast of n.
     *
     * @return k × n initial centers, row-major, the same on every rank
     */
    static double[] initPlusPlus(Communicator comm, Rows d, int k, long seed) {
        Random rng = new Random(seed);
        double[] centers = new double[k * d.n()];
        System.arraycopy(fetchRow(comm, d, (long) (rng.nextDouble() * d.m())), 0, centers, 0, d.n());
        double[] minD2 = new double[d.rows()];
        for (int i = 0; i < d.rows(); i++) {
            minD2[i] = distance(d.x(), i * d.n(), centers, 0, d.n());
        }
        plusPlus(comm, d, centers, 1, k, rng, minD2);
        return centers;
    }

    /**
     * k-means|| seeding (Bahmani et al. 2012), as MLlib's default: a uniformly random row, then
     * {@link #PARALLEL_INIT_STEPS} rounds in which each row is kept independently with probability
     * min(1, ℓ·d²/φ) (ℓ = 2k, d² its squared distance to the nearest candidate, φ their sum), its coin drawn
     * from a hash of (seed, round, global row index). The candidates (about 1 + 2ℓ) are weighted by how many
     * rows are nearest to each, and every rank reduces them to k centers alike: weighted k-means++, then up
     * to {@link #LOCAL_ITERATIONS} weighted Lloyd iterations. If the candidates hold fewer than k distinct
     * rows, the rest are drawn by k-means++ from all rows.
     *
     * <p>Cost: {@link #PARALLEL_INIT_STEPS} + 2 passes over the rows (O((m/k')·n·ℓ) flops each, k' workers),
     * small allreduces, all-gathers of the candidates (O(kn) values), and O(LOCAL_ITERATIONS·k²·n) flops on
     * every rank for the reduction.
     *
     * @return k × n initial centers, row-major, the same on every rank
     */
    static double[] initParallel(Communicator comm, Rows d, int k, long seed) {
        int n = d.n();
        int rows = d.rows();
        Random rng = new Random(seed);
        double[] candidates = fetchRow(comm, d, (long) (rng.nextDouble() * d.m()));
        int count = 1;
        double[] minD2 = new double[rows];
        for (int i = 0; i < rows; i++) {
            minD2[i] = distance(d.x(), i * n, candidates, 0, n);
        }
        double oversampling = 2.0 * k;
        int[] label = new int[rows];
        double[] dist = new double[rows];
        for (int step = 1; step <= PARALLEL_INIT_STEPS; step++) {
            double[] phi = {sum(minD2)};
            comm.allreduce(phi, ReduceOp.SUM);
            if (!(phi[0] > 0)) {
                break;
            }
            List<Integer> picked = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                if (minD2[i] > 0 && uniform(seed, step, d.firstRow() + i) * phi[0] < oversampling * minD2[i]) {
                    picked.add(i);
                }
            }
            double[] mine = new double[picked.size() * n];
            for (int p = 0; p < picked.size(); p++) {
                System.arraycopy(d.x(), picked.get(p) * n, mine, p * n, n);
            }
            double[] fresh = Collectives.allgatherv(comm, mine);
            int added = fresh.length / n;
            if (added == 0) {
                continue;
            }
            nearest(d.parallel(), d.x(), rows, n, d.norms(), fresh, added, label, dist);
            for (int i = 0; i < rows; i++) {
                minD2[i] = Math.min(minD2[i], dist[i]);
            }
            candidates = Arrays.copyOf(candidates, (count + added) * n);
            System.arraycopy(fresh, 0, candidates, count * n, added * n);
            count += added;
        }

        nearest(d.parallel(), d.x(), rows, n, d.norms(), candidates, count, label, dist);
        double[] weights = new double[count];
        for (int i = 0; i < rows; i++) {
            weights[label[i]] += 1;
        }
        comm.allreduce(weights, ReduceOp.SUM);
        double[] centers = new double[k * n];
        int have = localKMeans(candidates, weights, count, n, k, rng, centers);
        if (have < k) {
            nearest(d.parallel(), d.x(), rows, n, d.norms(), centers, have, label, minD2);
            plusPlus(comm, d, centers, have, k, rng, minD2);
        }
        return centers;
    }

    /**
     * Adds centers [have, k) by k-means++ draws. If every row already coincides with a center (fewer than
     * k distinct rows), a uniformly random row is taken instead, so centers repeat.
     *
     * @param minD2 each local row's squared distance to the nearest of the first {@code have} centers;
     *              updated
     */
    private static void plusPlus(Communicator comm, Rows d, double[] centers, int have, int k, Random rng,
            double[] minD2) {
        int n = d.n();
        int size = comm.size();
        double[] row = new double[n];
        for (; have < k; have++) {
            double[] sums = new double[size];
            sums[comm.rank()] = sum(minD2);
            comm.allreduce(sums, ReduceOp.SUM);
            double total = sum(sums);
            double u = rng.nextDouble();
            if (total > 0) {
                double target = u * total;
                int owner = pick(sums, target);
                double before = 0;
                for (int r = 0; r < owner; r++) {
                    before += sums[r];
                }
                if (comm.rank() == owner) {
                    int i = pick(minD2, target - before);
                    System.arraycopy(d.x(), i * n, row, 0, n);
                }
                comm.bcast(row, 0, n, owner);
            } else {
                row = fetchRow(comm, d, (long) (u * d.m()));
            }
            System.arraycopy(row, 0, centers, have * n, n);
            for (int i = 0; i < d.rows(); i++) {
                minD2[i] = Math.min(minD2[i], distance(d.x(), i * n, row, 0, n));
            }
        }
    }

    /**
     * Weighted k-means++ then weighted Lloyd on a small set of points, the same on every rank (no
     * communication). Stops drawing when every point of positive weight is a center.
     *
     * @param out k × n; its first (returned) number of rows are filled
     * @return the centers found, at most k
     */
    static int localKMeans(double[] points, double[] weights, int count, int n, int k, Random rng, double[] out) {
        double[] norms = squaredNorms(points, count, n);
        double[] mass = weights.clone();
        int first = pick(mass, rng.nextDouble() * sum(mass));
        System.arraycopy(points, first * n, out, 0, n);
        double[] d2 = new double[count];
        for (int i = 0; i < count; i++) {
            d2[i] = distance(points, i * n, out, 0, n);
        }
        int have = 1;
        while (have < k) {
            for (int i = 0; i < count; i++) {
                mass[i] = weights[i] * d2[i];
            }
            double total = sum(mass);
            if (!(total > 0)) {
                break;
            }
            int next = pick(mass, rng.nextDouble() * total);
            System.arraycopy(points, next * n, out, have * n, n);
            for (int i = 0; i < count; i++) {
                d2[i] = Math.min(d2[i], distance(points, i * n, out, have * n, n));
            }
            have++;
        }

        int[] label = new int[count];
        int[] previous = new int[count];
        Arrays.fill(previous, -1);
        double[] dist = new double[count];
        for (int it = 0; it < LOCAL_ITERATIONS; it++) {
            nearest(points, count, n, norms, out, have, label, dist);
            if (Arrays.equals(label, previous)) {
                break;
            }
            System.arraycopy(label, 0, previous, 0, count);
            double[] sums = new double[have * n];
            double[] w = new double[have];
            for (int i = 0; i < count; i++) {
                int j = label[i];
                w[j] += weights[i];
                for (int t = 0; t < n; t++) {
                    sums[j * n + t] += weights[i] * points[i * n + t];
                }
            }
            for (int j = 0; j < have; j++) {
                if (w[j] > 0) {
                    for (int t = 0; t < n; t++) {
                        out[j * n + t] = sums[j * n + t] / w[j];
                    }
                }
            }
        }
        return have;
    }

    // ---- Lloyd's iterations ----

    /**
     * Lloyd's iterations from the given centers: assign every row to its nearest center, replace each
     * center by the mean of its rows (one allreduce of k(n + 1) + 1 values), until no center moves more
     * than {@code tolerance} × the root-mean-square row norm, or {@code maxIterations} updates. A cluster
     * left empty by an assignment has its center moved to the row farthest from its own center (the next
     * farthest for the next empty cluster, ties to the lowest row index), as scikit-learn does; this
     * lowers the cost, and clusters stay empty only if A has fewer than k distinct rows. The returned
     * labels and cost are those of the returned centers.
     *
     * <p>Cost per iteration: 2(m/k')kn flops per worker (a DGEMM for distances), an allreduce of k(n + 1)
     * + 1 values, and three small allreduces per empty cluster.
     *
     * @param centers k × n initial centers, row-major, the same on every rank; not modified
     */
    static Result lloyd(Communicator comm, Rows d, double[] centers, int k, int maxIterations, double tolerance) {
        int n = d.n();
        int rows = d.rows();
        int[] label = new int[rows];
        double[] dist = new double[rows];
        double[] scale = {sum(d.norms())};
        comm.allreduce(scale, ReduceOp.SUM);
        double threshold = tolerance * Math.sqrt(scale[0] / d.m());

        double[] current = centers.clone();
        double[] acc = assign(comm, d, current, k, label, dist);
        int iterations = 0;
        while (iterations < maxIterations) {
            double[] next = new double[k * n];
            for (int j = 0; j < k; j++) {
                double count = acc[k * n + j];
                if (count > 0) {
                    for (int t = 0; t < n; t++) {
                        next[j * n + t] = acc[j * n + t] / count;
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                if (acc[k * n + j] == 0) {
                    System.arraycopy(farthestRow(comm, d, dist), 0, next, j * n, n);
                }
            }
            double moved = 0;
            for (int j = 0; j < k; j++) {
                moved = Math.max(moved, distance(next, j * n, current, j * n, n));
            }
            current = next;
            iterations++;
            acc = assign(comm, d, current, k, label, dist);
            if (Math.sqrt(moved) <= threshold) {
                break;
            }
        }
        return new Result(current, label, acc[k * n + k], iterations);
    }

    /**
     * Assigns the local rows to their nearest centers and sums them up over all ranks.
     *
     * @return k × n sums of each cluster's rows, then k counts, then the cost (Σ squared distances)
     */
    private static double[] assign(Communicator comm, Rows d, double[] centers, int k, int[] label, double[] dist) {
        int n = d.n();
        nearest(d.parallel(), d.x(), d.rows(), n, d.norms(), centers, k, label, dist);
        double[] acc = new double[k * n + k + 1];
        for (int i = 0; i < d.rows(); i++) {
            int j = label[i];
            for (int t = 0; t < n; t++) {
                acc[j * n + t] += d.x()[i * n + t];
            }
            acc[k * n + j] += 1;
            acc[k * n + k] += dist[i];
        }
        comm.allreduce(acc, ReduceOp.SUM);
        return acc;
    }

    /**
     * The row with the largest {@code dist} over all ranks (lowest global index on ties), whose distance is
     * then set to −1 so that the next call finds another. Three allreduces (of 1, 1 and n values).
     */
    private static double[] farthestRow(Communicator comm, Rows d, double[] dist) {
        int best = -1;
        for (int i = 0; i < d.rows(); i++) {
            if (best < 0 || dist[i] > dist[best]) {
                best = i;
            }
        }
        double[] far = {best < 0 ? Double.NEGATIVE_INFINITY : dist[best]};
        comm.allreduce(far, ReduceOp.MAX);
        double[] index = {best >= 0 && dist[best] == far[0] ? d.firstRow() + best : Double.POSITIVE_INFINITY};
        comm.allreduce(index, ReduceOp.MIN);
        long row = (long) index[0];
        if (row >= d.firstRow() && row < d.firstRow() + d.rows()) {
            dist[(int) (row - d.firstRow())] = -1;
        }
        return fetchRow(comm, d, row);
    }

    // ---- Local helpers ----

    /**
     * Each row's nearest center and its squared distance, exactly: candidate distances come from
     * ‖x‖² − 2x·c + ‖c‖² (the x·c by DGEMM, in blocks of rows), and every center within that formula's
     * rounding error bound of the best is then checked by the direct Σ(x − c)², so the result is the exact
     * nearest center (lowest index on exact ties) whatever BLAS does, at O(n) extra flops per row.
     *
     * @param x     rows × n, row-major
     * @param norms the rows' squared norms
     * @param c     k × n centers, row-major
     * @param label filled with each row's nearest center
     * @param dist  filled with each row's squared distance to it
     */
    static void nearest(double[] x, int rows, int n, double[] norms, double[] c, int k, int[] label, double[] dist) {
        nearest(Parallel.serial(), x, rows, n, norms, c, k, label, dist);
    }

    /** As {@link #nearest(double[], int, int, double[], double[], int, int[], double[])}, on the given threads. */
    static void nearest(Parallel parallel, double[] x, int rows, int n, double[] norms, double[] c, int k, int[] label,
            double[] dist) {
        if (rows == 0) {
            return;
        }
        double[] cn = squaredNorms(c, k, n);
        int block = Math.max(1, Math.min(rows, Math.min(BLOCK_ROWS, BLOCK_VALUES / k)));
        int blocks = (rows + block - 1) / block;
        parallel.run(Blocks.pieces(Blocks.edges(blocks, 2L * rows * n * k), (b0, b1) -> {
            double[] g = new double[block * k];
            for (int start = b0 * block; start < Math.min(rows, b1 * block); start += block) {
                nearestInBlock(x, start, Math.min(block, rows - start), n, norms, c, cn, k, g, label, dist);
            }
        }));
    }

    /** {@link #nearest} for rows [start, start + b), with g (b·k values at least) for the DGEMM's product. */
    private static void nearestInBlock(double[] x, int start, int b, int n, double[] norms, double[] c, double[] cn,
            int k, double[] g, int[] label, double[] dist) {
        // |error| of fl(‖x‖² − 2x·c + ‖c‖²) ≤ about (2n + 3)·u·(‖x‖² + ‖c‖²), u = 2⁻⁵³; twice that here.
        double bound = (n + 4) * 0x1.0p-51;
        // Row-major G (b × k) = X_block · Cᵀ is column-major Gᵀ = C (k × n) · X_blockᵀ (n × b).
        Linalg.BLAS.dgemm("T", "N", k, b, n, 1.0, c, 0, n, x, start * n, n, 0.0, g, 0, k);
        for (int r = 0; r < b; r++) {
            int i = start + r;
            double xi = norms[i];
            int approxBest = 0;
            for (int j = 0; j < k; j++) {
                double e = xi - 2 * g[r * k + j] + cn[j];
                g[r * k + j] = e;
                if (e < g[r * k + approxBest]) {
                    approxBest = j;
                }
            }
            double limit = g[r * k + approxBest] + bound * (xi + cn[approxBest]);
            int bestJ = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (g[r * k + j] - bound * (xi + cn[j]) <= limit) {
                    double e = distance(x, i * n, c, j * n, n);
                    if (e < bestD) {
                        bestD = e;
                        bestJ = j;
                    }
                }
            }
            label[i] = bestJ;
            dist[i] = bestD;
        }
    }

    /** @return Σ (a[ai + t] − b[bi + t])², t &lt; n */
    static double distance(double[] a, int ai, double[] b, int bi, int n) {
        double s = 0;
        for (int t = 0; t < n; t++) {
            double diff = a[ai + t] - b[bi + t];
            s += diff * diff;
        }
        return s;
    }

    private static double[] squaredNorms(double[] x, int rows, int n) {
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int t = 0; t < n; t++) {
                s += x[i * n + t] * x[i * n + t];
            }
            norms[i] = s;
        }
        return norms;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s;
    }

    /**
     * @return the index i with positive {@code mass[i]} whose cumulative interval holds {@code target}
     *         (the last positive one if rounding puts the target past the end), or 0 if none is positive
     */
    private static int pick(double[] mass, double target) {
        int last = -1;
        double cum = 0;
        for (int i = 0; i < mass.length; i++) {
            if (mass[i] > 0) {
                last = i;
                cum += mass[i];
                if (target < cum) {
                    return i;
                }
            }
        }
        return Math.max(last, 0);
    }

    /** @return global row {@code row} of the matrix on every rank (its owner contributes it to an allreduce) */
    private static double[] fetchRow(Communicator comm, Rows d, long row) {
        double[] v = new double[d.n()];
        if (row >= d.firstRow() && row < d.firstRow() + d.rows()) {
            System.arraycopy(d.x(), (int) (row - d.firstRow()) * d.n(), v, 0, d.n());
        }
        comm.allreduce(v, ReduceOp.SUM);
        return v;
    }

    /** @return a uniform double in [0, 1) from (seed, step, row) alone: SplitMix64's finalizer, chained */
    static double uniform(long seed, int step, long row) {
        long h = mix64(mix64(seed) + step * 0x9E3779B97F4A7C15L);
        h = mix64(h + (row + 1) * 0x9E3779B97F4A7C15L);
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
