package alchemist.client.transfer;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Header;
import alchemist.protocol.MatrixLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Sends rows that come one at a time, in any order (a Spark partition of an {@code IndexedRowMatrix}), to
 * the workers that own them. Rows are gathered per worker into messages of about {@code messageBytes};
 * each message carries one block per run of consecutive row indices (SEND_MATRIX_BLOCKS takes several),
 * and up to {@code window} messages per worker are in flight. Sending a row twice stores the same values
 * twice, so a retried Spark task leaves the matrix exact. Not thread-safe: one sender per partition.
 */
public final class IndexedRowSender {
    /** Bytes besides the values: header and matrix ID run, then per block a bounds run and a values run header. */
    private static final int MESSAGE_OVERHEAD = Header.LENGTH + 7;
    private static final int BLOCK_OVERHEAD = 37 + 5;

    private final MatrixLayout layout;
    private final IntFunction<ClientConnection> connections;
    private final long maxValues;
    private final int window;
    private final Batch[] batches;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param connections the connection to a worker, by worker ID (asked only for workers that get rows)
     * @param messageBytes target size of one message
     * @param window       messages in flight per worker
     */
    public IndexedRowSender(MatrixLayout layout, IntFunction<ClientConnection> connections, long messageBytes, int window) {
        this.layout = layout;
        this.connections = connections;
        this.maxValues = Math.max(layout.numCols(), (messageBytes - MESSAGE_OVERHEAD) / Double.BYTES);
        this.window = window;
        this.batches = new Batch[layout.numWorkers()];
    }

    /**
     * Queues one row, sending its worker's batch once that is full.
     *
     * @param values the row's values (not copied; must stay unchanged until {@link #finish()})
     * @throws IllegalArgumentException for an index outside the matrix or a row of the wrong length
     * @throws AlchemistException       the first failure of an earlier message
     */
    public void add(long row, double[] values) {
        if (row < 0 || row >= layout.numRows()) {
            throw new IllegalArgumentException("row index " + row + " is outside the " + layout.numRows() + " x "
                    + layout.numCols() + " matrix " + layout.matrixId());
        }
        if (values.length != layout.numCols()) {
            throw new IllegalArgumentException("row " + row + " has " + values.length + " values; matrix "
                    + layout.matrixId() + " has " + layout.numCols() + " columns");
        }
        throwIfFailed();
        int w = layout.workerIndexOfRow(row);
        Batch b = batches[w];
        if (b == null) {
            b = batches[w] = new Batch(connections.apply(layout.workerId(w)), new Semaphore(window));
        }
        b.add(row, values);
        if (b.values >= maxValues - layout.numCols() + 1) {
            flush(b);
        }
    }

    /**
     * Sends what is left and waits for every reply.
     *
     * @throws AlchemistException the first failure
     */
    public void finish() {
        for (Batch b : batches) {
            if (b != null) {
                flush(b);
            }
        }
        for (Batch b : batches) {
            if (b != null) {
                b.inFlight.acquireUninterruptibly(window);
                b.inFlight.release(window);
            }
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw ClientConnection.rethrow(t);
        }
    }

    private void flush(Batch b) {
        if (b.rows.isEmpty()) {
            return;
        }
        List<Row> rows = b.take();
        List<long[]> runs = runsOf(rows);
        int cols = (int) layout.numCols();
        long size = MESSAGE_OVERHEAD + (long) runs.size() * BLOCK_OVERHEAD + (long) rows.size() * cols * Double.BYTES;
        b.inFlight.acquireUninterruptibly();
        b.connection.send(Command.SEND_MATRIX_BLOCKS, (int) Math.min(Integer.MAX_VALUE, size), w -> {
            w.putMatrixId(layout.matrixId());
            int next = 0;
            for (long[] run : runs) {
                w.putBounds(run[0], run[1], 0, cols - 1);
                for (long r = run[0]; r <= run[1]; r++) {
                    w.putDoubles(rows.get(next++).values(), 0, cols);
                }
            }
        }, reply -> {
            int id = reply.readMatrixId();
            int stored = reply.readInt();
            if (id != layout.matrixId() || stored != runs.size()) {
                throw new AlchemistException(ErrorCode.INTERNAL_ERROR, b.connection.name() + " stored " + stored
                        + " blocks of matrix " + id + " for " + runs.size() + " blocks of matrix " + layout.matrixId());
            }
            return null;
        }).whenComplete((ok, t) -> {
            if (t != null) {
                failure.compareAndSet(null, t);
            }
            b.inFlight.release();
        });
    }

    /** @return runs of consecutive indices of sorted rows, as {first, last}; a repeated index starts a new run */
    private static List<long[]> runsOf(List<Row> sorted) {
        List<long[]> runs = new ArrayList<>();
        long first = sorted.get(0).index();
        for (int i = 1; i <= sorted.size(); i++) {
            if (i == sorted.size() || sorted.get(i).index() != sorted.get(i - 1).index() + 1) {
                runs.add(new long[] {first, sorted.get(i - 1).index()});
                if (i < sorted.size()) {
                    first = sorted.get(i).index();
                }
            }
        }
        return runs;
    }

    private record Row(long index, double[] values) {
    }

    /** The rows waiting for one worker. */
    private static final class Batch {
        final ClientConnection connection;
        final Semaphore inFlight;
        List<Row> rows = new ArrayList<>();
        long values;

        Batch(ClientConnection connection, Semaphore inFlight) {
            this.connection = connection;
            this.inFlight = inFlight;
        }

        void add(long index, double[] v) {
            rows.add(new Row(index, v));
            values += v.length;
        }

        /** @return the waiting rows sorted by index (cheap when they came in order), leaving the batch empty */
        List<Row> take() {
            List<Row> out = rows;
            rows = new ArrayList<>();
            values = 0;
            out.sort(Comparator.comparingLong(Row::index));
            return out;
        }
    }
}
