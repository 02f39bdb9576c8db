package alchemist.server.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.server.AlchemistServer;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The threads a worker's task sees: what the server was given, on every worker. */
class TaskThreadsTest {

    /** Reports ctx.threads() and how many pieces ctx.parallel() ran. */
    private static final class ThreadsTask implements Task {
        @Override
        public String name() {
            return "threads";
        }

        @Override
        public Signature signature() {
            return Signature.builder().output("threads", ArgType.INT).output("pieces", ArgType.INT).build();
        }

        @Override
        public void run(TaskContext ctx) {
            AtomicInteger pieces = new AtomicInteger();
            ctx.parallel().run(List.of(pieces::incrementAndGet, pieces::incrementAndGet, pieces::incrementAndGet));
            ctx.putScalar("threads", ctx.threads());
            ctx.putScalar("pieces", pieces.get());
        }
    }

    @Test
    void aTaskSeesTheThreadsItsWorkerWasGiven() {
        InProcessTaskRunner.Result r = InProcessTaskRunner.runThreaded(new ThreadsTask(), 2, 3);
        assertEquals(3, r.scalar("threads"));
        assertEquals(3, r.scalar("pieces"));
        assertEquals(1, InProcessTaskRunner.run(new ThreadsTask(), 2).scalar("threads"));
    }

    @Test
    void anEmbeddedServersWorkersGetTheBuildersThreads() {
        try (AlchemistServer server = AlchemistServer.builder().workers(2).threadsPerWorker(3).start()) {
            for (Worker w : server.workers()) {
                assertEquals(3, w.threads().threads(), "worker " + w.id());
            }
        }
    }
}
