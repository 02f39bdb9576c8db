package alchemist.client.transfer;

import alchemist.client.RowSource;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Header;
import alchemist.protocol.MatrixLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a matrix's rows to the workers that own them (SEND_MATRIX_BLOCKS), in messages of about
 * {@code messageBytes}, pipelined, all workers at once.
 */
public final class BlockSender {
    /** Bytes of a block message besides its values: header, matrix ID run, bounds run, values run header. */
    private static final int OVERHEAD = Header.LENGTH + 7 + 37 + 5;

    private final long maxValues;
    private final WorkerStreams streams;

    /**
     * @param messageBytes target size of one message
     * @param window       messages in flight per worker
     */
    public BlockSender(long messageBytes, int window) {
        this.maxValues = Math.max(1, (messageBytes - OVERHEAD) / Double.BYTES);
        this.streams = new WorkerStreams(window);
    }

    /**
     * Sends every row of {@code source} to its worker.
     *
     * @param workers connections by worker ID, for every worker of the layout
     * @throws AlchemistException a worker's error or a lost connection
     *                            ({@code UNKNOWN_MATRIX} up front if a worker of the layout is not among them)
     */
    public void send(MatrixLayout layout, RowSource source, Map<Integer, ClientConnection> workers) {
        List<WorkerStreams.Stream> plan = new ArrayList<>();
        for (int i = 0; i < layout.numWorkers(); i++) {
            plan.add(new WorkerStreams.Stream(WorkerStreams.connectionTo(workers, layout, i),
                    Block.cut(layout.rowStart(i), layout.rowEnd(i), 0, source.numCols(), maxValues)));
        }
        ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> new double[0]);
        streams.run(plan, (conn, b) -> sendBlock(conn, layout.matrixId(), source, b, scratch));
    }

    private CompletableFuture<?> sendBlock(ClientConnection conn, int matrixId, RowSource source, Block b,
            ThreadLocal<double[]> scratch) {
        double[] buf = scratch.get();
        if (buf.length < b.rows() * source.numCols()) {
            buf = new double[b.rows() * source.numCols()];
            scratch.set(buf);
        }
        double[] rows = buf;
        return conn.send(Command.SEND_MATRIX_BLOCKS, (int) (OVERHEAD + b.values() * Double.BYTES), w -> {
            w.putMatrixId(matrixId).putBounds(b.firstRow(), b.lastRow(), b.firstCol(), b.lastCol());
            source.writeBlock(b.firstRow(), b.rows(), b.firstCol(), b.width(), rows, w);
        }, reply -> {
            int id = reply.readMatrixId();
            int stored = reply.readInt();
            if (id != matrixId || stored != 1) {
                throw new AlchemistException(ErrorCode.INTERNAL_ERROR, conn.name() + " stored " + stored
                        + " blocks of matrix " + id + " for one block of matrix " + matrixId);
            }
            return null;
        });
    }
}
