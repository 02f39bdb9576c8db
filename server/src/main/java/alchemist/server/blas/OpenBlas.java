package alchemist.server.blas;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenBLAS's thread count ({@code openblas_set_num_threads}, {@code openblas_get_num_threads} of
 * {@code libopenblas.so.0}) through the Foreign Function &amp; Memory API. The count is one setting for the
 * whole process, and OpenBLAS's pool serves one caller at a time: with a count above 1, JVM threads that call
 * BLAS at once take turns instead of running side by side.
 *
 * <p>Without OpenBLAS (dev.ludovic.netlib's Java fallback, or another BLAS), or on a JDK before 22, this logs
 * once and does nothing: {@link #available()} is false, {@link #numThreads()} 1 and {@link #setNumThreads} a
 * no-op.
 *
 * <p>The server module targets Java 17 (the Spark driver may run an embedded server), whose compiler does not
 * know {@code java.lang.foreign}: the two downcall handles are therefore made through reflection on that API
 * (the calls themselves are plain {@link MethodHandle#invokeExact}). The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED}, as for the mpi module's {@code libmpi} binding.
 */
public final class OpenBlas {
    /** The shared object; {@code -Dalchemist.openblas.library=...} names another (say, a full path). */
    public static final String LIBRARY = System.getProperty("alchemist.openblas.library", "libopenblas.so.0");

    private static final Logger LOG = LoggerFactory.getLogger(OpenBlas.class);
    private static final Functions FUNCTIONS = bind().orElse(null);

    /** The two downcalls, bound together or not at all. */
    private record Functions(MethodHandle set, MethodHandle get) {
    }

    private OpenBlas() {
    }

    /** @return whether OpenBLAS's thread control was found */
    public static boolean available() {
        return FUNCTIONS != null;
    }

    /** @return OpenBLAS's thread count now, or 1 without OpenBLAS */
    public static int numThreads() {
        if (FUNCTIONS == null) {
            return 1;
        }
        try {
            return (int) FUNCTIONS.get().invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_num_threads failed", t);
        }
    }

    /**
     * Sets OpenBLAS's thread count for the whole process (no-op without OpenBLAS).
     *
     * @param threads ≥ 1
     */
    public static void setNumThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("OpenBLAS needs at least 1 thread, not " + threads);
        }
        if (FUNCTIONS == null) {
            return;
        }
        try {
            FUNCTIONS.set().invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads(" + threads + ") failed", t);
        }
    }

    private static Optional<Functions> bind() {
        // dev.ludovic.netlib loads libblas.so.3 (on Debian an OpenBLAS build linked to libopenblas.so.0) when
        // first used: loading it first makes the lookup below find that same, already loaded, library.
        dev.ludovic.netlib.blas.BLAS.getInstance();
        try {
            Optional<MethodHandle> set = Ffm.downcall(LIBRARY, "openblas_set_num_threads", false, true);
            Optional<MethodHandle> get = Ffm.downcall(LIBRARY, "openblas_get_num_threads", true, false);
            if (set.isEmpty() || get.isEmpty()) {
                LOG.warn("{} has no openblas_set_num_threads/openblas_get_num_threads: BLAS threads left as they are",
                        LIBRARY);
                return Optional.empty();
            }
            return Optional.of(new Functions(set.get(), get.get()));
        } catch (ClassNotFoundException e) {
            LOG.warn("no Foreign Function & Memory API on Java {} (22+ has it): BLAS threads left as they are",
                    Runtime.version().feature());
        } catch (InvocationTargetException e) {
            LOG.warn("cannot load {} ({}): BLAS threads left as they are (install libopenblas0-pthread)", LIBRARY,
                    e.getCause().toString());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot bind OpenBLAS's thread control ({}): BLAS threads left as they are", e.toString());
        }
        return Optional.empty();
    }

    /** The few calls of {@code java.lang.foreign} needed to bind a C function of ints, made reflectively. */
    private static final class Ffm {
        private Ffm() {
        }

        /**
         * @param returnsInt whether the C function returns an int (else void)
         * @param takesInt   whether it takes one int (else nothing)
         * @return its downcall handle, or empty if the library lacks the symbol
         * @throws InvocationTargetException if the library cannot be loaded
         */
        static Optional<MethodHandle> downcall(String library, String symbol, boolean returnsInt, boolean takesInt)
                throws ReflectiveOperationException {
            Class<?> arena = Class.forName("java.lang.foreign.Arena");
            Class<?> lookup = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> linker = Class.forName("java.lang.foreign.Linker");
            Class<?> descriptor = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> layout = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> option = Class.forName("java.lang.foreign.Linker$Option");
            Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);

            Object lib = lookup.getMethod("libraryLookup", String.class, arena)
                    .invoke(null, library, arena.getMethod("global").invoke(null));
            Optional<?> address = (Optional<?>) lookup.getMethod("find", String.class).invoke(lib, symbol);
            if (address.isEmpty()) {
                return Optional.empty();
            }
            Object args = Array.newInstance(layout, takesInt ? 1 : 0);
            if (takesInt) {
                Array.set(args, 0, javaInt);
            }
            Object fd = returnsInt
                    ? descriptor.getMethod("of", layout, layout.arrayType()).invoke(null, javaInt, args)
                    : descriptor.getMethod("ofVoid", layout.arrayType()).invoke(null, args);
            Method downcallHandle = linker.getMethod("downcallHandle", segment, descriptor, option.arrayType());
            Object nativeLinker = linker.getMethod("nativeLinker").invoke(null);
            return Optional.of((MethodHandle) downcallHandle.invoke(nativeLinker, address.get(), fd,
                    Array.newInstance(option, 0)));
        }
    }
}
