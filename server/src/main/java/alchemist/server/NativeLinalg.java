package alchemist.server;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/**
 * Which BLAS and LAPACK the server's tasks run on. dev.ludovic.netlib picks native OpenBLAS (JNIBLAS,
 * JNILAPACK) when the system has it (Debian's libopenblas0-pthread) and silently falls back to Java
 * implementations, about 20 times slower here, when it does not; the server logs which it got.
 */
public final class NativeLinalg {
    private NativeLinalg() {
    }

    /** @return e.g. "BLAS dev.ludovic.netlib.blas.JNIBLAS, LAPACK dev.ludovic.netlib.lapack.JNILAPACK" */
    public static String describe() {
        return "BLAS " + BLAS.getInstance().getClass().getName() + ", LAPACK " + LAPACK.getInstance().getClass().getName();
    }

    /** @return true if both are the native (JNI) implementations */
    public static boolean isNative() {
        return BLAS.getInstance().getClass().getSimpleName().startsWith("JNI")
                && LAPACK.getInstance().getClass().getSimpleName().startsWith("JNI");
    }
}
