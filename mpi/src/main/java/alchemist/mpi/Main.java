package alchemist.mpi;

import alchemist.server.AlchemistServer;
import alchemist.server.AlchemistServerMain;
import alchemist.server.DriverProcess;
import alchemist.server.ServerConfig;
import alchemist.server.blas.OpenBlas;
import alchemist.server.blas.SingleThreadedBlas;
import alchemist.server.control.WorkerControlLoop;
import alchemist.server.worker.Worker;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MPI entry point: under {@code mpirun -np N+1}, rank 0 runs the driver and ranks 1..N the workers,
 * each with its own data port, all talking over {@link MpiCommunicator}; the driver, worker and task
 * code are the embedded mode's. Takes the launcher's options ({@code --workers} is the job's size less
 * one). The driver stops on SIGTERM or an allowed SHUT_DOWN, and stops the workers; then every rank
 * finalizes MPI.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        MpiCommunicator world = MpiCommunicator.world();
        if (world.size() < 2) {
            System.err.println("alchemist-server --mpi needs at least 2 ranks (a driver and a worker); got " + world.size());
            MpiCommunicator.finalizeMpi();
            System.exit(2);
        }
        // Each rank has its own heap and OpenBLAS. As in embedded mode, OpenBLAS runs one thread per call and a
        // worker's tasks cut their work into pieces on --threads-per-worker threads (bin/alchemist-server passes
        // the rank's share of its host's cores): one way to use the cores, whatever the number of ranks.
        AlchemistServer.Builder options = AlchemistServerMain.parseOrExit(args).workers(world.size() - 1)
                .workersPerHeap(1);
        ServerConfig config = options.config();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        try {
            if (world.rank() == 0) {
                runDriver(config, world, group);
            } else {
                try (SingleThreadedBlas.Lease blas = SingleThreadedBlas.acquire()) {
                    LOG.info("MPI rank {}: OpenBLAS {} thread per call, {} task threads", world.rank(),
                            OpenBlas.numThreads(), config.threadsPerWorker());
                    Worker worker = Worker.start(world.rank(), config, group);
                    try {
                        new WorkerControlLoop(world, worker).run();
                    } finally {
                        worker.close();
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            MpiCommunicator.finalizeMpi();
        }
    }

    private static void runDriver(ServerConfig config, MpiCommunicator world, EventLoopGroup group)
            throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        DriverProcess driver = DriverProcess.start(config, world, group, config.allowShutdown() ? stop::countDown : null);
        // SIGTERM: mpirun stopping the job (a rank died, or the user stopped it). The workers may be gone, so
        // instead of a clean stop, every waiting client is answered with an error before this JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stop.getCount() > 0) {
                driver.abandon("the Alchemist MPI job is stopping (SIGTERM from mpirun: a rank ended or the job was "
                        + "stopped); its matrices are lost");
                sleepQuietly(1000); // let the error replies go out
            }
        }, "alchemist-sigterm"));
        System.out.println("Alchemist (MPI, " + (world.size() - 1) + " workers) listening on " + config.advertisedHost()
                + ":" + driver.port() + "; connection file " + config.connectionFile());
        stop.await();
        driver.close();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
