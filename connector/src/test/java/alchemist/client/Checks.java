package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.backend.TestServer;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/** Assertions the end-to-end tests share. */
final class Checks {
    private Checks() {
    }

    /**
     * Asserts that {@code call} fails with an Alchemist error of the given code.
     *
     * @return the error, for checks of its message
     */
    static AlchemistException assertError(ErrorCode code, Executable call) {
        AlchemistException e = assertThrows(AlchemistException.class, call);
        assertEquals(code, e.code(), () -> "expected error " + code + " but got: " + e.getMessage());
        return e;
    }

    /** Sends a small random matrix on the session, fetches it back bit for bit, and frees it. */
    static void assertRoundTrip(AlchemistSession als, long seed) {
        double[][] a = Matrices.random(37, 13, seed);
        MatrixHandle h = als.sendArray(a);
        Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
        als.freeMatrix(h);
    }

    /** Polls {@code condition} every 10 ms; fails if it does not hold within {@code limit}. */
    static void awaitTrue(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " did not happen within " + limit.toMillis() + " ms");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    /** Asserts that the server closes the connection (soon) after an error that should close it. */
    static void assertClosedByServer(ClientConnection c) {
        awaitTrue("the server closing " + c.name(), Duration.ofSeconds(5), () -> !c.isOpen());
    }

    /** A worker's ERROR 16 says "only F bytes (…) of the worker's L bytes (…) limit are free". */
    private static final Pattern FREE_OF_LIMIT = Pattern.compile("only (\\d+) bytes .* of the worker's (\\d+) bytes");

    /**
     * Asserts, through the protocol alone, that no free worker holds matrix memory: a session takes each
     * free worker by itself and asks for a matrix bigger than any worker's limit here (2^31 - 9 rows, 17 GB);
     * the worker's refusal says how much of its limit is free, and that must be all of it.
     */
    static void assertFreeWorkersHoldNoMatrices(TestServer server) {
        try (AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            List<Integer> free = als.listInactiveWorkers().stream().map(WorkerInfo::id).toList();
            assertFalse(free.isEmpty(), "no free worker to check");
            for (int keep : free) {
                for (WorkerInfo w : als.requestWorkers(free.size())) {
                    if (w.id() != keep) {
                        als.yieldWorkers(w.id());
                    }
                }
                AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY,
                        () -> als.send(Matrices.unreadable(Integer.MAX_VALUE - 8, 1)));
                Matcher m = FREE_OF_LIMIT.matcher(e.detail());
                assertTrue(m.find(), () -> "no free bytes and limit in: " + e.detail());
                assertEquals(m.group(2), m.group(1), "bytes free of worker " + keep + "'s limit: " + e.detail());
                als.yieldWorkers();
            }
        }
    }
}
