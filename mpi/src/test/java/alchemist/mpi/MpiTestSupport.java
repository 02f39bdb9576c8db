package alchemist.mpi;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * When MPI tests may be skipped: never under {@code CI=true} (a missing Open MPI must fail the build there),
 * elsewhere only when Open MPI is not installed.
 */
final class MpiTestSupport {
    private MpiTestSupport() {
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) unless libmpi.so.40 loads. */
    static void assumeLibmpi() {
        String problem = null;
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(Mpi.LIBRARY, arena);
        } catch (IllegalArgumentException e) {
            problem = Mpi.LIBRARY + " does not load: " + e.getMessage();
        }
        skipOrFail(problem);
    }

    /** @return mpirun's path; skips (or, under CI, fails) if there is none */
    static Path assumeMpirun() {
        Optional<Path> mpirun = findMpirun();
        skipOrFail(mpirun.isEmpty() ? "mpirun is not on the PATH (install openmpi-bin)" : null);
        return mpirun.orElseThrow();
    }

    static Optional<Path> findMpirun() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "mpirun");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static void skipOrFail(String problem) {
        if (problem == null) {
            return;
        }
        if (ci()) {
            throw new AssertionError("CI=true and MPI tests must not be skipped: " + problem);
        }
        Assumptions.abort(problem);
    }
}
