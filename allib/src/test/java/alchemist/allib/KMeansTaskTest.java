package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.server.worker.InProcessTaskRunner;
import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** kmeans(A, k, ...): clusters recovered, outputs consistent, the same on any number of workers. */
class KMeansTaskTest {
    private static final String[] INITS = {KMeansTask.PARALLEL, KMeansTask.PLUS_PLUS};

    /** Well-separated Gaussian blobs of unequal sizes, shuffled; labels[i] is row i's blob. */
    private record Blobs(double[][] a, int[] labels, double[][] means) {
        static Blobs make(long seed) {
            double[][] centers = {{0, 0, 0}, {30, 0, 0}, {0, 30, 0}, {0, 0, 30}, {30, 30, 30}};
            int[] sizes = {60, 45, 30, 25, 40};
            Random rnd = new Random(seed);
            List<double[]> rows = new ArrayList<>();
            for (int c = 0; c < centers.length; c++) {
                for (int s = 0; s < sizes[c]; s++) {
                    double[] row = new double[4];
                    for (int j = 0; j < 3; j++) {
                        row[j] = centers[c][j] + rnd.nextGaussian();
                    }
                    row[3] = c;
                    rows.add(row);
                }
            }
            Collections.shuffle(rows, rnd);
            double[][] a = new double[rows.size()][3];
            int[] labels = new int[rows.size()];
            double[][] means = new double[centers.length][3];
            for (int i = 0; i < a.length; i++) {
                labels[i] = (int) rows.get(i)[3];
                for (int j = 0; j < 3; j++) {
                    a[i][j] = rows.get(i)[j];
                    means[labels[i]][j] += a[i][j] / sizes[labels[i]];
                }
            }
            return new Blobs(a, labels, means);
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @CsvSource({"k-means||, 1", "k-means||, 2", "k-means||, 3", "k-means++, 1", "k-means++, 2", "k-means++, 3"})
    void recoversBlobs(String init, int workers) {
        Blobs blobs = Blobs.make(11);
        int k = blobs.means().length;
        InProcessTaskRunner.Result result = Tasks.run(new KMeansTask(), workers, blobs.a(), k, 100, 7L, init);
        double[][] centers = result.matrix("centers");
        int[] assigned = labels(result.matrix("assignments"));
        checkConsistent(blobs.a(), result);

        // Assignments equal the blobs up to a permutation of cluster indices.
        int[] clusterOf = new int[k];
        Arrays.fill(clusterOf, -1);
        boolean[] used = new boolean[k];
        for (int i = 0; i < assigned.length; i++) {
            int blob = blobs.labels()[i];
            if (clusterOf[blob] < 0) {
                assertTrue(!used[assigned[i]], "cluster " + assigned[i] + " holds two blobs");
                clusterOf[blob] = assigned[i];
                used[assigned[i]] = true;
            }
            assertEquals(clusterOf[blob], assigned[i], "row " + i + " of blob " + blob);
        }
        // So each center is its blob's mean (Lloyd's fixed point).
        for (int blob = 0; blob < k; blob++) {
            assertArrayEquals(blobs.means()[blob], centers[clusterOf[blob]], 1e-9 * 30, "center of blob " + blob);
        }
        assertTrue((Integer) result.scalar("iterations") >= 1);
    }

    /** The same seed gives the same clustering on 1, 2 and 3 workers, on data without clear clusters. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k-means||", "k-means++"})
    void sameResultOnAnyNumberOfWorkers(String init) {
        double[][] a = TestMatrices.gaussian(301, 4, new Random(5));
        InProcessTaskRunner.Result one = Tasks.run(new KMeansTask(), 1, a, 7, 200, 123L, init);
        checkConsistent(a, one);
        for (int workers = 2; workers <= 3; workers++) {
            InProcessTaskRunner.Result other = Tasks.run(new KMeansTask(), workers, a, 7, 200, 123L, init);
            checkConsistent(a, other);
            double[][] c1 = one.matrix("centers");
            double[][] c2 = other.matrix("centers");
            for (int j = 0; j < c1.length; j++) {
                assertArrayEquals(c1[j], c2[j], 1e-9, workers + " workers, center " + j);
            }
            assertArrayEquals(labels(one.matrix("assignments")), labels(other.matrix("assignments")));
            assertEquals((Double) one.scalar("cost"), (Double) other.scalar("cost"), 1e-9 * (Double) one.scalar("cost"));
            assertEquals(one.scalar("iterations"), other.scalar("iterations"));
        }
        // Another seed gives another seeding (the seed is used at all).
        InProcessTaskRunner.Result reseeded = Tasks.run(new KMeansTask(), 2, a, 7, 0, 124L, init);
        InProcessTaskRunner.Result seeded = Tasks.run(new KMeansTask(), 2, a, 7, 0, 123L, init);
        assertNotEquals(Arrays.deepToString(seeded.matrix("centers")), Arrays.deepToString(reseeded.matrix("centers")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k-means||", "k-means++"})
    void zeroIterationsReturnsTheSeeding(String init) {
        double[][] a = TestMatrices.gaussian(50, 3, new Random(8));
        InProcessTaskRunner.Result result = Tasks.run(new KMeansTask(), 3, a, 4, 0, 1L, init);
        assertEquals(0, result.scalar("iterations"));
        checkConsistent(a, result);
        if (init.equals(KMeansTask.PLUS_PLUS)) {
            for (double[] center : result.matrix("centers")) {
                assertTrue(Arrays.stream(a).anyMatch(row -> Arrays.equals(row, center)), "a seed is a row of A");
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @CsvSource({"k-means||, 1", "k-means||, 3", "k-means++, 2", "k-means++, 3"})
    void asManyClustersAsRows(String init, int workers) {
        double[][] a = TestMatrices.gaussian(9, 2, new Random(9));
        InProcessTaskRunner.Result result = Tasks.run(new KMeansTask(), workers, a, 9, 100, 3L, init);
        checkConsistent(a, result);
        assertEquals(0.0, (Double) result.scalar("cost"), 1e-24);
        assertEquals(9, Arrays.stream(labels(result.matrix("assignments"))).distinct().count());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k-means||", "k-means++"})
    void fewerDistinctRowsThanClusters(String init) {
        double[][] a = {{0}, {0}, {5}, {10}, {10}, {10}};
        InProcessTaskRunner.Result result = Tasks.run(new KMeansTask(), 3, a, 4, 10, 2L, init);
        checkConsistent(a, result);
        assertEquals(0.0, (Double) result.scalar("cost"));
        List<Double> centers = Arrays.stream(result.matrix("centers")).map(c -> c[0]).toList();
        assertTrue(centers.containsAll(List.of(0.0, 5.0, 10.0)), centers.toString());
    }

    /** Lloyd from given centers, one far from every row: its empty cluster moves to the farthest row. */
    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    @Tag("embedded-only") // LloydFrom is a test task, not in the allib jar a server loads
    void emptyClusterMovesToTheFarthestRow(int workers) {
        double[][] a = {{0}, {1}, {2}, {3}, {100}, {101}};
        double[][] seeds = {{0}, {1}, {1000}};
        InProcessTaskRunner.Result result = InProcessTaskRunner.run(new LloydFrom(), workers, a, seeds);
        checkConsistent(a, result);
        // By hand: {0 | 1 2 3 100 101 | ∅} → 1000 moves to 101 → {0 1 2 3 | ∅ | 100 101} → 41.4 moves to 3
        // → {1.5, 3, 100.5} → {0 1 2 | 3 | 100 101} → {1, 3, 100.5}, stable (2 ties between 1 and 3: lower index).
        assertArrayEquals(new double[][] {{1}, {3}, {100.5}}, result.matrix("centers"));
        assertEquals(2.5, (Double) result.scalar("cost"), 1e-12);
        assertEquals(4, result.scalar("iterations"));
    }

    /**
     * The exact nearest center even where ‖x‖² − 2x·c + ‖c‖² cannot tell: |x| ≈ 1e9, so that formula's
     * rounding (ulp(1e18) = 128) exceeds the differences of the squared distances (below 16).
     */
    @Test
    void nearestIsExactForLargeNorms() {
        double[] centers = {1e9, 1, 1e9 + 4, 1};
        double[] deltas = new double[41];
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = -0.5 + 0.125 * i;
        }
        double[] x = new double[2 * deltas.length];
        double[] norms = new double[deltas.length];
        for (int i = 0; i < deltas.length; i++) {
            x[2 * i] = 1e9 + deltas[i];
            x[2 * i + 1] = 1;
            norms[i] = x[2 * i] * x[2 * i] + 1;
        }
        int[] label = new int[deltas.length];
        double[] dist = new double[deltas.length];
        KMeans.nearest(x, deltas.length, 2, norms, centers, 2, label, dist);
        for (int i = 0; i < deltas.length; i++) {
            double d0 = KMeans.distance(x, 2 * i, centers, 0, 2);
            double d1 = KMeans.distance(x, 2 * i, centers, 2, 2);
            assertEquals(d1 < d0 ? 1 : 0, label[i], "delta " + deltas[i]);
            assertEquals(Math.min(d0, d1), dist[i], "delta " + deltas[i]);
        }
    }

