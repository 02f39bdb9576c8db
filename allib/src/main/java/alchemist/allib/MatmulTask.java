package alchemist.allib;

import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code matmul(A, B) -> C}: the product C = AB of an m × n matrix A and an n × p matrix B, for B small
 * enough to hold whole on every worker. B, in row blocks like every matrix, is assembled on every worker
 * (gathered on the first, then broadcast); each worker then multiplies its rows of A by it (DGEMMs on
 * blocks of rows, on the worker's threads), so C is m × p in A's row blocks.
 *
 * <p>Cost with k workers: 2(m/k)np flops per worker; communication n·p values to the first worker and n·p
 * from it to each other worker. Memory: n·p values of B on every worker (twice that on the first while it
 * assembles B), so n·p must fit one Java array (2³¹ − 9 values) and the workers' memory; a large B calls
 * for a distributed algorithm (e.g. SUMMA) instead.
 *
 * @throws IllegalArgumentException (ERROR 11) if A's columns differ from B's rows, or B does not fit one array
 */
final class MatmulTask implements Task {
    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").matrix("B").outputMatrix("C").build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        RowBlock b = ctx.matrix("B");
        int n = a.numCols();
        int p = b.numCols();
        if (b.numRows() != n) {
            throw new IllegalArgumentException("matmul: A is " + a.numRows() + " x " + n + " and B is " + b.numRows()
                    + " x " + p + "; A's columns must equal B's rows");
        }
        double[] whole = Collectives.allgatherRows(ctx.comm(), b);
        RowBlock c = ctx.createMatrix("C", a.numRows(), p);
        QrTask.requireSameRows(a, c);
        ParallelBlas.timesRowMajor(ctx.parallel(), a.values(), a.localRows(), n, whole, p, 0, c.values());
    }
}
