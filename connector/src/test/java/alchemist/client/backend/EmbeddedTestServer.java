package alchemist.client.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.AlchemistServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** An embedded server, started anew for each test (it takes milliseconds). */
final class EmbeddedTestServer implements TestServer {
    private final AlchemistServer server;

    EmbeddedTestServer(ServerOptions options) {
        server = options.builder().start();
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public int workers() {
        return server.workers().size();
    }

    @Override
    public void ifEmbedded(Consumer<AlchemistServer> checks) {
        checks.accept(server);
    }

    @Override
    public void awaitStop(Duration limit) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                server.awaitStop();
                stopped.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "await-embedded-stop");
        waiter.setDaemon(true);
        waiter.start();
        assertTrue(stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS), "the server did not stop within " + limit);
    }

    @Override
    public void close() {
        server.close();
    }
}
