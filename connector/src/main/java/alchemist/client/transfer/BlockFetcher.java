package alchemist.client.transfer;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fetches a range of a matrix's rows and columns from the workers that hold them
 * (REQUEST_MATRIX_BLOCKS), in replies of about {@code messageBytes}, pipelined, all workers at once.
 * Values go straight from each reply into the destination rows on the connection's event loop.
 */
public final class BlockFetcher {
    private final long maxValues;
    private final WorkerStreams streams;

    /**
     * @param messageBytes target size of one reply
     * @param window       requests in flight per worker
     */
    public BlockFetcher(long messageBytes, int window) {
        this.maxValues = Math.max(1, (messageBytes - 64) / Double.BYTES);
        this.streams = new WorkerStreams(window);
    }

    /**
     * Fetches rows {@code [rowStart, rowEnd)} and columns {@code [colStart, colEnd)} into {@code dst}, where
     * {@code dst[i][j]} receives element {@code (rowStart + i, colStart + j)}.
     *
     * @param workers connections by worker ID, for every worker holding rows of the range
     * @throws AlchemistException a worker's error or a lost connection
     *                            ({@code UNKNOWN_MATRIX} up front if a worker of the layout is not among them)
     */
    public void fetch(MatrixLayout layout, long rowStart, long rowEnd, int colStart, int colEnd, double[][] dst,
            Map<Integer, ClientConnection> workers) {
        List<WorkerStreams.Stream> plan = new ArrayList<>();
        for (int i = 0; i < layout.numWorkers(); i++) {
            long from = Math.max(rowStart, layout.rowStart(i));
            long to = Math.min(rowEnd, layout.rowEnd(i));
            if (from < to) { // only the workers holding part of the range need a connection
                plan.add(new WorkerStreams.Stream(WorkerStreams.connectionTo(workers, layout, i),
                        Block.cut(from, to, colStart, colEnd, maxValues)));
            }
        }
        streams.run(plan, (conn, b) -> conn.send(Command.REQUEST_MATRIX_BLOCKS, 64,
                w -> w.putMatrixId(layout.matrixId()).putBounds(b.firstRow(), b.lastRow(), b.firstCol(), b.lastCol()),
                reply -> {
                    receive(reply, layout.matrixId(), b, rowStart, colStart, dst, conn);
                    return null;
                }));
    }

    private static void receive(MessageReader r, int matrixId, Block b, long rowStart, int colStart, double[][] dst,
            ClientConnection conn) {
        int id = r.readMatrixId();
        long r0 = r.readLong();
        long r1 = r.readLong();
        long c0 = r.readLong();
        long c1 = r.readLong();
        if (id != matrixId || r0 != b.firstRow() || r1 != b.lastRow() || c0 != b.firstCol() || c1 != b.lastCol()) {
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, conn.name() + " answered with block " + r0 + ".." + r1
                    + " x " + c0 + ".." + c1 + " of matrix " + id + " for " + b + " of matrix " + matrixId);
        }
        for (long row = r0; row <= r1; row++) {
            r.readDoubles(dst[(int) (row - rowStart)], b.firstCol() - colStart, b.width());
        }
    }
}
