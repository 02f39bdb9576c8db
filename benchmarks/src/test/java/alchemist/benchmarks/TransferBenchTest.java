package alchemist.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.examples.Printed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps the transfer benchmark working: a --quick run end to end, and its generator. No timing assertions. */
class TransferBenchTest {

    @Test
    @Timeout(120)
    void quickRunCompletesAndPrintsTheTable() throws Exception {
        String out = Printed.by(() -> TransferBench.main(new String[] {"--quick", "--rows", "3001", "--cols", "257",
                "--message-mib", "1", "--fetch-rows", "700"}));
        assertTrue(out.contains("Results after warm-up: 6,170,056 bytes per phase"), out);
        for (String phase : new String[] {"raw loopback, 2 streams", "raw loopback, 1 stream", "send",
                "fetch, 1 thread per worker", "fetch, 1 thread in row order"}) {
            assertTrue(out.contains("\n" + phase + " "), "no result row for " + phase);
        }
    }

    @Test
    void unknownFlagsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TransferBench.main(new String[] {"--rowz", "5"}));
    }

    /** Rows read and rows checked agree, also across the end of the pool, and a changed value is caught. */
    @Test
    void cyclicSourceRowsAreConsistentAndDistinct() {
        TransferBench.CyclicSource s = new TransferBench.CyclicSource(2_000_000, 1000);
        long first = rowBeforeWrap(s, 1000);
        double[] rows = new double[3 * 1000];
        s.readRows(first, 3, rows);
        double[][] fetched = new double[3][1000];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(rows, i * 1000, fetched[i], 0, 1000);
        }
        s.check(fetched, first, true);
        assertNotEquals(fetched[0][0], fetched[1][0]);
        double[] again = new double[1000];
        s.readRows(first + 1, 1, again);
        assertArrayEquals(fetched[1], again, 0.0);
        fetched[2][999] += 1;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.check(fetched, first, true));
        assertTrue(e.getMessage().contains("row " + (first + 2) + " ") && e.getMessage().contains("column 999"),
                e.getMessage());
        assertEquals(2_000_000, s.numRows());
    }

    /** @return a row whose next row runs over the end of the pool */
    private static long rowBeforeWrap(TransferBench.CyclicSource s, int cols) {
        long length = s.poolLength();
        for (long row = 0; ; row++) {
            long start = (row + 1) * cols % length;
            if (start + cols > length) {
                return row;
            }
        }
    }
}
