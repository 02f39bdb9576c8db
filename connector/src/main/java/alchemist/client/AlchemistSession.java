package alchemist.client;

import alchemist.client.hdf5.Hdf5Dataset;
import alchemist.client.hdf5.Hdf5File;
import alchemist.client.net.ClientConnection;
import alchemist.client.transfer.BlockFetcher;
import alchemist.client.transfer.BlockSender;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ConnectionFile;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageReader;
import alchemist.protocol.WorkerInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A client session with an Alchemist server: the seed's Python API in Java.
 * <pre>{@code
 * try (AlchemistSession als = new AlchemistSession()) {
 *     als.connect("127.0.0.1", 24960);
 *     als.requestWorkers(2);
 *     als.workers().connect();
 *     MatrixHandle a = als.sendArray(rows);
 *     double[][] back = als.getArray(a);
 * }
 * }</pre>
 * Control goes to the driver; matrix data goes straight to and from the workers, in messages of a few
 * MiB with several in flight per worker. Closing the session gives its workers back and frees its
 * matrices on the server.
 *
 * <p>Not meant for concurrent use by several threads, except where a method says so.
 */
public final class AlchemistSession implements AutoCloseable {
    /** Default size of one block message: 4 MiB. */
    public static final long DEFAULT_MESSAGE_BYTES = 4L << 20;
    /** Default block messages in flight per worker. */
    public static final int DEFAULT_WINDOW = 4;

    private final WorkerGroup workers = new WorkerGroup(this);
    private PrintStream trace;
    private ClientConnection driver;
    private long messageBytes = DEFAULT_MESSAGE_BYTES;
    private int window = DEFAULT_WINDOW;
    private long maxReplyBytes = 256L << 20;

    /** A session not yet connected (the seed: {@code AlchemistSession()} takes no parameters). */
    public AlchemistSession() {
    }

    /** Prints every message sent and received in the seed's trace layout to standard output. */
    public AlchemistSession setVerbose(boolean verbose) {
        this.trace = verbose ? System.out : null;
        return this;
    }

    /**
     * Sets the size of block messages and how many are in flight per worker.
     *
     * @param bytes  target message size (default 4 MiB; at most the server's limit, 64 MiB)
     * @param window messages in flight per worker (default 4)
     */
    public AlchemistSession setTransfer(long bytes, int window) {
        if (bytes < 1024 || window < 1) {
            throw new IllegalArgumentException("messages of at least 1 KiB and a window of at least 1");
        }
        this.messageBytes = bytes;
        this.window = window;
        this.maxReplyBytes = Math.max(maxReplyBytes, 2 * bytes);
        return this;
    }

    /**
     * Connects to the driver and shakes hands.
     *
     * @return true once connected (as the seed's {@code connect_to_alchemist})
     * @throws AlchemistException if the server cannot be reached or refuses the handshake
     */
    public boolean connect(String host, int port) {
        if (driver != null) {
            throw new IllegalStateException("this session is already connected to " + driver.name());
        }
        log("Connecting to Alchemist at " + host + ":" + port + " ...");
        ClientConnection c = ClientConnection.open(host, port, "the Alchemist driver", maxReplyBytes, trace);
        c.handshake(OptionalLong.empty());
        driver = c;
        return true;
    }

    /** Connects to the server named by a connection file. */
    public boolean connect(Path connectionFile) {
        ConnectionFile f = ConnectionFile.read(connectionFile);
        return connect(f.host(), f.port());
    }

    /** Connects to the server named by the default connection file ({@link ConnectionFile#defaultPath()}). */
    public boolean connect() {
        return connect(ConnectionFile.defaultPath());
    }

    /** @return the client ID the driver gave this session */
    public int clientId() {
        return driver().clientId();
    }

    /** @return the session ID the driver gave */
    public int sessionId() {
        return driver().sessionId();
    }

    /** @return the driver's answer to a test text */
    public String sendTestString(String text) {
        return driver().call(Command.SEND_TEST_STRING, w -> w.putString(text), MessageReader::readString);
    }

    /** @return the driver's test text */
    public String requestTestString() {
        return driver().call(Command.REQUEST_TEST_STRING, w -> { }, MessageReader::readString);
    }

    /**
     * Asks the driver for {@code n} more workers, all or none.
     *
     * @return all the session's workers
     * @throws AlchemistException {@link ErrorCode#NO_WORKERS} if fewer than n are free
     */
    public List<WorkerInfo> requestWorkers(int n) {
        log("Requesting " + n + " workers from Alchemist");
        return driver().call(Command.REQUEST_WORKERS, w -> w.putShort(n), this::readAssigned);
    }

    /** @return the session's workers, and its data connections to them */
    public WorkerGroup workers() {
        return workers;
    }

    public List<WorkerInfo> listAllWorkers() {
        return listWorkers(Command.LIST_ALL_WORKERS);
    }

    /** @return the workers held by any session */
    public List<WorkerInfo> listActiveWorkers() {
        return listWorkers(Command.LIST_ACTIVE_WORKERS);
    }

