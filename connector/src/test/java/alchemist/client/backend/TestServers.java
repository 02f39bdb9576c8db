package alchemist.client.backend;

import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.AlchemistSession;
import alchemist.server.AlchemistServer;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Servers for the end-to-end tests, on the backend the system property {@code alchemist.test.backend}
 * names: {@code embedded} (the default) or {@code mpi} (the mpi module runs the suites that way).
 *
 * <p>An embedded server is started for each test. An MPI job takes seconds to start, so tests that can share
 * one share it: {@link #start(int)} gives every test the same job per worker count (each test's sessions are
 * its own, and a test must give every worker back by the time it closes the server). At most
 * {@value #LIVE_SHARED_JOBS} shared jobs run at once, since idle ranks still poll (2 to 3% of a core each);
 * the one with the most workers goes first, as it costs most to keep and few tests need it. A test uses
 * one shared job at a time. {@link #startDedicated} is for tests that stop the server, need one no client
 * has used, or need other options.
 */
public final class TestServers {
    /** The backends a test server can run on. */
    public enum Backend {
        EMBEDDED, MPI;

        /** @return the backend of this test run */
        public static Backend current() {
            String name = System.getProperty("alchemist.test.backend", "embedded");
            return switch (name) {
                case "embedded" -> EMBEDDED;
                case "mpi" -> MPI;
                default -> throw new IllegalArgumentException("alchemist.test.backend is embedded or mpi, not " + name);
            };
        }
    }

    private static final int LIVE_SHARED_JOBS = 3;
    private static final Duration RELEASE_LIMIT = Duration.ofSeconds(5);
    /** Shared MPI jobs by worker count. */
    private static final Map<Integer, MpiJob> SHARED = new HashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopSharedJobs, "stop-shared-mpi-jobs"));
    }

    private TestServers() {
    }

    /** @return a server with {@code workers} workers and the suite's library directory, on this run's backend */
    public static TestServer start(int workers) {
        return start(Backend.current(), workers);
    }

    /** @return a server with {@code workers} workers and the suite's library directory, on {@code backend} */
    public static TestServer start(Backend backend, int workers) {
        ServerOptions options = ServerOptions.workers(workers);
        return backend == Backend.EMBEDDED ? new EmbeddedTestServer(options) : new SharedJob(sharedJob(options));
    }

    /** @return a server of the test's own, stopped when it closes, on this run's backend */
    public static TestServer startDedicated(ServerOptions options) {
        return startDedicated(Backend.current(), options);
    }

    /** @return a server of the test's own, stopped when it closes, on {@code backend} */
    public static TestServer startDedicated(Backend backend, ServerOptions options) {
        return backend == Backend.EMBEDDED ? new EmbeddedTestServer(options) : MpiJob.start(options);
    }

    private static synchronized MpiJob sharedJob(ServerOptions options) {
        MpiJob job = SHARED.get(options.workers());
        if (job != null && !job.isAlive()) {
            String log = job.log();
            discard(job);
            fail("the shared MPI job of " + options.workers() + " workers has died:\n" + log);
        }
        if (job == null) {
            MpiJob.mpirun(); // skip or fail before stopping anything
            while (SHARED.size() >= LIVE_SHARED_JOBS) {
                discard(SHARED.get(Collections.max(SHARED.keySet()))); // the one with the most workers
            }
            job = MpiJob.start(options);
            SHARED.put(options.workers(), job);
        }
        return job;
    }

    private static synchronized void stopSharedJobs() {
        SHARED.values().forEach(MpiJob::close);
        SHARED.clear();
    }

    /** Stops a shared job, so that the next test gets a new one. */
    private static synchronized void discard(MpiJob job) {
        SHARED.values().remove(job);
        job.close();
    }

    /**
     * A test's use of a shared MPI job. Closing it checks that every worker is free again (sessions end as
     * their connections close, so this waits a little); a job left with workers held is stopped, so that
     * the next test does not inherit them.
     */
    private static final class SharedJob implements TestServer {
        private final MpiJob job;

        SharedJob(MpiJob job) {
            this.job = job;
        }

        @Override
        public String host() {
            return job.host();
        }

        @Override
        public int port() {
            return job.port();
        }

        @Override
        public int workers() {
            return job.workers();
        }

        @Override
        public void ifEmbedded(Consumer<AlchemistServer> checks) {
            job.ifEmbedded(checks);
        }

        @Override
        public void awaitStop(Duration limit) {
            throw new UnsupportedOperationException("a shared server is never stopped by a test: use startDedicated");
        }

        @Override
        public void close() {
            long deadline = System.nanoTime() + RELEASE_LIMIT.toNanos();
            try (AlchemistSession observer = new AlchemistSession()) {
                observer.connect(job.host(), job.port());
                int free;
                while ((free = observer.listInactiveWorkers().size()) < job.workers()) {
                    if (System.nanoTime() > deadline) {
                        discard(job);
                        fail("the test left " + (job.workers() - free) + " of the shared MPI job's " + job.workers()
                                + " workers held " + RELEASE_LIMIT.toSeconds() + " s after it ended");
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                discard(job);
            } catch (RuntimeException e) {
                String log = job.log();
                discard(job);
                throw new AssertionError("the shared MPI job stopped serving during the test:\n" + log, e);
            }
        }
    }
}
