package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A matrix sent to the workers comes back bit for bit, whole or in parts. */
class RoundTripTest {

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 3})
    void randomMatrixRoundTripsExactly(int workers) {
        double[][] a = Matrices.random(1000, 300, 42 + workers);
        try (TestServer server = TestServers.start(workers);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(workers);
            als.workers().connect();
            MatrixHandle h = als.sendArray(a);
            assertEquals(1000, h.numRows());
            assertEquals(300, h.numCols());
            assertEquals(workers, h.layout().numWorkers());
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
        }
    }

    @Test
    void smallMessagesSplitRowsAndStillRoundTrip() {
        double[][] a = Matrices.random(257, 700, 7);
        try (TestServer server = TestServers.start(3);
                AlchemistSession als = new AlchemistSession()) {
            als.setTransfer(2048, 2); // 2 KiB messages: a 700-column row (5.6 KB) goes in pieces
            als.connect(server.host(), server.port());
            als.requestWorkers(3);
            MatrixHandle h = als.sendArray(a);
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
            Matrices.assertBlockEquals(a, 100, 650, als.getArray(h, 100, 180, 650, 700));
        }
    }

    @Test
    void rowMajorArrayRoundTrips() {
        int rows = 31;
        int cols = 17;
        double[][] a = Matrices.random(rows, cols, 3);
        double[] flat = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a[i], 0, flat, i * cols, cols);
        }
        try (TestServer server = TestServers.start(2);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(2);
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(als.sendArray(flat, rows, cols)));
        }
    }

    @Test
    void partialRowAndColumnFetches() {
        double[][] a = Matrices.random(1000, 300, 11);
        try (TestServer server = TestServers.start(3);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(3);
            MatrixHandle h = als.sendArray(a);
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h, 0, 1, 0, 300));       // first row
            Matrices.assertBlockEquals(a, 999, 299, als.getArray(h, 999, 1000, 299, 300)); // last element
            Matrices.assertBlockEquals(a, 300, 0, als.getArray(h, 300, 700, 0, 300)); // spans all three workers
            Matrices.assertBlockEquals(a, 0, 120, als.getArray(h, 0, 1000, 120, 121)); // one column
            Matrices.assertBlockEquals(a, 333, 50, als.getArray(h, 333, 334, 50, 250)); // row at a worker boundary
            assertEquals(0, als.getArray(h, 5, 5, 0, 300).length);
            assertThrows(IllegalArgumentException.class, () -> als.getArray(h, 0, 1001, 0, 300));
            assertThrows(IllegalArgumentException.class, () -> als.getArray(h, 0, 10, 250, 301));
        }
    }
}