    @Test
    void badArguments() {
        double[][] a = TestMatrices.gaussian(10, 2, new Random(10));
        KMeansTask task = new KMeansTask();
        for (int workers = 1; workers <= 3; workers++) {
            int w = workers;
            TestMatrices.assertBadArguments(() -> Tasks.run(task, w, a, 0));
            AlchemistException e = TestMatrices.assertBadArguments(() -> Tasks.run(task, w, a, 11));
            assertTrue(e.getMessage().contains("k = 11"), e.getMessage());
            TestMatrices.assertBadArguments(() -> Tasks.run(task, w, a, -1));
        }
        TestMatrices.assertBadArguments(() -> Tasks.run(task, 2, a, 2, -1));
        TestMatrices.assertBadArguments(() -> Tasks.run(task, 2, a, 2, 10, 1L, "random"));
        TestMatrices.assertBadArguments(() -> Tasks.run(task, 2, a, 2, 10, 1L, KMeansTask.PARALLEL, -1.0));
        double[][] withNaN = TestMatrices.gaussian(10, 2, new Random(10));
        withNaN[7][1] = Double.NaN;
        TestMatrices.assertBadArguments(() -> Tasks.run(task, 3, withNaN, 2));
    }

    @Test
    void defaultsApply() {
        Blobs blobs = Blobs.make(12);
        InProcessTaskRunner.Result result = Tasks.run(new KMeansTask(), 2, blobs.a(), 5);
        checkConsistent(blobs.a(), result);
        int iterations = (Integer) result.scalar("iterations");
        assertTrue(iterations >= 1 && iterations <= 100, "iterations " + iterations);
    }

