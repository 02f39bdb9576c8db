package alchemist.allib;

import alchemist.server.comm.ReduceOp;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code gram(A) -> G}: the n × n Gramian AᵀA of an m × n matrix. Each worker computes its rows' Gramian
 * (m/k · n² flops) in tiles of DSYRK and DGEMM on its threads ({@link ParallelBlas#gramian}), then one
 * allreduce of n² values; G is laid out in rows like every output.
 */
final class GramTask implements Task {
    @Override
    public String name() {
        return "gram";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").outputMatrix("G").build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        int n = a.numCols();
        double[] g = ParallelBlas.gramian(ctx.parallel(), a.values(), a.localRows(), n);
        ctx.comm().allreduce(g, ReduceOp.SUM);
        ctx.putWholeMatrix("G", g, n, n);
    }
}
