package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.ServerOptions;
import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.WorkerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SHUT_DOWN is ERROR 14 unless the server allows it; then the reply is SHORT 1 and the server stops. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutDownTest {

    @Test
    void shutDownIsRefusedUnlessAllowedAndTheServerKeepsServing() {
        try (TestServer server = TestServers.start(2);
                AlchemistSession a = session(server);
                AlchemistSession b = session(server)) {
            assertError(ErrorCode.NOT_PERMITTED, a::shutDownServer);
            Checks.assertRoundTrip(a, 1);
            Checks.assertRoundTrip(b, 2);
            try (AlchemistSession next = new AlchemistSession()) {
                next.connect(server.host(), server.port());
                assertEquals(2, next.listActiveWorkers().size());
            }
        }
    }

    @Test
    void allowedShutDownRepliesOneAndStopsTheServer() throws Exception {
        try (TestServer server = TestServers.startDedicated(ServerOptions.workers(2).withShutdownAllowed());
                RawSession s = RawSession.open(server)) {
            List<WorkerInfo> workers = s.requestWorkers(2);
            short reply = s.driver().call(Command.SHUT_DOWN, w -> { }, MessageReader::readShort);
            assertEquals(1, reply);
            server.awaitStop(Duration.ofSeconds(30));
            Checks.awaitTrue("the driver's port refusing connections", Duration.ofSeconds(5),
                    () -> refuses(server.host(), server.port()));
            for (WorkerInfo w : workers) {
                Checks.awaitTrue("worker " + w.id() + "'s port refusing connections", Duration.ofSeconds(5),
                        () -> refuses(w.address(), w.port()));
            }
        }
    }

    /**
     * The launcher (its own JVM) exits with status 0 after a SHUT_DOWN sent the moment its connection file
     * appears, as clients that wait for the file do: the file is written last, once the server has started,
     * and a SHUT_DOWN that still comes early waits for the end of the start.
     */
    @Test
    @Tag("embedded-only") // the embedded launcher; the MPI one is bin/alchemist-server --mpi
    void aShutDownSentTheMomentTheConnectionFileAppearsStopsTheLauncher(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path file = dir.resolve("connection");
        Process server = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "alchemist.server.AlchemistServerMain", "--workers", "2", "--port", "0", "--worker-port-base", "0",
                "--connection-file", file.toString(), "--allow-shutdown"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            Checks.awaitTrue("the connection file", Duration.ofSeconds(30), () -> Files.exists(file));
            try (AlchemistSession s = new AlchemistSession()) {
                s.connect(file);
                s.shutDownServer();
            }
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the launcher stops after SHUT_DOWN:\n"
                    + Files.readString(dir.resolve("server.log")));
            assertEquals(0, server.exitValue());
        } finally {
            server.destroyForcibly();
        }
    }

    private static boolean refuses(String host, int port) {
        try (Socket s = new Socket(host, port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AlchemistSession session(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(1);
        return als;
    }
}
