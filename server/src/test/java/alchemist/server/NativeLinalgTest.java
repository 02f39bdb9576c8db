package alchemist.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** With Debian's OpenBLAS installed (always in CI), tasks must run on the native BLAS and LAPACK. */
class NativeLinalgTest {
    @Test
    void nativeImplementationsAreUsedWhenOpenBlasIsInstalled() {
        boolean installed = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread"));
        assumeTrue(installed || "true".equals(System.getenv("CI")), "OpenBLAS is not installed here");
        assertTrue(NativeLinalg.isNative(), "expected JNIBLAS and JNILAPACK, got " + NativeLinalg.describe()
                + "; is net.sourceforge.f2j:arpack_combined_all on the class path and libopenblas0-pthread installed?");
    }
}
