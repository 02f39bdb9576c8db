package alchemist.server.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The binding of OpenBLAS's thread control, on this machine's libopenblas0-pthread. */
class OpenBlasTest {

    @Test
    void setThenGetGivesWhatWasSet() {
        assertTrue(OpenBlas.available(), "libopenblas.so.0 with openblas_set_num_threads is installed here");
        int before = OpenBlas.numThreads();
        try {
            OpenBlas.setNumThreads(3);
            assertEquals(3, OpenBlas.numThreads());
            OpenBlas.setNumThreads(1);
            assertEquals(1, OpenBlas.numThreads());
        } finally {
            OpenBlas.setNumThreads(before);
        }
        assertEquals(before, OpenBlas.numThreads());
    }

    @Test
    void fewerThanOneThreadIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenBlas.setNumThreads(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
