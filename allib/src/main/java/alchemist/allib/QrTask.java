package alchemist.allib;

import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code qr(A) -> (Q, R)}: the thin QR factorization A = QR of a tall-skinny m × n matrix (m ≥ n), by
 * TSQR (see {@link Tsqr}). Q is m × n with orthonormal columns, in A's row blocks; R is n × n upper
 * triangular with a non-negative diagonal (unique when A has full column rank).
 *
 * <p>Cost with k workers: about 4(m/k)n² flops per worker plus O(kn³) on the first, one gather of at most
 * min(m, kn)·n values, a broadcast of n² and at most kn² values sent point to point. Each worker may hold
 * any number of rows, fewer than n or none. Meant for n up to a few thousand: the first worker factors a
 * stack of up to kn × n values.
 *
 * @throws IllegalArgumentException (ERROR 11) if m &lt; n, or the stack of R factors (up to kn × n values)
 *                                  does not fit one array
 */
final class QrTask implements Task {
    @Override
    public String name() {
        return "qr";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").outputMatrix("Q").outputMatrix("R").build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        int n = a.numCols();
        requireTall("qr", a);
        RowBlock q = ctx.createMatrix("Q", a.numRows(), n);
        requireSameRows(a, q);
        int rows = a.localRows();
        int ld = Math.max(1, rows);
        Tsqr.Factor f = Tsqr.factorRows(ctx.comm(), ctx.parallel(), a.values(), rows, n, true);
        Dense.colToRow(f.q(), ld, rows, n, q.values());
        ctx.putWholeMatrix("R", Dense.colToRow(f.r(), n, n, n), n, n);
    }

    /** @throws IllegalArgumentException if A has fewer rows than columns */
    static void requireTall(String task, RowBlock a) {
        if (a.numRows() < a.numCols()) {
            throw new IllegalArgumentException(task + " needs m >= n; A is " + a.numRows() + " x " + a.numCols());
        }
    }

    /** @throws IllegalStateException if two matrices with the same number of rows are laid out differently */
    static void requireSameRows(RowBlock a, RowBlock b) {
        if (a.firstRow() != b.firstRow() || a.localRows() != b.localRows()) {
            throw new IllegalStateException("row blocks differ: rows " + a.firstRow() + "+" + a.localRows() + " and "
                    + b.firstRow() + "+" + b.localRows());
        }
    }
}
