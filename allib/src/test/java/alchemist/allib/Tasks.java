package alchemist.allib;

import alchemist.server.worker.InProcessTaskRunner;
import alchemist.task.Task;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs a task for the task tests: on {@link InProcessTaskRunner}'s simulated workers, or, when the system
 * property {@code alchemist.test.taskRunner} names a class, with that class's static
 * {@code run(Task, int, Object...)}, which takes and gives what {@link InProcessTaskRunner#run} does. The mpi
 * module names one that runs allib on an MPI server through the protocol (it needs the client, which allib
 * cannot depend on; hence a name, not a type).
 */
final class Tasks {
    private static final MethodHandle RUNNER = runner(System.getProperty("alchemist.test.taskRunner"));

    private Tasks() {
    }

    /** @see InProcessTaskRunner#run */
    static InProcessTaskRunner.Result run(Task task, int workers, Object... args) {
        if (RUNNER == null) {
            return InProcessTaskRunner.run(task, workers, args);
        }
        try {
            return (InProcessTaskRunner.Result) RUNNER.invokeExact(task, workers, args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle runner(String className) {
        if (className == null) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName(className), "run",
                    MethodType.methodType(InProcessTaskRunner.Result.class, Task.class, int.class, Object[].class))
                    .asFixedArity();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("alchemist.test.taskRunner names no class with a static run(Task, int, Object...): "
                    + className, e);
        }
    }
}
