package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.time.Duration;
import java.util.function.BooleanSupplier;
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
}
