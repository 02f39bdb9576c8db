package alchemist.spark;

import alchemist.client.Matrices;
import static alchemist.spark.SparkTests.assertRowEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A standalone Spark cluster with two executors in their own JVMs, and an embedded Alchemist in the
 * driver (this JVM): rows go from the executors to the workers and back over one connection per
 * (executor, worker), and a send task that fails halfway is retried into an exact matrix.
 */
class StandaloneClusterTest {
    private static final int EXECUTORS = 2;

    private static StandaloneCluster cluster;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static AlchemistContext ac;
    /** Data connections each worker had admitted before the executors' first transfer (the driver's own). */
    private static List<Long> baseline;

    @BeforeAll
    static void start() throws Exception {
        cluster = StandaloneCluster.start(EXECUTORS);
        spark = SparkSession.builder().master(cluster.masterUrl()).appName("alchemist-standalone-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", String.valueOf(EXECUTORS))
                .config("spark.executor.memory", "1g")
                .config("spark.executor.extraClassPath", cluster.applicationClassPath())
                .config("spark.executor.extraJavaOptions", StandaloneCluster.opens())
                .config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        awaitExecutors(EXECUTORS);
        ac = AlchemistContext.embedded(spark, 2, SparkTests.libraryDir());
        baseline = admitted();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void awaitExecutors(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < n + 1) { // + the driver
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the standalone cluster did not start " + n + " executors in 2 minutes; see "
                        + "target/spark-cluster-logs and target/spark-work");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void eachExecutorOpensOneConnectionPerWorkerWhateverItsTaskCount() {
        double[][] a = Matrices.random(6000, 40, 21);
        JavaRDD<IndexedRow> rows = jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 22), 16);
        AlMatrix m = ac.send(new IndexedRowMatrix(rows.rdd(), 6000, 40));
        JavaRDD<IndexedRow> back = m.toIndexedRowMatrix(12).rows().toJavaRDD();
        Set<String> executors = new TreeSet<>(back.map(r -> SparkEnv.get().executorId()).collect());
        List<IndexedRow> fetched = back.collect();

        assertEquals(EXECUTORS, executors.size(), "both executors pulled rows: " + executors);
        List<Long> after = admitted();
        for (int w = 0; w < baseline.size(); w++) {
            long opened = after.get(w) - baseline.get(w); // over every transfer of this class so far
            assertTrue(opened >= 1 && opened <= EXECUTORS, "worker " + w + " admitted " + opened
                    + " data connections from " + EXECUTORS + " executors that ran 16 send and 12 fetch tasks");
        }
        assertEquals(6000, fetched.size());
        for (IndexedRow r : fetched) {
            assertRowEquals(a[(int) r.index()], r.vector().toArray(), r.index());
        }
        m.free();
    }

    @Test
    void aSendTaskThatFailsHalfwayIsRetriedOnAnExecutorAndTheMatrixIsExact() {
        double[][] a = Matrices.random(5000, 33, 23);
        JavaRDD<IndexedRow> flaky = jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 24), 6)
                .mapPartitionsWithIndex((p, it) -> p == 2 ? SparkTests.failHalfwayOnFirstAttempt(it) : it, true);
        AlMatrix m = ac.send(new IndexedRowMatrix(flaky.rdd(), 5000, 33));
        List<IndexedRow> back = m.toIndexedRowMatrix().rows().toJavaRDD().collect();
        assertEquals(5000, back.size());
        for (IndexedRow r : back) {
            assertRowEquals(a[(int) r.index()], r.vector().toArray(), r.index());
        }
        m.free();
    }

    private static List<Long> admitted() {
        List<Long> out = new ArrayList<>();
        for (Worker w : ac.embeddedServer().server().workers()) {
            out.add(w.admittedConnections());
        }
        return out;
    }
}