    /** @return the free workers */
    public List<WorkerInfo> listInactiveWorkers() {
        return listWorkers(Command.LIST_INACTIVE_WORKERS);
    }

    /** @return this session's workers */
    public List<WorkerInfo> listAssignedWorkers() {
        return listWorkers(Command.LIST_ASSIGNED_WORKERS);
    }

    /**
     * Gives workers back to the server; the session's matrices with rows on them are freed.
     *
     * @param ids the workers to give back; none means all
     * @return how many were given back
     */
    public int yieldWorkers(int... ids) {
        int yielded = driver().call(Command.YIELD_WORKERS, w -> {
            for (int id : ids) {
                w.putShort(id);
            }
        }, MessageReader::readShort);
        driver().call(Command.SEND_ASSIGNED_WORKERS_INFO, w -> { }, this::readAssigned);
        return yielded;
    }

    /**
     * Creates a matrix on the session's workers and sends it row block by row block.
     *
     * @return its handle
     * @throws AlchemistException e.g. {@link ErrorCode#NOT_ENOUGH_WORKER_MEMORY}, {@link ErrorCode#NO_WORKERS}
     */
    public MatrixHandle send(RowSource source) {
        MatrixHandle h = createMatrix(source.numRows(), source.numCols());
        try {
            new BlockSender(messageBytes, window).send(h.layout(), source, workers.connected());
        } catch (AlchemistException e) {
            tryFree(h.id());
            throw e;
        }
        return h;
    }

    /**
     * Creates a matrix of zeros on the session's workers (MATRIX_INFO), for rows that are sent separately,
     * e.g. by Spark executors holding a {@link SessionTicket}.
     *
     * @return its handle, with the layout saying which worker takes which rows
     * @throws AlchemistException e.g. {@link ErrorCode#NOT_ENOUGH_WORKER_MEMORY}, {@link ErrorCode#NO_WORKERS}
     */
    public MatrixHandle createMatrix(long rows, long cols) {
        log("Sending matrix info to Alchemist.");
        return new MatrixHandle(driver().call(Command.MATRIX_INFO,
                w -> w.putByte(0).putByte(MatrixLayout.ROW_BLOCKS).putLong(rows).putLong(cols), MatrixLayout::read));
    }

    /** Sends an array of rows (rectangular). */
    public MatrixHandle sendArray(double[][] rows) {
        return send(ArrayRowSource.of(rows));
    }

    /** Sends a row-major array of {@code rows × cols} values. */
    public MatrixHandle sendArray(double[] values, int rows, int cols) {
        return send(ArrayRowSource.rowMajor(values, rows, cols));
    }

    /**
     * Opens an HDF5 file to pick a dataset from (the seed's {@code read_from_hdf5}); nothing is read yet.
     *
     * @throws IllegalArgumentException if it is missing or not HDF5
     */
    public Hdf5File readFromHdf5(Path path) {
        return Hdf5File.open(path);
    }

    /** As {@link #readFromHdf5(Path)}. */
    public Hdf5File readFromHdf5(String path) {
        return readFromHdf5(Path.of(path));
    }

    /**
     * Sends a 2-D dataset, streaming it in row chunks: each worker's rows are read from the file as they are
     * sent, so the dataset is never held whole in memory.
     */
    public MatrixHandle sendHdf5(Hdf5Dataset dataset) {
        return send(dataset);
    }

    /** @return the whole matrix, as rows */
    public double[][] getArray(MatrixHandle h) {
        return getArray(h, 0, h.numRows(), 0, h.numCols());
    }

    /**
     * Fetches part of a matrix.
     *
     * @param rowStart first row; {@code rowEnd} one past the last
     * @param colStart first column; {@code colEnd} one past the last
     * @return {@code out[i][j]} = element {@code (rowStart + i, colStart + j)}
     * @throws IllegalArgumentException for a range outside the matrix
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_MATRIX} if the matrix is not this session's (any more)
     */
    public double[][] getArray(MatrixHandle h, long rowStart, long rowEnd, long colStart, long colEnd) {
        if (rowStart < 0 || rowEnd > h.numRows() || rowStart > rowEnd || colStart < 0 || colEnd > h.numCols()
                || colStart > colEnd || rowEnd - rowStart > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows [" + rowStart + ", " + rowEnd + ") and cols [" + colStart + ", "
                    + colEnd + ") are not inside the " + h.numRows() + " x " + h.numCols() + " matrix " + h.id());
        }
        double[][] out = new double[(int) (rowEnd - rowStart)][(int) (colEnd - colStart)];
        new BlockFetcher(messageBytes, window).fetch(h.layout(), rowStart, rowEnd, (int) colStart, (int) colEnd, out,
                workers.connected());
        return out;
    }

    /** @return a handle for one of the session's matrices, by ID (MATRIX_LAYOUT) */
    public MatrixHandle matrix(int id) {
        return new MatrixHandle(driver().call(Command.MATRIX_LAYOUT, w -> w.putMatrixId(id), MatrixLayout::read));
    }

