package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.ServerOptions;
import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.testlib.LibraryJars;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Libraries loaded from the server's library directory and tasks run through the protocol. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TaskEndToEndTest {
    private static final Path ALLIB_DIR = ServerOptions.LIBRARY_DIR;

    @Test
    void allibGramRunsOnTheWorkersAndMatchesALocalProduct() {
        double[][] a = Matrices.random(200, 10, 5);
        try (TestServer server = TestServers.start(3);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(3);
            LibraryHandle lib = als.loadLibrary("allib", "");
            assertTrue(als.listLibraries().get(0).tasks().contains("gram(A: MATRIX) -> (G: MATRIX)"),
                    als.listLibraries().toString());
            MatrixHandle h = als.sendArray(a);
            TaskResult r = als.runTask("gram", h);
            MatrixHandle g = r.matrix("G");
            assertEquals(10, g.numRows());
            assertEquals(3, g.layout().numWorkers());
            double[][] got = als.getArray(g);
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < 10; j++) {
                    double want = 0;
                    for (double[] row : a) {
                        want += row[i] * row[j];
                    }
                    assertEquals(want, got[i][j], 1e-9 * Math.abs(want) + 1e-300);
                }
            }
            assertEquals(g.id(), als.runTask("allib.gram", h).matrix("G").id() - 1, "outputs get fresh IDs");
            als.unloadLibrary(lib);
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.runTask("gram", h)));
        }
    }

    @Test
    void theSeedsTruncatedSvdCallMatchesLapack() {
        double[][] a = Matrices.random(426, 50, 8);
        try (TestServer server = TestServers.start(2);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(2);
            als.loadLibrary("TestLib", ALLIB_DIR.resolve("allib.jar").toString());
            MatrixHandle h = als.sendArray(a);
            TaskResult r = als.runTask("truncated_SVD", h, 20, (byte) 0); // the seed's RUN_TASK, body length 40
            assertEquals(java.util.List.of("U", "S", "V"), r.names());
            assertEquals(426, r.matrix("U").numRows());
            assertEquals(20, r.matrix("U").numCols());
            assertEquals(50, r.matrix("V").numRows());
            double[][] s = als.getArray(r.matrix("S"));
            double[] want = alchemist.server.LapackReference.singularValues(a);
            for (int i = 0; i < 20; i++) {
                assertEquals(want[i], s[i][0], 1e-9 * want[i], "sigma " + i);
            }
        }
    }

    @Test
    void badTaskCallsGetTheirErrorsAndTheSessionGoesOn() {
        try (TestServer server = TestServers.start(2);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(2);
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.runTask("gram", 1)), "no library loaded");
            als.loadLibrary("allib", "");
            MatrixHandle h = als.sendArray(Matrices.random(20, 4, 1));
            AlchemistException wrongType = assertThrows(AlchemistException.class, () -> als.runTask("gram", 5));
            assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, wrongType.code());
            assertTrue(wrongType.getMessage().contains("expected gram(A: MATRIX)"), wrongType.getMessage());
            assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, code(() -> als.runTask("gram")));
            assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, code(() -> als.runTask("gram", h, 3)));
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.runTask("no_such_task", h)));
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.runTask("otherlib.gram", h)));
            assertEquals(ErrorCode.UNKNOWN_MATRIX, code(() -> als.runTask("gram", new MatrixHandle(
                    alchemist.protocol.MatrixLayout.rowBlocks(999, 1, 1, new int[] {1})))));
            assertEquals(4, als.runTask("gram", h).matrix("G").numRows());
        }
    }

    @Test
    void librariesLoadOnlyFromTheLibraryDirectory(@TempDir Path elsewhere) throws Exception {
        Path outside = Files.copy(ALLIB_DIR.resolve("allib.jar"), elsewhere.resolve("allib.jar"));
        try (TestServer server = TestServers.start(2);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            assertEquals(ErrorCode.NOT_PERMITTED, code(() -> als.loadLibrary("allib", outside.toString())));
            assertEquals(ErrorCode.NOT_PERMITTED, code(() -> als.loadLibrary("allib", "../libraries/../../pom.xml")));
            assertEquals(ErrorCode.NOT_PERMITTED, code(() -> als.loadLibrary("allib", "/etc/passwd")));
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.loadLibrary("nolib", "")));
            assertEquals(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, code(() -> als.loadLibrary("allib", "missing.jar")));
            assertTrue(als.loadLibrary("TestLib", ALLIB_DIR.resolve("allib.jar").toString()).id() > 0, "the seed's way");
        }
        try (TestServer server = TestServers.startDedicated(ServerOptions.workers(1).withLibraryDir(null));
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            assertEquals(ErrorCode.NOT_PERMITTED, code(() -> als.loadLibrary("allib", "")), "no library directory");
        }
    }

    @Test
    void aTaskThatThrowsOnOneWorkerFailsCleanlyAndTheSessionStaysUsable(@TempDir Path dir) throws Exception {
        LibraryJars.writeFailingLibrary(dir.resolve("testlib.jar"));
        Files.copy(ALLIB_DIR.resolve("allib.jar"), dir.resolve("allib.jar"));
        try (TestServer server = TestServers.startDedicated(ServerOptions.workers(3).withLibraryDir(dir));
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(3);
            als.loadLibrary("testlib", "");
            als.loadLibrary("allib", "");
            for (int rank = 0; rank < 3; rank++) {
                int failing = rank;
                AlchemistException e = assertThrows(AlchemistException.class, () -> als.runTask("fail_on", failing));
                assertEquals(ErrorCode.TASK_FAILED, e.code());
                assertTrue(e.getMessage().contains("rank " + failing + " fails on purpose"), e.getMessage());
            }
            assertEquals(3.0, als.runTask("fail_on", 7).doubleValue("sum"), "no rank fails: all three add 1");
            MatrixHandle h = als.sendArray(Matrices.random(30, 3, 2));
            assertEquals(3, als.runTask("gram", h).matrix("G").numCols());
            server.ifEmbedded(embedded -> assertEquals(2, embedded.driver().matrixCount(),
                    "the failed runs left no matrices behind"));
        }
    }

    private static ErrorCode code(Runnable r) {
        return assertThrows(AlchemistException.class, r::run).code();
    }
}
