package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
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
        try (TestServer server = TestServers.start(5); AlchemistSession a = connect(server)) {
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
        try (TestServer server = TestServers.start(4); AlchemistSession a = connect(server)) {
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
            server.ifEmbedded(embedded -> {
                assertEquals(1, embedded.driver().matrixCount());
                assertEquals(0, embedded.workers().get(2).store().size());
                assertEquals(1, embedded.workers().get(0).store().size());
            });
            Checks.assertFreeWorkersHoldNoMatrices(server); // worker 3 dropped its rows of the gone matrix
            Matrices.assertBlockEquals(onTwo, 0, 0, a.getArray(kept));

            assertEquals(1, a.yieldWorkers(1));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.getArray(kept));
            server.ifEmbedded(embedded -> assertEquals(0, embedded.driver().matrixCount()));
            assertEquals(ids(1, 3, 4), ids(a.listInactiveWorkers()));
            Checks.assertFreeWorkersHoldNoMatrices(server);
            Checks.assertRoundTrip(a, 3); // on worker 2 alone
        }
    }

    @Test
    void stopFreesEverythingTheSessionHad() {
        try (TestServer server = TestServers.start(3); AlchemistSession observer = connect(server)) {
            AlchemistSession a = connect(server);
            try {
                a.requestWorkers(3);
                a.sendArray(Matrices.random(50, 5, 4));
                a.sendArray(Matrices.random(7, 70, 5));
                server.ifEmbedded(embedded -> assertEquals(2, embedded.driver().matrixCount()));
            } finally {
                a.stop();
            }
            assertEquals(ids(1, 2, 3), ids(observer.listInactiveWorkers()));
            server.ifEmbedded(embedded -> {
                assertEquals(0, embedded.driver().matrixCount());
                for (Worker w : embedded.workers()) {
                    assertEquals(0, w.store().size());
                    assertEquals(0, w.store().usedBytes());
                }
            });
            Checks.assertFreeWorkersHoldNoMatrices(server);
            observer.requestWorkers(3);
            Checks.assertRoundTrip(observer, 6);
        }
    }

    @Test
    void everyListedAddressReachesItsWorker() {
        try (TestServer server = TestServers.start(3); AlchemistSession a = connect(server)) {
            a.requestWorkers(3);
            List<WorkerInfo> listed = a.listAllWorkers();
            List<WorkerInfo> assigned = a.workers().list();
            a.workers().connect();
            List<String> answers = a.workers().requestTestString();
            assertEquals(3, listed.size());
            for (int i = 0; i < 3; i++) {
                WorkerInfo w = assigned.get(i);
                assertEquals(w.withSession(a.sessionId()), listed.get(i), "the listing and REQUEST_WORKERS agree");
                assertEquals("This is a test string from Alchemist worker " + w.id(), answers.get(i));
            }
        }
    }

    /**
     * Checks the four listings against the expected holders (worker ID → session ID; absent: free), and,
     * on an embedded server, that every listed address is the worker's own.
     */
    private static void assertListings(TestServer server, AlchemistSession als, Map<Integer, Integer> holders) {
        Map<Integer, Integer> all = new TreeMap<>();
        for (WorkerInfo w : als.listAllWorkers()) {
            server.ifEmbedded(embedded -> assertEquals(embedded.workers().get(w.id() - 1).info().withSession(w.sessionId()),
                    w, "worker " + w.id() + " is listed with its own address"));
            all.put(w.id(), w.sessionId());
        }
        Map<Integer, Integer> expectedAll = new TreeMap<>();
        for (int id = 1; id <= server.workers(); id++) {
            expectedAll.put(id, holders.getOrDefault(id, 0));
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

    private static AlchemistSession connect(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        return als;
    }
}
