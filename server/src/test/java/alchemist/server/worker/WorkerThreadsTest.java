package alchemist.server.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A worker's task threads: every piece once, at most threads() at once, the caller taking part, failures out. */
class WorkerThreadsTest {

    @Test
    void runsEveryPieceOnceWithAtMostItsThreadsAtOnceTheCallerTakingPart() {
        try (WorkerThreads threads = WorkerThreads.start("test", 3)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            int[] runs = new int[40];
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            List<Runnable> pieces = new ArrayList<>();
            for (int i = 0; i < runs.length; i++) {
                int piece = i;
                pieces.add(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    seen.add(Thread.currentThread());
                    sleep(5);
                    runs[piece]++;
                    running.decrementAndGet();
                });
            }
            threads.run(pieces);
            for (int i = 0; i < runs.length; i++) {
                assertEquals(1, runs[i], "piece " + i);
            }
            assertTrue(most.get() <= 3, "at most 3 at once, saw " + most.get());
            assertTrue(seen.contains(Thread.currentThread()), "the caller runs pieces too");
            assertTrue(seen.size() >= 2, "helpers run pieces too: " + seen);
        }
    }

    @Test
    void theFirstFailureComesOutWithTheOthersSuppressedAndLaterPiecesAreSkipped() {
        try (WorkerThreads threads = WorkerThreads.start("test", 2)) {
            IllegalArgumentException first = new IllegalArgumentException("first");
            AtomicInteger ran = new AtomicInteger();
            List<Runnable> pieces = new ArrayList<>();
            pieces.add(() -> {
                throw first;
            });
            pieces.add(() -> {
                sleep(20);
                throw new IllegalStateException("second");
            });
            for (int i = 0; i < 50; i++) {
                pieces.add(() -> {
                    sleep(20);
                    ran.incrementAndGet();
                });
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> threads.run(pieces));
            assertSame(first, e);
            assertTrue(ran.get() < 50, "pieces after a failure are skipped; " + ran.get() + " ran");
        }
    }

    @Test
    void aNestedRunDoesNotWaitForBusyHelpers() {
        try (WorkerThreads threads = WorkerThreads.start("test", 2)) {
            AtomicInteger inner = new AtomicInteger();
            List<Runnable> outer = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                outer.add(() -> threads.run(List.of(inner::incrementAndGet, inner::incrementAndGet,
                        inner::incrementAndGet)));
            }
            threads.run(outer);
            assertEquals(12, inner.get());
        }
    }

    @Test
    void anInterruptedCallerStopsWaitingWithACancellation() throws Exception {
        try (WorkerThreads threads = WorkerThreads.start("test", 2)) {
            CountDownLatch helperStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger outcome = new AtomicInteger();
            Thread caller = new Thread(() -> {
                try {
                    threads.run(List.of(() -> { }, () -> {
                        helperStarted.countDown();
                        await(release);
                    }));
                } catch (CancellationException e) {
                    outcome.set(Thread.currentThread().isInterrupted() ? 1 : 2);
                }
            });
            caller.start();
            assertTrue(helperStarted.await(10, TimeUnit.SECONDS));
            caller.interrupt();
            caller.join(10_000);
            release.countDown();
            assertEquals(1, outcome.get(), "cancelled, interrupt flag set again");
        }
    }

    @Test
    void oneThreadRunsInTheCallerAndNoneIsRefused() {
        try (WorkerThreads threads = WorkerThreads.start("test", 1)) {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            threads.run(List.of(() -> seen.add(Thread.currentThread()), () -> seen.add(Thread.currentThread())));
            assertEquals(Set.of(Thread.currentThread()), seen);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerThreads.start("test", 0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