    /** Frees a matrix on the server. */
    public void freeMatrix(MatrixHandle h) {
        driver().call(Command.FREE_MATRIX, w -> w.putMatrixId(h.id()), MessageReader::readMatrixId);
    }

    /**
     * Loads a library on the driver and the session's workers (the seed's {@code load_library}).
     *
     * @param name the library's name, e.g. "allib"
     * @param path its jar inside the server's library directory, absolute or relative to it; empty to let
     *             the server find {@code name} there
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} for a path outside the library directory,
     *                            {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK} if there is no such library
     */
    public LibraryHandle loadLibrary(String name, String path) {
        int id = driver().call(Command.LOAD_LIBRARY, w -> w.putString(name).putString(path), MessageReader::readUnsignedShort);
        return new LibraryHandle(id, name, "");
    }

    /** Loads a library by name from the server's library directory. */
    public LibraryHandle loadLibrary(String name) {
        return loadLibrary(name, "");
    }

    /** Unloads a library from the session. */
    public void unloadLibrary(LibraryHandle library) {
        driver().call(Command.UNLOAD_LIBRARY, w -> w.putShort(library.id()), MessageReader::readUnsignedShort);
    }

    /** @return the session's libraries with their tasks' signatures */
    public List<LibraryHandle> listLibraries() {
        return driver().call(Command.LIST_LIBRARIES, w -> { }, r -> {
            List<LibraryHandle> out = new ArrayList<>();
            while (r.hasRemaining()) {
                out.add(new LibraryHandle(r.readUnsignedShort(), r.readString(), r.readString()));
            }
            return out;
        });
    }

    /**
     * Runs a task of a loaded library on the session's workers (the seed's {@code run_task}).
     *
     * @param task "truncated_svd" or "allib.truncated_svd"
     * @param args the task's arguments in order: {@link MatrixHandle}s and Integer, Long, Double, Float, Short,
     *             Byte or String values
     * @return its outputs by name
     * @throws AlchemistException {@link ErrorCode#BAD_TASK_ARGUMENTS} with the expected signature,
     *                            {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK}, {@link ErrorCode#TASK_FAILED}, ...
     */
    public TaskResult runTask(String task, Object... args) {
        return driver().call(Command.RUN_TASK, w -> {
            w.putString(task);
            for (Object a : args) {
                if (a instanceof MatrixHandle h) {
                    w.putMatrixId(h.id());
                } else {
                    w.putValue(a);
                }
            }
        }, r -> {
            int n = r.readUnsignedShort();
            java.util.Map<String, Object> outputs = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = r.readString();
                outputs.put(name, r.peekType() == alchemist.protocol.Datatype.MATRIX_ID
                        ? new MatrixHandle(MatrixLayout.read(r)) : r.readValue());
            }
            return new TaskResult(outputs);
        });
    }

    /**
     * Asks the server to stop (SHUT_DOWN).
     *
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} unless the server allows it
     */
    public void shutDownServer() {
        driver().call(Command.SHUT_DOWN, w -> { }, MessageReader::readShort);
    }

    /** Gives the workers back and closes every connection; the server frees the session's matrices. */
    public void stop() {
        if (driver == null) {
            return;
        }
        try {
            if (driver.isOpen() && workers.size() > 0) {
                yieldWorkers();
            }
        } catch (AlchemistException e) {
            log("yielding workers on stop failed: " + e.getMessage()); // the server frees them when we disconnect
        } finally {
            workers.close();
            driver.close();
            driver = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    // --- used by WorkerGroup ---

    PrintStream trace() {
        return trace;
    }

    long maxReplyBytes() {
        return maxReplyBytes;
    }

    long messageBytes() {
        return messageBytes;
    }

    int window() {
        return window;
    }

    void log(String line) {
        if (trace != null) {
            trace.println(line);
        }
    }

    private ClientConnection driver() {
        if (driver == null) {
            throw new IllegalStateException("not connected: call connect(host, port) first");
        }
        return driver;
    }

    private List<WorkerInfo> listWorkers(Command command) {
        return driver().call(command, w -> { }, r -> {
            int n = r.readUnsignedShort();
            List<WorkerInfo> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(WorkerInfo.readListing(r));
            }
            return out;
        });
    }

    /** Reads REQUEST_WORKERS' reply (and SEND_ASSIGNED_WORKERS_INFO's) and updates the worker group. */
    private List<WorkerInfo> readAssigned(MessageReader r) {
        int n = r.readUnsignedShort();
        List<WorkerInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(WorkerInfo.readAddress(r).withSession(driver.sessionId()));
        }
        workers.assign(out, r.readLong());
        return out;
    }

    private void tryFree(int matrixId) {
        try {
            driver().call(Command.FREE_MATRIX, w -> w.putMatrixId(matrixId), MessageReader::readMatrixId);
        } catch (AlchemistException e) {
            log("freeing matrix " + matrixId + " after a failed send: " + e.getMessage());
        }
    }
}
