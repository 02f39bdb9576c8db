package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
