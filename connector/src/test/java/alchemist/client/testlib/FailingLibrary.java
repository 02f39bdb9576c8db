package alchemist.client.testlib;

import alchemist.server.comm.ReduceOp;
import alchemist.task.ArgType;
import alchemist.task.Library;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import java.util.List;

/** A library for tests of task failure: {@code fail_on(rank)} throws on one rank while the others wait in a collective. */
public final class FailingLibrary implements Library {
    @Override
    public String name() {
        return "testlib";
    }

    @Override
    public List<Task> tasks() {
        return List.of(new FailOn());
    }

    /** Throws on the given rank before an allreduce that the other ranks enter. */
    static final class FailOn implements Task {
        @Override
        public String name() {
            return "fail_on";
        }

        @Override
        public Signature signature() {
            return Signature.builder().intArg("rank").output("sum", ArgType.DOUBLE).build();
        }

        @Override
        public void run(TaskContext ctx) {
            if (ctx.rank() == ctx.intArg("rank")) {
                throw new IllegalStateException("rank " + ctx.rank() + " fails on purpose");
            }
            double[] one = {1};
            ctx.comm().allreduce(one, ReduceOp.SUM);
            ctx.putScalar("sum", one[0]);
        }
    }
}
