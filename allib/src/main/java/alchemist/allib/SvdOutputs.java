package alchemist.allib;

import alchemist.task.RowBlock;
import alchemist.task.TaskContext;

/** Writes the U, S and V outputs that allib's SVD tasks share: U (m × k) in A's rows, S (k × 1), V (n × k). */
final class SvdOutputs {
    private SvdOutputs() {
    }

    /**
     * @param a     the input, whose rows U takes
     * @param u     this rank's rows of U, column-major (rows × k, leading dimension max(1, rows))
     * @param sigma k values, the same on every rank
     * @param v     column-major n × k, the same on every rank
     */
    static void put(TaskContext ctx, RowBlock a, double[] u, double[] sigma, double[] v) {
        int k = sigma.length;
        int n = a.numCols();
        int rows = a.localRows();
        RowBlock out = ctx.createMatrix("U", a.numRows(), k);
        QrTask.requireSameRows(a, out);
        Dense.colToRow(u, Math.max(1, rows), rows, k, out.values());
        ctx.putWholeMatrix("S", sigma, k, 1);
        ctx.putWholeMatrix("V", Dense.colToRow(v, n, n, k), n, k);
    }
}
