package alchemist.mpi;

import alchemist.client.backend.MpiJob;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * When MPI tests may be skipped: never under {@code CI=true} (a missing Open MPI must fail the build there),
 * elsewhere only when Open MPI is not installed ({@link MpiJob#mpirun()} for mpirun).
 */
final class MpiTestSupport {
    private MpiTestSupport() {
    }

    /** Skips (or, under CI, fails) unless libmpi.so.40 loads. */
    static void assumeLibmpi() {
        String problem = null;
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(Mpi.LIBRARY, arena);
        } catch (IllegalArgumentException e) {
            problem = Mpi.LIBRARY + " does not load: " + e.getMessage();
        }
        MpiJob.skipOrFail(problem);
    }
}
