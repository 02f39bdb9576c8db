package alchemist.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.AlchemistServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the spark-submit job in this JVM on local[2] (surefire sets spark.master) and checks what it prints. */
@Timeout(300)
class SvdJobTest {
    private static final String LIBRARY_DIR = System.getProperty("alchemist.test.libraryDir", "target/libraries");

    @TempDir
    Path dir;

    /** Runs main with standard output captured, and returns what it printed. */
    private static String run(String... args) throws Exception {
        return Printed.by(() -> SvdJob.main(args));
    }

    @Test
    void generatedMatrixOnAnEmbeddedServer() throws Exception {
        String out = run("--rows", "3000", "--cols", "40", "--k", "5", "--partitions", "3", "--library-dir", LIBRARY_DIR);
        assertTrue(out.contains("Input: generated (seed 1, decay 0.5), 3,000 x 40 (3,000 rows present) in 3 partitions"), out);
        assertTrue(out.contains("Alchemist: an embedded server in the Spark driver, 2 workers"), out);
        assertTrue(out.matches("(?s).*Alchemist: +send [0-9.]+ s, compute [0-9.]+ s, fetch U [0-9.]+ s: [0-9.]+ s in all.*"), out);
        assertTrue(out.matches("(?s).*MLlib computeSVD: [0-9.]+ s in all.*"), out);
        JobOutput.assertSingularValuesAgree(out, 5);
    }

    /** The HDF5 sample's singular values are known: 1000 * 0.85^i up to its noise (about 3e-2 here). */
    @Test
    void hdf5FileReadOnTheExecutorsAndSentToARunningServer() throws Exception {
        Path file = SampleHdf5.write(dir.resolve("a.h5"), 800, 60, 5L);
        Path connection = dir.resolve("connection");
        try (AlchemistServer server = AlchemistServer.builder().workers(3).connectionFile(connection)
                .libraryDir(Path.of(LIBRARY_DIR)).start()) {
            String out = run("--hdf5", file.toString(), "--k", "8", "--connection-file", connection.toString(),
                    "--workers", "2");
            assertTrue(out.contains("a.h5, 800 x 60 (800 rows present)"), out);
            assertTrue(out.contains("Alchemist: the server at the address in " + connection + ", 2 workers"), out);
            JobOutput.assertSingularValuesAgree(out, 8);
            List<double[]> table = JobOutput.table(out);
            for (int i = 0; i < 8; i++) {
                assertEquals(SampleHdf5.weight(i), table.get(i)[1], 1e-4 * SampleHdf5.weight(i), "singular value " + i);
            }
        }
    }

    @Test
    void badOptionsAreRefusedWithTheUsage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SvdJobOptions.parse("--rowz", "5"));
        assertTrue(e.getMessage().startsWith("usage: SvdJob") && e.getMessage().contains("--rowz"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SvdJobOptions.parse("--k"));
        assertThrows(IllegalArgumentException.class, () -> SvdJobOptions.parse("--connect", "somewhere"));
    }
}
