package alchemist.server.library;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.task.Library;
import alchemist.task.Task;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.StringJoiner;

/**
 * A library jar loaded in a class loader of its own ({@link LibraryClassLoader}: the jar's classes first,
 * the task SPI and BLAS from the server). The driver and every worker of the session each load their own
 * copy.
 */
public final class LoadedLibrary implements AutoCloseable {
    private final int id;
    private final String clientName;
    private final Path jar;
    private final URLClassLoader loader;
    private final Library library;
    private final Map<String, Task> tasks = new LinkedHashMap<>();

    private LoadedLibrary(int id, String clientName, Path jar, URLClassLoader loader, Library library) {
        this.id = id;
        this.clientName = clientName;
        this.jar = jar;
        this.loader = loader;
        this.library = library;
        for (Task t : library.tasks()) {
            tasks.put(t.name(), t);
            for (String alias : t.aliases()) {
                tasks.putIfAbsent(alias, t);
            }
        }
    }

    /**
     * Loads a library jar.
     *
     * @param clientName the name the client loaded it under (it may differ from the library's own)
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK} if the jar holds no library
     */
    public static LoadedLibrary load(int id, String clientName, Path jar) {
        URLClassLoader loader;
        try {
            loader = new LibraryClassLoader("alchemist-library-" + clientName, jar.toUri().toURL(),
                    LoadedLibrary.class.getClassLoader());
        } catch (IOException e) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "cannot open library " + jar + ": " + e);
        }
        try {
            Iterator<Library> found = ServiceLoader.load(Library.class, loader).iterator();
            while (found.hasNext()) {
                Library lib = found.next();
                if (lib.getClass().getClassLoader() == loader) { // one of this jar's, not the server's own
                    return new LoadedLibrary(id, clientName, jar, loader, lib);
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            close(loader);
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "cannot load the library in " + jar + ": " + e);
        }
        close(loader);
        throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, jar + " is not an Alchemist library: it has no "
                + "META-INF/services/" + Library.class.getName() + " entry");
    }

    public int id() {
        return id;
    }

    /** @return the jar it came from */
    public Path jar() {
        return jar;
    }

    /** @return the name the client loaded it under */
    public String clientName() {
        return clientName;
    }

    /** @return the library's own name */
    public String name() {
        return library.name();
    }

    /** @return true if {@code name} names this library (its own name or the client's, ignoring case) */
    public boolean answersTo(String name) {
        return name.equalsIgnoreCase(clientName) || name.equalsIgnoreCase(library.name());
    }

    /** @return the task with that name or alias, or null */
    public Task task(String name) {
        return tasks.get(name);
    }

    /** @return every task's signature, comma-separated (LIST_LIBRARIES) */
    public String describeTasks() {
        StringJoiner all = new StringJoiner(", ");
        library.tasks().forEach(t -> all.add(t.signature().describe(t.name())));
        return all.toString();
    }

    @Override
    public void close() {
        close(loader);
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // a jar we only read; nothing to recover
        }
    }
}