    /**
     * Checks the outputs against each other and A: shapes, each row assigned to a nearest center, the cost
     * equal to the recomputed Σ‖x − c‖².
     */
    private static void checkConsistent(double[][] a, InProcessTaskRunner.Result result) {
        double[][] centers = result.matrix("centers");
        double[][] assignments = result.matrix("assignments");
        assertEquals(a.length, assignments.length);
        assertEquals(1, assignments[0].length);
        assertEquals(a[0].length, centers[0].length);
        double cost = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            int label = (int) assignments[i][0];
            assertEquals(label, assignments[i][0], "an integral label");
            assertTrue(label >= 0 && label < centers.length, "label " + label);
            double mine = squaredDistance(a[i], centers[label]);
            for (double[] c : centers) {
                assertTrue(mine <= squaredDistance(a[i], c), "row " + i + " has a nearer center than its own");
            }
            cost += mine;
            scale += squaredDistance(a[i], new double[a[i].length]);
        }
        assertEquals(cost, (Double) result.scalar("cost"), 1e-12 * Math.max(cost, 1e-3 * scale), "cost");
    }

    private static double squaredDistance(double[] x, double[] c) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += (x[j] - c[j]) * (x[j] - c[j]);
        }
        return s;
    }

    private static int[] labels(double[][] assignments) {
        return Arrays.stream(assignments).mapToInt(r -> (int) r[0]).toArray();
    }

    /** Runs {@link KMeans#lloyd} from the centers given as a matrix argument, as kmeans would. */
    private static final class LloydFrom implements Task {
        @Override
        public String name() {
            return "lloyd_from";
        }

        @Override
        public Signature signature() {
            return Signature.builder().matrix("A").matrix("seeds").outputMatrix("centers").outputMatrix("assignments")
                    .output("cost", ArgType.DOUBLE).output("iterations", ArgType.INT).build();
        }

        @Override
        public void run(TaskContext ctx) {
            RowBlock a = ctx.matrix("A");
            RowBlock seeds = ctx.matrix("seeds");
            int k = (int) seeds.numRows();
            double[] initial = Collectives.allgatherRows(ctx.comm(), seeds);
            KMeans.Rows rows = KMeans.Rows.of(a.values(), a.localRows(), a.numCols(), a.firstRow(), a.numRows());
            KMeans.Result r = KMeans.lloyd(ctx.comm(), rows, initial, k, 100, 1e-9);
            ctx.putWholeMatrix("centers", r.centers(), k, a.numCols());
            RowBlock out = ctx.createMatrix("assignments", a.numRows(), 1);
            for (int i = 0; i < a.localRows(); i++) {
                out.values()[i] = r.labels()[i];
            }
            ctx.putScalar("cost", r.cost());
            ctx.putScalar("iterations", r.iterations());
        }
    }
}
