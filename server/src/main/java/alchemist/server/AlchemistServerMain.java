package alchemist.server;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code alchemist-server} launcher (embedded mode): starts a driver and N workers in this JVM,
 * writes the connection file, and runs until SIGTERM, Ctrl-C, or an allowed SHUT_DOWN.
 */
public final class AlchemistServerMain {
    private static final String USAGE = """
            usage: alchemist-server [--mpi] [--workers N] [--port P] [--worker-port-base B] [--host H]
                                    [--advertised-host A] [--library-dir D] [--connection-file F]
                                    [--max-worker-memory SIZE] [--max-message-size SIZE] [--allow-shutdown]
                                    [--threads-per-worker T]
              --mpi                   run the workers as one Open MPI job (mpirun -np N+1; bin/ script only)
              --workers N             workers to start (default 2)
              --port P                driver port (default 24960; 0 = any free port)
              --worker-port-base B    worker r listens on B + r (default: the driver port; 0 = any free ports)
              --host H                address to bind (default 127.0.0.1; 0.0.0.0 = all interfaces)
              --advertised-host A     address given to clients (default: H, or 127.0.0.1 for 0.0.0.0)
              --library-dir D         the only directory libraries are loaded from
              --connection-file F     where to write host and port (default $ALCHEMIST_CONNECTION_FILE
                                      or ~/.alchemist/connection)
              --max-worker-memory S   matrix data per worker, e.g. 4g (default 3/4 of the heap / N;
                                      with --mpi, of each rank's heap)
              --max-message-size S    largest message body accepted, e.g. 256m (default 64m, the minimum)
              --allow-shutdown        let a client's SHUT_DOWN stop the server
              --threads-per-worker T  cores each worker keeps busy (default: cores / N, at least 1); embedded,
                                      its tasks' threads (OpenBLAS runs 1 per call); with --mpi,
                                      OPENBLAS_NUM_THREADS of each rank
            """;

    private AlchemistServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AlchemistServer.Builder b = parseOrExit(args);
        AlchemistServer server = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "alchemist-sigterm"));
        System.out.println("Alchemist listening on " + server.host() + ":" + server.port() + " with "
                + server.config().numWorkers() + " workers; connection file " + server.config().connectionFile());
        server.awaitStop();
    }

    /**
     * Parses the launcher's options (the MPI entry point takes the same ones); prints the usage and exits on
     * {@code --help} or a bad option.
     *
     * @return a builder with the options applied, the connection file defaulting to
     *         {@link alchemist.protocol.ConnectionFile#defaultPath()}
     */
    public static AlchemistServer.Builder parseOrExit(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.print(USAGE);
            System.exit(0);
        }
        try {
            return parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("alchemist-server: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            throw e; // not reached
        }
    }

    /**
     * As {@link #parseOrExit}, but a bad option is an exception.
     *
     * @throws IllegalArgumentException saying which option is wrong and why
     */
    static AlchemistServer.Builder parse(String[] args) {
        AlchemistServer.Builder b = AlchemistServer.builder().port(ServerConfig.DEFAULT_PORT);
        Path connectionFile = alchemist.protocol.ConnectionFile.defaultPath();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--workers", "-n" -> b.workers(Integer.parseInt(value(args, ++i, a)));
                case "--port" -> b.port(Integer.parseInt(value(args, ++i, a)));
                case "--worker-port-base" -> b.workerPortBase(Integer.parseInt(value(args, ++i, a)));
                case "--host" -> b.host(value(args, ++i, a));
                case "--advertised-host" -> b.advertisedHost(value(args, ++i, a));
                case "--library-dir" -> b.libraryDir(Path.of(value(args, ++i, a)));
                case "--connection-file" -> connectionFile = Path.of(value(args, ++i, a));
                case "--max-worker-memory" -> b.maxWorkerMemory(parseSize(value(args, ++i, a)));
                case "--max-message-size" -> b.maxMessageBytes(parseSize(value(args, ++i, a)));
                case "--allow-shutdown" -> b.allowShutdown(true);
                case "--threads-per-worker" -> b.threadsPerWorker(parseCount(value(args, ++i, a), a));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (b.config().maxMessageBytes() < alchemist.protocol.MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH) {
            throw new IllegalArgumentException("--max-message-size must be at least 64m (PROTOCOL.md, Sizes)");
        }
        return b.connectionFile(connectionFile);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parseCount(String s, String option) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not " + s, e);
        }
    }

    /** Parses 512, 64k, 256m, 4g (powers of 1024). */
    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> { }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Long.parseLong(digits.trim()) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + s + " (use e.g. 512m or 4g)");
        }
    }
}
