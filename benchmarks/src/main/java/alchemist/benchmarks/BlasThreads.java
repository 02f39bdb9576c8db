package alchemist.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * OpenBLAS's thread count for this whole process ({@code openblas_set_num_threads}, the setting
 * {@code OPENBLAS_NUM_THREADS} gives at start-up), changed between phases of a benchmark: the single-process
 * LAPACK reference with every core, W embedded workers with cores / W threads each. The setting is global:
 * every thread that calls BLAS gets that many. Where the library is not OpenBLAS (or not found), nothing
 * changes and {@link #set} says so.
 */
final class BlasThreads {
    private static final MethodHandle GET;
    private static final MethodHandle SET;

    static {
        MethodHandle get = null;
        MethodHandle set = null;
        try {
            SymbolLookup openblas = SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global());
            Linker linker = Linker.nativeLinker();
            get = linker.downcallHandle(openblas.find("openblas_get_num_threads").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            set = linker.downcallHandle(openblas.find("openblas_set_num_threads").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        } catch (RuntimeException e) { // IllegalArgumentException: no such library; NoSuchElementException
            get = null;
            set = null;
        }
        GET = get;
        SET = set;
    }

    private BlasThreads() {
    }

    /** @return OpenBLAS's thread count now, or -1 where it cannot be read */
    static int get() {
        try {
            return GET == null ? -1 : (int) GET.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_get_num_threads failed", e);
        }
    }

    /**
     * Sets OpenBLAS's thread count for the process.
     *
     * @return the count in force afterwards (-1 where it cannot be read or set)
     */
    static int set(int threads) {
        if (SET == null) {
            return get();
        }
        try {
            SET.invokeExact(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_set_num_threads failed", e);
        }
        return get();
    }

    /** @return max(1, cores / workers): the BLAS threads each of {@code workers} workers sharing this machine gets */
    static int perWorker(int workers) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }
}
