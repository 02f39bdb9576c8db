package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-block rule of PROTOCOL.md ("Layout"): worker i of k, in ascending ID order, gets the next
 * ⌊rows/k⌋ rows, one more if i &lt; rows mod k; a range may be empty. Also the layout's wire form and the
 * checks of {@link MatrixLayout#read}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MatrixLayoutTest {

    @ParameterizedTest(name = "{0} rows on {1} workers")
    @CsvSource({"1, 1", "10, 3", "9, 3", "11, 3", "3, 5", "1, 8", "1000003, 8", "1099511627779, 7", "65535, 255"})
    void rowsFollowTheRowBlockRule(long rows, int k) {
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = i + 1;
        }
        MatrixLayout layout = MatrixLayout.rowBlocks(7, rows, 13, ids);
        assertEquals(k, layout.numWorkers());
        long next = 0;
        for (int i = 0; i < k; i++) {
            long expected = rows / k + (i < rows % k ? 1 : 0);
            assertEquals(next, layout.rowStart(i), "start of worker " + i);
            assertEquals(expected, layout.rowEnd(i) - layout.rowStart(i), "rows of worker " + i);
            next = layout.rowEnd(i);
        }
        assertEquals(rows, next);
    }

    @Test
    void fewerRowsThanWorkersLeavesTheLastRangesEmpty() {
        MatrixLayout layout = MatrixLayout.rowBlocks(1, 3, 2, new int[] {1, 2, 3, 4, 5});
        assertArrayEquals(new long[] {0, 1, 2, 3, 3}, starts(layout));
        assertArrayEquals(new long[] {1, 2, 3, 3, 3}, ends(layout));
        assertEquals(2, layout.workerIndexOfRow(2));
    }

    @Test
    void workersAreTakenInAscendingIdOrderWithoutTouchingTheCallersArray() {
        int[] ids = {9, 2, 5};
        MatrixLayout layout = MatrixLayout.rowBlocks(3, 10, 4, ids);
        assertArrayEquals(new int[] {9, 2, 5}, ids);
        assertEquals(2, layout.workerId(0));
        assertEquals(5, layout.workerId(1));
        assertEquals(9, layout.workerId(2));
        assertArrayEquals(new long[] {0, 4, 7}, starts(layout));
        assertEquals(0, layout.indexOfWorker(2));
        assertEquals(2, layout.indexOfWorker(9));
        assertEquals(-1, layout.indexOfWorker(3));
    }

    @Test
    void everyRowIsFoundOnTheWorkerWhoseRangeHoldsIt() {
        for (int rows = 1; rows <= 20; rows++) {
            for (int k = 1; k <= 6; k++) {
                int[] ids = new int[k];
                for (int i = 0; i < k; i++) {
                    ids[i] = 10 + i;
                }
                MatrixLayout layout = MatrixLayout.rowBlocks(1, rows, 1, ids);
                for (long row = 0; row < rows; row++) {
                    int i = layout.workerIndexOfRow(row);
                    assertTrue(layout.rowStart(i) <= row && row < layout.rowEnd(i), rows + " rows, " + k + " workers, row " + row);
                }
                MatrixLayout l = layout;
                int r = rows;
                assertThrows(IndexOutOfBoundsException.class, () -> l.workerIndexOfRow(r));
                assertThrows(IndexOutOfBoundsException.class, () -> l.workerIndexOfRow(-1));
            }
        }
    }

    @Test
    void writtenLayoutHasTheWireFormAndReadsBack() {
        MatrixLayout layout = MatrixLayout.rowBlocks(65535, 426, 502, new int[] {3, 1});
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageWriter w = MessageWriter.begin(buf, 1, 1, Command.MATRIX_INFO);
            layout.write(w);
            w.finish();
            byte[] body = new byte[buf.readableBytes() - Header.LENGTH];
            buf.getBytes(Header.LENGTH, body);
            byte[] expected = Wire.body().shorts(65535).longs(426, 502).bytes(0).shorts(1, 3).longs(0, 213, 213, 426).build();
            assertArrayEquals(expected, body);

            MatrixLayout back = MatrixLayout.read(new MessageReader(buf.skipBytes(Header.LENGTH)));
            assertEquals(65535, back.matrixId());
            assertEquals(426, back.numRows());
            assertEquals(502, back.numCols());
            assertEquals(layout.toString(), back.toString());
        } finally {
            buf.release();
        }
    }

    @Test
    void readRefusesRangesThatDoNotTileTheRows() {
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1, 2).longs(0, 5, 6, 10)); // gap
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1, 2).longs(0, 6, 5, 10)); // overlap
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1, 2).longs(0, 5, 5, 9));  // short of the rows
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1, 2).longs(0, 5, 5, 11)); // past the rows
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1).longs(1, 10));          // not from row 0
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(0).shorts(1).longs(10, 0));          // backwards
        assertRefused(Wire.body().shorts(1).longs(10, 2).bytes(1).shorts(1).longs(0, 10));          // unknown layout
    }

    private static void assertRefused(Wire.Body body) {
        AlchemistException e = assertThrows(AlchemistException.class,
                () -> MatrixLayout.read(new MessageReader(Unpooled.wrappedBuffer(body.build()))));
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.code());
    }

    private static long[] starts(MatrixLayout l) {
        long[] out = new long[l.numWorkers()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.rowStart(i);
        }
        return out;
    }

    private static long[] ends(MatrixLayout l) {
        long[] out = new long[l.numWorkers()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.rowEnd(i);
        }
        return out;
    }
}
