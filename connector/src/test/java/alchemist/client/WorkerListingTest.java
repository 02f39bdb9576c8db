package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import alchemist.server.AlchemistServer;
import alchemist.server.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LIST_ALL/ACTIVE/INACTIVE/ASSIGNED_WORKERS as sessions come and go; yielding one worker frees the matrices
 * laid out on it and makes it inactive; stopping a session frees everything it had.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerListingTest {

    @Test
    void listingsFollowSessionsAsTheyComeAndGo() {
        try (AlchemistServer server = AlchemistServer.embedded(5); AlchemistSession a = connect(server)) {
            assertListings(server, a, Map.of());
            assertEquals(List.of(), a.listAssignedWorkers());

            a.requestWorkers(2);
            assertListings(server, a, Map.of(1, a.sessionId(), 2, a.sessionId()));
            assertEquals(ids(1, 2), ids(a.listAssignedWorkers()));

            try (AlchemistSession b = connect(server)) {
                b.requestWorkers(2);
                assertListings(server, b, Map.of(1, a.sessionId(), 2, a.sessionId(), 3, b.sessionId(), 4, b.sessionId()));
                assertEquals(ids(1, 2), ids(a.listAssignedWorkers()));
                assertEquals(ids(3, 4), ids(b.listAssignedWorkers()));
                b.listAssignedWorkers().forEach(w -> assertEquals(b.sessionId(), w.sessionId()));
                b.stop();
                assertListings(server, a, Map.of(1, a.sessionId(), 2, a.sessionId()));
            }

            try (AlchemistSession c = connect(server); RawSession d = RawSession.open(server)) {
                c.requestWorkers(3);
                assertEquals(ids(3, 4, 5), ids(c.listAssignedWorkers()));
                c.yieldWorkers(4);
                assertListings(server, a, Map.of(1, a.sessionId(), 2, a.sessionId(), 3, c.sessionId(), 5, c.sessionId()));
                d.requestWorkers(1);
                assertListings(server, a, Map.of(1, a.sessionId(), 2, a.sessionId(), 3, c.sessionId(), 4, d.sessionId(),
                        5, c.sessionId()));
                d.close(); // a session that just disconnects gives its workers back too
                Checks.awaitTrue("worker 4 free after its session disconnected", Duration.ofSeconds(5),
                        () -> ids(a.listInactiveWorkers()).equals(ids(4)));
            }
            Checks.awaitTrue("workers 3 to 5 free after their sessions ended", Duration.ofSeconds(5),
                    () -> ids(a.listInactiveWorkers()).equals(ids(3, 4, 5)));
        }
    }

    @Test
    void yieldingOneWorkerFreesTheMatricesOnItAndMakesItInactive() {
        try (AlchemistServer server = AlchemistServer.embedded(4); AlchemistSession a = connect(server)) {
            a.requestWorkers(2);
            double[][] onTwo = Matrices.random(40, 6, 1);
            MatrixHandle kept = a.sendArray(onTwo);                        // on workers 1 and 2
            a.requestWorkers(1);
            MatrixHandle gone = a.sendArray(Matrices.random(40, 6, 2));    // on workers 1, 2 and 3
            assertEquals(3, gone.layout().numWorkers());

            assertEquals(1, a.yieldWorkers(3));
            assertEquals(ids(3, 4), ids(a.listInactiveWorkers()));
            assertEquals(ids(1, 2), ids(a.listAssignedWorkers()));
            assertEquals(ids(1, 2), ids(a.workers().list()));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.getArray(gone));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.matrix(gone.id()));
            assertEquals(1, server.driver().matrixCount());
            assertEquals(0, server.workers().get(2).store().size());
            assertEquals(1, server.workers().get(0).store().size());
            Matrices.assertBlockEquals(onTwo, 0, 0, a.getArray(kept));

            assertEquals(1, a.yieldWorkers(1));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.getArray(kept));
            assertEquals(0, server.driver().matrixCount());
            assertEquals(ids(1, 3, 4), ids(a.listInactiveWorkers()));
            Checks.assertRoundTrip(a, 3); // on worker 2 alone
        }
    }

    @Test
    void stopFreesEverythingTheSessionHad() {
        try (AlchemistServer server = AlchemistServer.embedded(3); AlchemistSession observer = connect(server)) {
            AlchemistSession a = connect(server);
            try {
                a.requestWorkers(3);
                a.sendArray(Matrices.random(50, 5, 4));
                a.sendArray(Matrices.random(7, 70, 5));
                assertEquals(2, server.driver().matrixCount());
            } finally {
                a.stop();
            }
            assertEquals(0, server.driver().matrixCount());
            assertEquals(ids(1, 2, 3), ids(observer.listInactiveWorkers()));
            for (Worker w : server.workers()) {
                assertEquals(0, w.store().size());
                assertEquals(0, w.store().usedBytes());
            }
            observer.requestWorkers(3);
            Checks.assertRoundTrip(observer, 6);
        }
    }

    /**
     * Checks the four listings against the expected holders (worker ID → session ID; absent: free), and
     * that every listed address is the worker's own.
     */
    private static void assertListings(AlchemistServer server, AlchemistSession als, Map<Integer, Integer> holders) {
        Map<Integer, Integer> all = new TreeMap<>();
        for (WorkerInfo w : als.listAllWorkers()) {
            WorkerInfo own = server.workers().get(w.id() - 1).info();
            assertEquals(own.withSession(w.sessionId()), w, "worker " + w.id() + " is listed with its own address");
            all.put(w.id(), w.sessionId());
        }
        Map<Integer, Integer> expectedAll = new TreeMap<>();
        for (Worker w : server.workers()) {
            expectedAll.put(w.id(), holders.getOrDefault(w.id(), 0));
        }
        assertEquals(expectedAll, all);
        Map<Integer, Integer> active = new TreeMap<>();
        als.listActiveWorkers().forEach(w -> active.put(w.id(), w.sessionId()));
        assertEquals(new TreeMap<>(holders), active);
        Map<Integer, Integer> inactive = new TreeMap<>();
        als.listInactiveWorkers().forEach(w -> inactive.put(w.id(), w.sessionId()));
        Map<Integer, Integer> expectedInactive = new TreeMap<>(expectedAll);
        expectedInactive.keySet().removeAll(holders.keySet());
        assertEquals(expectedInactive, inactive);
        Map<Integer, Integer> assigned = new TreeMap<>();
        als.listAssignedWorkers().forEach(w -> assigned.put(w.id(), w.sessionId()));
        Map<Integer, Integer> expectedAssigned = new TreeMap<>(holders);
        expectedAssigned.values().removeIf(s -> s != als.sessionId());
        assertEquals(expectedAssigned, assigned);
    }

    private static List<Integer> ids(List<WorkerInfo> workers) {
        return workers.stream().map(WorkerInfo::id).toList();
    }

    private static List<Integer> ids(Integer... ids) {
        return List.of(ids);
    }

    private static AlchemistSession connect(AlchemistServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        return als;
    }
}
