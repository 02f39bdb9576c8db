package alchemist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.AlchemistSession;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ConnectionFile;
import alchemist.protocol.ErrorCode;
import alchemist.server.AlchemistServer;
import alchemist.server.worker.Worker;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a context is made from Spark's configuration, and what its stop gives back. */
class AlchemistContextTest {
    private AlchemistServer server;
    private SparkSession spark;

    @BeforeEach
    void startServer() {
        server = AlchemistServer.builder().workers(3).libraryDir(SparkTests.libraryDir()).start();
    }

    @AfterEach
    void stopAll() {
        if (spark != null) {
            spark.stop();
        }
        server.close();
    }

    private SparkSession spark(String... keysAndValues) {
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("alchemist-context-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.config(keysAndValues[i], keysAndValues[i + 1]);
        }
        spark = b.getOrCreate();
        return spark;
    }

    @Test
    void anAddressInTheConfTakesTheConfiguredWorkersAndTheContextStopsWithSpark() {
        spark(AlchemistContext.ADDRESS, server.host() + ":" + server.port(), AlchemistContext.WORKERS, "2");
        AlchemistContext ac = AlchemistContext.getOrCreate(spark);
        assertEquals(2, ac.workers().size());
        assertSame(ac, AlchemistContext.getOrCreate(spark));
        assertEquals(1, freeWorkers());

        spark.stop();
        spark = null;
        assertTrue(ac.isStopped());
        assertEquals(3, freeWorkers(), "the stopped context gave its workers back");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ac.loadLibrary("allib"));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
    }

    @Test
    void aConnectionFileInTheConfTakesEveryFreeWorkerByDefault(@TempDir Path dir) {
        Path file = dir.resolve("connection");
        new ConnectionFile(server.host(), server.port()).write(file);
        spark(AlchemistContext.CONNECTION_FILE, file.toString());
        AlchemistContext ac = AlchemistContext.getOrCreate(spark);
        assertEquals(3, ac.workers().size());
        double[][] a = {{1, 2}, {3, 4}, {5, 6}};
        AlMatrix m = ac.send(new IndexedRowMatrix(JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(SparkTests.shuffledRows(a, i -> true, 1), 2).rdd()));
        assertEquals(6, m.toLocalMatrix().apply(2, 1));
    }

    @Test
    void embeddedWorkersInTheConfStartAServerInTheDriverThatStopsWithTheContext() {
        spark(AlchemistContext.EMBEDDED_WORKERS, "2", AlchemistContext.LIBRARY_DIR, SparkTests.libraryDir().toString());
        AlchemistContext ac = AlchemistContext.getOrCreate(spark);
        assertEquals(2, ac.workers().size());
        assertEquals("allib", ac.loadLibrary("allib").name());
        int port = ac.embeddedServer().port();
        ac.stop();
        AlchemistException e = assertThrows(AlchemistException.class, () -> {
            try (AlchemistSession s = new AlchemistSession()) {
                s.connect("127.0.0.1", port);
            }
        });
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void threadsPerWorkerInTheConfReachTheEmbeddedWorkersAndBadValuesAreRefused() {
        spark(AlchemistContext.EMBEDDED_WORKERS, "2", AlchemistContext.EMBEDDED_THREADS_PER_WORKER, "3");
        AlchemistContext ac = AlchemistContext.getOrCreate(spark);
        assertEquals(3, ac.embeddedServer().server().config().threadsPerWorker());
        for (Worker w : ac.embeddedServer().server().workers()) {
            assertEquals(3, w.threads().threads(), "worker " + w.id());
        }
        ac.stop();
        for (String bad : new String[] {"0", "-4", "all"}) {
            spark.conf().set(AlchemistContext.EMBEDDED_THREADS_PER_WORKER, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AlchemistContext.embedded(spark, 2));
            assertTrue(e.getMessage().contains(AlchemistContext.EMBEDDED_THREADS_PER_WORKER)
                    && e.getMessage().contains("not " + bad), e.getMessage());
        }
    }

    @Test
    void tooFewFreeWorkersFailsClearlyAndLeavesNothingBehind() {
        spark(AlchemistContext.ADDRESS, server.host() + ":" + server.port(), AlchemistContext.WORKERS, "4");
        AlchemistException e = assertThrows(AlchemistException.class, () -> AlchemistContext.getOrCreate(spark));
        assertEquals(ErrorCode.NO_WORKERS, e.code());
        assertEquals(3, freeWorkers());
        assertTrue(AlchemistContext.active().isEmpty());
    }

    @Test
    void anAddressWithoutAPortIsRefused() {
        spark(AlchemistContext.ADDRESS, "localhost");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlchemistContext.getOrCreate(spark));
        assertTrue(e.getMessage().contains("host:port"), e.getMessage());
    }

    /** @return the server's free workers, as a new client sees them (after the driver has caught up) */
    private int freeWorkers() {
        try (AlchemistSession s = new AlchemistSession()) {
            s.connect(server.host(), server.port());
            return s.listInactiveWorkers().size();
        }
    }
}
