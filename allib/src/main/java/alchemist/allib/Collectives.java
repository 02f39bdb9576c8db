package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.task.RowBlock;

/**
 * Collectives that allib's tasks build from the communicator's own: an all-gather of variable-length
 * arrays, and the assembly of a whole row-block matrix on every rank. Both go through rank 0 (gather, then
 * broadcast), so rank 0 briefly holds the pieces and the whole at once.
 */
final class Collectives {
    private Collectives() {
    }

    /**
     * Every rank's {@code local} concatenated in rank order, on every rank ({@code MPI_Allgatherv}).
     * Collective. Communication: the pieces to rank 0, then the whole (T values) to each other rank.
     *
     * @return the concatenation, length the sum of the local lengths
     */
    static double[] allgatherv(Communicator comm, double[] local) {
        double[][] parts = comm.gather(local, 0);
        double[] length = new double[1];
        double[] all = null;
        if (comm.rank() == 0) {
            long total = 0;
            for (double[] p : parts) {
                total += p.length;
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("all-gather of " + total + " values does not fit one array");
            }
            all = new double[(int) total];
            int at = 0;
            for (double[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            length[0] = total;
        }
        comm.bcast(length, 0, 1, 0);
        if (all == null) {
            all = new double[(int) length[0]];
        }
        if (all.length > 0) {
            comm.bcast(all, 0, all.length, 0);
        }
        return all;
    }

    /**
     * Assembles a row-block matrix whole on every rank: each rank sends its rows with their first row
     * index to rank 0, which places them and broadcasts the whole. Collective. Memory: rows × cols values
     * on every rank (twice that on rank 0 while assembling).
     *
     * @return the matrix, row-major rows × cols
     * @throws IllegalArgumentException if rows × cols values do not fit one Java array
     */
    static double[] allgatherRows(Communicator comm, RowBlock block) {
        long rows = block.numRows();
        int cols = block.numCols();
        if (rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix does not fit on one worker");
        }
        int localValues = block.localRows() * cols;
        double[] mine = new double[1 + localValues];
        mine[0] = block.firstRow();
        System.arraycopy(block.values(), 0, mine, 1, localValues);
        double[][] parts = comm.gather(mine, 0);
        double[] whole = new double[(int) (rows * cols)];
        if (comm.rank() == 0) {
            long placed = 0;
            for (double[] p : parts) {
                int values = p.length - 1;
                System.arraycopy(p, 1, whole, (int) p[0] * cols, values);
                placed += values;
            }
            if (placed != whole.length) {
                throw new IllegalStateException("row blocks hold " + placed + " values of a " + rows + " x " + cols + " matrix");
            }
        }
        if (whole.length > 0) {
            comm.bcast(whole, 0, whole.length, 0);
        }
        return whole;
    }
}
