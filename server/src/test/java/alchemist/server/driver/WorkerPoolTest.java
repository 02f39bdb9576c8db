package alchemist.server.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver's worker pool: exclusive, all-or-nothing allocation, lowest IDs first; release by owner only. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerPoolTest {

    @Test
    void allocationTakesTheLowestFreeIds() {
        WorkerPool pool = pool(5);
        assertEquals(List.of(1, 2), pool.allocate(7, 2));
        assertEquals(List.of(3), pool.allocate(8, 1));
        pool.release(7, List.of(1));
        assertEquals(List.of(1, 4), pool.allocate(9, 2));
        assertEquals(List.of(2), ids(pool.list(w -> w.sessionId() == 7)));
        assertEquals(List.of(5), ids(pool.list(w -> w.sessionId() == 0)));
    }

    @Test
    void requestForMoreThanAreFreeTakesNone() {
        WorkerPool pool = pool(4);
        pool.allocate(7, 3);
        AlchemistException e = assertThrows(AlchemistException.class, () -> pool.allocate(8, 2));
        assertEquals(ErrorCode.NO_WORKERS, e.code());
        assertTrue(e.detail().contains("only 1 of 4 are free"), e.detail());
        assertEquals(List.of(4), ids(pool.list(w -> w.sessionId() == 0)));
        assertEquals(List.of(4), pool.allocate(8, 1));
    }

    @Test
    void nonPositiveRequestIsRefused() {
        WorkerPool pool = pool(2);
        for (int n : new int[] {0, -1, Integer.MIN_VALUE}) {
            AlchemistException e = assertThrows(AlchemistException.class, () -> pool.allocate(7, n));
            assertEquals(ErrorCode.NON_POSITIVE_WORKER_REQUEST, e.code());
        }
        assertEquals(2, pool.list(w -> w.sessionId() == 0).size());
    }

    @Test
    void releaseFreesOnlyWorkersTheSessionHolds() {
        WorkerPool pool = pool(3);
        pool.allocate(7, 1);
        pool.allocate(8, 1);
        pool.release(7, List.of(1, 2, 3));
        assertEquals(0, pool.get(1).sessionId());
        assertEquals(8, pool.get(2).sessionId());
        assertEquals(0, pool.get(3).sessionId());
    }

    @Test
    void workersExistFromOneToN() {
        WorkerPool pool = pool(3);
        assertTrue(pool.exists(1) && pool.exists(3));
        assertTrue(!pool.exists(0) && !pool.exists(4));
    }

    @Test
    void concurrentRequestsNeverShareAWorker() throws Exception {
        WorkerPool pool = pool(16);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<Integer>>> tasks = new ArrayList<>();
            for (int s = 1; s <= 40; s++) {
                int session = s;
                tasks.add(() -> {
                    try {
                        return pool.allocate(session, 3);
                    } catch (AlchemistException e) {
                        return List.of();
                    }
                });
            }
            Set<Integer> given = new HashSet<>();
            int granted = 0;
            for (Future<List<Integer>> f : threads.invokeAll(tasks, 20, TimeUnit.SECONDS)) {
                List<Integer> got = f.get();
                if (!got.isEmpty()) {
                    granted++;
                    assertEquals(3, got.size(), "all or nothing");
                    for (int id : got) {
                        assertTrue(given.add(id), "worker " + id + " given twice");
                    }
                }
            }
            assertEquals(5, granted, "16 workers make 5 grants of 3");
            assertEquals(1, pool.list(w -> w.sessionId() == 0).size());
        } finally {
            threads.shutdownNow();
        }
    }

    private static WorkerPool pool(int n) {
        List<WorkerInfo> workers = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            workers.add(new WorkerInfo(id, "host", "127.0.0.1", 20000 + id, 0));
        }
        return new WorkerPool(workers);
    }

    private static List<Integer> ids(List<WorkerInfo> workers) {
        return workers.stream().map(WorkerInfo::id).toList();
    }
}
