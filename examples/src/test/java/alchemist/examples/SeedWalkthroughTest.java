package alchemist.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.AlchemistServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the walkthrough end to end on a small sample file and checks the lines that matter. */
@Timeout(120)
class SeedWalkthroughTest {
    private static final String LIBRARY_DIR = System.getProperty("alchemist.test.libraryDir", "target/libraries");

    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void writeSample() {
        file = SampleHdf5.write(dir.resolve("small.h5"), 60, 40, 3L);
    }

    /** Runs main with standard output captured, and returns what it printed. */
    private static String run(String... args) throws Exception {
        return Printed.by(() -> SeedWalkthrough.main(args));
    }

    private static void assertWalkedThrough(String out) {
        for (String line : new String[] {"## Starting Alchemist", "## Loading data and sending it to Alchemist",
                "## Fetching data back from Alchemist", "## Stopping Alchemist",
                "Alchemist returned: 'Alchemist worker received: 'This is a test message from client ",
                "\n" + SampleHdf5.MATRIX + "\n", "\n" + SampleHdf5.SINGULAR_VALUES + "\n",
                ", 60 x 40\n", "Max abs difference from the file: 0.0\n",
                "Rows 2..5, columns 0..4:", "Gave back 2 workers", "## Loading a library", "truncated_svd(A: MATRIX",
                "## Running a task on Alchemist", " (60 x 20), S matrix ", " (40 x 20)",
                "   i   Alchemist S             LAPACK dgesdd"}) {
            assertTrue(out.contains(line), "missing: " + line);
        }
    }

    /** Every line of the singular value table shows a relative difference within 1e-9. */
    private static void assertSingularValuesAgree(String out) {
        int rows = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].matches("\\d+") && f[1].contains("e")) {
                assertTrue(Double.parseDouble(f[3]) <= 1e-9, "singular value " + f[0] + " differs: " + line);
                rows++;
            }
        }
        assertEquals(20, rows, "expected 20 singular values");
    }

    @Test
    void verboseRunPrintsTheSeedTraces() throws Exception {
        String out = run("--library-dir", LIBRARY_DIR, file.toString());
        assertWalkedThrough(out);
        assertTrue(out.contains("Command code:        14 (RUN_TASK)"), "no task trace");
        assertSingularValuesAgree(out);
        assertTrue(out.contains("Alchemist holds it as matrix 1, 60 x 40"));
        assertTrue(out.contains("Command code:        1 (HANDSHAKE)"), "no handshake trace");
        assertTrue(out.contains("Command code:        18 (SEND_MATRIX_BLOCKS)"), "no block trace");
        assertTrue(out.contains("Data:                Alchemist worker received: 'This is a test message from client 1'"));
    }

    @Test
    void quietRunPrintsNoTraces() throws Exception {
        String out = run("--quiet", "--library-dir", LIBRARY_DIR, file.toString());
        assertWalkedThrough(out);
        assertSingularValuesAgree(out);
        assertFalse(out.contains("Command code:"), "traces printed despite --quiet");
    }

    @Test
    void connectsToARunningServerThroughItsConnectionFile() throws Exception {
        Path connection = dir.resolve("connection");
        try (AlchemistServer server = AlchemistServer.builder().workers(3).connectionFile(connection)
                .libraryDir(Path.of(LIBRARY_DIR)).start()) {
            String out = run("--quiet", "--connection-file", connection.toString(), file.toString());
            assertWalkedThrough(out);
            assertTrue(out.contains("Alchemist has 3 workers:"));
            String direct = run("--quiet", "--connect", server.host() + ":" + server.port(), "--dataset",
                    SampleHdf5.MATRIX, file.toString());
            assertWalkedThrough(direct);
        }
    }
}
