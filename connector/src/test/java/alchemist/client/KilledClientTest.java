package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client process killed in the middle of sending a matrix: within 5 s its session ends, its workers are
 * free, its matrix is gone from the driver and the workers, and another client can take the workers and
 * use them.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KilledClientTest {
    private static final int WORKERS = 4;

    @TempDir
    Path dir;

    @Test
    void killedClientMidSendFreesItsWorkersForTheNextClient() throws Exception {
        try (TestServer server = TestServers.start(WORKERS);
                AlchemistSession observer = new AlchemistSession()) {
            observer.connect(server.host(), server.port());
            Path stderr = dir.resolve("sending-client.err");
            Process client = start(server, stderr);
            try {
                assertTrue(awaitLine(client, SendingClient.SENDING), () -> "the client never started sending: " + log(stderr));
                assertTrue(client.isAlive(), "the client finished before it could be killed: " + log(stderr));
                assertEquals(0, observer.listInactiveWorkers().size(), "the client holds every worker");
                server.ifEmbedded(embedded -> assertEquals(1, embedded.driver().matrixCount()));
            } finally {
                client.destroyForcibly();
            }
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the killed client did not exit");

            Checks.awaitTrue("every worker free after the kill", Duration.ofSeconds(5),
                    () -> observer.listInactiveWorkers().size() == WORKERS);
            Checks.assertFreeWorkersHoldNoMatrices(server);
            server.ifEmbedded(embedded -> {
                assertEquals(0, embedded.driver().matrixCount());
                Checks.awaitTrue("the killed client's session gone", Duration.ofSeconds(5),
                        () -> embedded.driver().sessionCount() == 1); // removed just after its workers are freed
                Checks.awaitTrue("the killed client's data connections closed", Duration.ofSeconds(5),
                        () -> embedded.workers().stream().allMatch(w -> w.dataConnections() == 0));
            });

            assertEquals(WORKERS, observer.requestWorkers(WORKERS).size());
            Checks.assertRoundTrip(observer, 3);
        }
    }

    /** Starts {@link SendingClient} with this JVM's java and class path. */
    private static Process start(TestServer server, Path stderr) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(List.of(java, "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SendingClient.class.getName(),
                server.host(), String.valueOf(server.port())))
                .redirectError(stderr.toFile())
                .start();
    }

    /** @return true once the process prints {@code line}; false if its output ends first or 60 s pass */
    private static boolean awaitLine(Process p, String line) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return seen.get(60, TimeUnit.SECONDS);
    }

    private static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
