package alchemist.task;

import java.util.List;

/**
 * A library of tasks that an Alchemist server loads at run time. A library is a jar with a
 * {@code META-INF/services/alchemist.task.Library} entry naming its implementation (a public class with
 * a public no-argument constructor); the server loads it in its own class loader on the driver and on
 * every worker of the session that asks for it.
 */
public interface Library {
    /** @return the library's name, e.g. "allib" */
    String name();

    /** @return its tasks */
    List<Task> tasks();
}
