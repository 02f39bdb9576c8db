package alchemist.task;

import java.util.List;

/** {@link Parallel#serial()}: one thread, the caller's. */
enum SerialParallel implements Parallel {
    INSTANCE;

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void run(List<? extends Runnable> pieces) {
        pieces.forEach(Runnable::run);
    }
}
