package alchemist.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.ConnectionFile;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's connection file and option parsing. */
class ServerLauncherTest {

    @Test
    void connectionFileNamesTheDriverWhileItRunsAndGoesAwayAfter(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/connection");
        int port;
        try (AlchemistServer server = AlchemistServer.builder().workers(2).connectionFile(file).start()) {
            port = server.port();
            ConnectionFile f = ConnectionFile.read(file);
            assertEquals("127.0.0.1", f.host());
            assertEquals(port, f.port());
            try (Socket s = new Socket(f.host(), f.port())) {
                assertTrue(s.isConnected());
            }
        }
        assertFalse(Files.exists(file), "a stopped server leaves no connection file behind");
    }

    @Test
    void theDefaultMemoryLimitSplitsThreeQuartersOfTheHeapBetweenTheWorkersThatShareIt() {
        long threeQuarters = Runtime.getRuntime().maxMemory() / 4 * 3;
        assertEquals(threeQuarters / 4, AlchemistServer.builder().workers(4).config().maxWorkerMemory(), "embedded");
        assertEquals(threeQuarters, AlchemistServer.builder().workers(4).workersPerHeap(1).config().maxWorkerMemory(),
                "an MPI rank, with a heap of its own");
        assertEquals(1L << 30, AlchemistServer.builder().workers(4).workersPerHeap(1).maxWorkerMemory(1L << 30).config()
                .maxWorkerMemory(), "given");
    }

    @Test
    void aConnectionFileWithoutPortIsRefusedClearly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad");
        Files.writeString(file, "host=example\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void sizesParseWithBinaryUnits() {
        assertEquals(512, AlchemistServerMain.parseSize("512"));
        assertEquals(64L << 20, AlchemistServerMain.parseSize("64m"));
        assertEquals(4L << 30, AlchemistServerMain.parseSize("4G"));
        assertThrows(IllegalArgumentException.class, () -> AlchemistServerMain.parseSize("lots"));
    }

    @Test
    void eachWorkerGetsItsShareOfTheCoresUnlessToldOtherwise() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores / 2), AlchemistServer.builder().workers(2).config().threadsPerWorker());
        assertEquals(1, AlchemistServer.builder().workers(cores + 1).config().threadsPerWorker(), "at least 1");
        assertEquals(5, AlchemistServer.builder().workers(2).threadsPerWorker(5).config().threadsPerWorker());
        for (int bad : new int[] {0, -2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AlchemistServer.builder().threadsPerWorker(bad));
            assertTrue(e.getMessage().contains("threads per worker must be at least 1"), e.getMessage());
        }
    }

    @Test
    void theThreadsPerWorkerOptionReachesTheConfigAndBadValuesAreRefused() {
        assertEquals(3, AlchemistServerMain.parse(new String[] {"--workers", "4", "--threads-per-worker", "3"}).config()
                .threadsPerWorker());
        for (String bad : new String[] {"0", "-1", "many"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AlchemistServerMain.parse(new String[] {"--threads-per-worker", bad}));
            assertTrue(e.getMessage().contains("at least 1") || e.getMessage().contains("--threads-per-worker"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlchemistServerMain.parse(new String[] {"--threads-per-worker"}));
        assertTrue(e.getMessage().contains("needs a value"), e.getMessage());
    }

    @Test
    void workerPortsFollowTheBase() {
        ServerConfig fixed = AlchemistServer.builder().port(24960).config();
        assertEquals(24962, fixed.workerPort(2));
        ServerConfig ephemeral = AlchemistServer.builder().config();
        assertEquals(0, ephemeral.workerPort(2));
    }
}
