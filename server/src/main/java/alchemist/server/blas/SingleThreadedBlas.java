package alchemist.server.blas;

/**
 * Holds OpenBLAS at one thread while any embedded server (or in-process task run) of this JVM needs it: its
 * workers are threads of this JVM, and each BLAS call must then run wholly in its caller's thread for the
 * workers' calls to run side by side. The first {@link #acquire()} saves OpenBLAS's thread count and sets 1;
 * the last {@link Lease#close()} puts the saved count back, so the rest of the JVM (say, Spark's MLlib in the
 * same driver) gets its threads again once no server runs.
 */
public final class SingleThreadedBlas {
    private static int holders;
    private static int saved;

    private SingleThreadedBlas() {
    }

    /** One holder's claim; closing it twice releases once. */
    public static final class Lease implements AutoCloseable {
        private boolean open = true;

        private Lease() {
        }

        @Override
        public void close() {
            synchronized (SingleThreadedBlas.class) {
                if (open) {
                    open = false;
                    release();
                }
            }
        }
    }

    /** @return a lease that keeps OpenBLAS at one thread until closed */
    public static synchronized Lease acquire() {
        if (holders++ == 0) {
            saved = OpenBlas.numThreads();
            OpenBlas.setNumThreads(1);
        }
        return new Lease();
    }

    private static void release() {
        if (--holders == 0) {
            OpenBlas.setNumThreads(saved);
        }
    }
}
