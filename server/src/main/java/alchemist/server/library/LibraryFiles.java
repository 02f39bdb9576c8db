package alchemist.server.library;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds a library jar for LOAD_LIBRARY, only inside the server's library directory: a path outside it,
 * a {@code ..} escape or a symbolic link out of it is refused (ERROR 14).
 */
public final class LibraryFiles {
    private LibraryFiles() {
    }

    /**
     * @param dir  the library directory, or null if the server has none
     * @param name the library's name, used when {@code path} is empty: {@code name.jar}, {@code name-*.jar} or
     *             {@code alchemist-name-*.jar} in {@code dir}
     * @param path a jar path, absolute or relative to {@code dir}; may be empty
     * @return the jar's real path
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} outside the directory,
     *                            {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK} when there is no such jar
     */
    public static Path resolve(Path dir, String name, String path) {
        if (dir == null) {
            throw new AlchemistException(ErrorCode.NOT_PERMITTED,
                    "this server loads no libraries; start it with --library-dir");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path jar;
        if (path == null || path.isEmpty()) {
            jar = findByName(base, name);
        } else {
            try {
                jar = base.resolve(path).normalize();
            } catch (InvalidPathException e) {
                throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "not a path: " + path);
            }
            if (!jar.startsWith(base)) {
                throw outside(path, base);
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "no library file " + jar);
        }
        try {
            Path real = jar.toRealPath();
            if (!real.startsWith(base.toRealPath())) {
                throw outside(path, base);
            }
            return real;
        } catch (IOException e) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "cannot read " + jar + ": " + e);
        }
    }

    private static Path findByName(Path base, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        try (Stream<Path> files = Files.list(base)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            for (Path p : jars) {
                String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (f.equals(n + ".jar") || f.startsWith(n + "-") || f.startsWith("alchemist-" + n + "-")) {
                    return p;
                }
            }
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "no library named " + name + " in " + base
                    + " (jars there: " + jars.stream().map(p -> p.getFileName().toString()).toList() + ")");
        } catch (IOException e) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "cannot list " + base + ": " + e);
        }
    }

    private static AlchemistException outside(String path, Path base) {
        return new AlchemistException(ErrorCode.NOT_PERMITTED, "libraries load only from " + base + "; refused " + path);
    }
}
