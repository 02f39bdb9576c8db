package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * REQUEST_WORKERS is all or nothing and wants n ≥ 1 (ERROR 6, else ERROR 5 saying how many are free);
 * MATRIX_INFO without workers is ERROR 5; YIELD_WORKERS of a worker not held is ERROR 14 and yields none.
 * After each refusal the sessions keep working.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerAllocationTest {

    @Test
    void nonPositiveRequestIsRefused() {
        try (TestServer server = TestServers.start(3);
                AlchemistSession a = connect(server);
                AlchemistSession b = connect(server)) {
            b.requestWorkers(1);
            assertError(ErrorCode.NON_POSITIVE_WORKER_REQUEST, () -> a.requestWorkers(0));
            assertError(ErrorCode.NON_POSITIVE_WORKER_REQUEST, () -> a.requestWorkers(-1));
            assertError(ErrorCode.NON_POSITIVE_WORKER_REQUEST, () -> a.requestWorkers(Short.MIN_VALUE));
            assertEquals(2, a.listInactiveWorkers().size());
            Checks.assertRoundTrip(b, 1);
            a.requestWorkers(2);
            Checks.assertRoundTrip(a, 1);
        }
    }

    @Test
    void requestForMoreThanAreFreeAllocatesNone() {
        try (TestServer server = TestServers.start(4);
                AlchemistSession a = connect(server);
                AlchemistSession b = connect(server)) {
            AlchemistException e = assertError(ErrorCode.NO_WORKERS, () -> a.requestWorkers(5));
            assertTrue(e.detail().contains("only 4 of 4 are free"), e.detail());
            assertEquals(4, a.listInactiveWorkers().size());
            assertEquals(0, a.listAssignedWorkers().size());

            a.requestWorkers(3);
            e = assertError(ErrorCode.NO_WORKERS, () -> b.requestWorkers(2));
            assertTrue(e.detail().contains("only 1 of 4 are free"), e.detail());
            assertEquals(1, b.listInactiveWorkers().size());
            assertEquals(0, b.listAssignedWorkers().size());

            assertEquals(1, b.requestWorkers(1).size());
            Checks.assertRoundTrip(a, 2);
            Checks.assertRoundTrip(b, 3);
        }
    }

    @Test
    void matrixWithoutWorkersIsRefused() {
        try (TestServer server = TestServers.start(2);
                AlchemistSession a = connect(server);
                RawSession raw = RawSession.open(server)) {
            assertError(ErrorCode.NO_WORKERS, () -> raw.driver().call(Command.MATRIX_INFO,
                    w -> w.putByte(0).putByte(0).putLong(10).putLong(10), r -> null));
            a.requestWorkers(2);
            Checks.assertRoundTrip(a, 4);
            a.yieldWorkers();
            assertError(ErrorCode.NO_WORKERS, () -> a.sendArray(Matrices.random(3, 3, 5)));
            server.ifEmbedded(embedded -> assertEquals(0, embedded.driver().matrixCount()));
            Checks.assertFreeWorkersHoldNoMatrices(server);
            a.requestWorkers(1);
            Checks.assertRoundTrip(a, 6);
        }
    }

    @Test
    void yieldingAWorkerNotHeldIsRefusedAndYieldsNone() {
        try (TestServer server = TestServers.start(4);
                AlchemistSession a = connect(server);
                AlchemistSession b = connect(server)) {
            List<WorkerInfo> mine = a.requestWorkers(2);
            List<WorkerInfo> theirs = b.requestWorkers(1);
            int free = a.listInactiveWorkers().get(0).id();
            MatrixHandle h = a.sendArray(Matrices.random(10, 4, 7));

            assertError(ErrorCode.NOT_PERMITTED, () -> a.yieldWorkers(theirs.get(0).id()));
            assertError(ErrorCode.NOT_PERMITTED, () -> a.yieldWorkers(free));
            assertError(ErrorCode.NOT_PERMITTED, () -> a.yieldWorkers(999));
            assertError(ErrorCode.NOT_PERMITTED, () -> a.yieldWorkers(mine.get(0).id(), theirs.get(0).id()));

            assertEquals(mine, a.listAssignedWorkers());
            assertEquals(theirs.get(0).id(), b.listAssignedWorkers().get(0).id());
            server.ifEmbedded(embedded -> assertEquals(1, embedded.driver().matrixCount()));
            assertEquals(10, a.getArray(h).length);
            Checks.assertRoundTrip(b, 8);
        }
    }

    @Test
    void yieldCountsEachWorkerOnceEvenIfNamedTwice() {
        try (TestServer server = TestServers.start(3); AlchemistSession a = connect(server)) {
            a.requestWorkers(3);
            assertEquals(1, a.yieldWorkers(2, 2));
            assertEquals(List.of(2), a.listInactiveWorkers().stream().map(WorkerInfo::id).toList());
            assertEquals(2, a.yieldWorkers());
            assertEquals(3, a.listInactiveWorkers().size());
        }
    }

    private static AlchemistSession connect(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        return als;
    }
}
