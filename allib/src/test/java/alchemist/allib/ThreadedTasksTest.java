package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.server.worker.InProcessTaskRunner;
import alchemist.task.Task;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tasks that cut their products into pieces give the same outputs, bit for bit, whatever threads their
 * workers have (sizes chosen so that each kernel makes several pieces).
 */
class ThreadedTasksTest {

    @Test
    void gram() {
        sameOnAnyThreads(new GramTask(), (Object) matrix(400, 300, 1));
    }

    @Test
    void matmul() {
        sameOnAnyThreads(new MatmulTask(), matrix(8000, 150, 2), matrix(150, 40, 3));
    }

    @Test
    void pca() {
        sameOnAnyThreads(new PcaTask(), matrix(3000, 300, 4), 5);
    }

    @Test
    void kmeans() {
        sameOnAnyThreads(new KMeansTask(), matrix(10000, 100, 5), 50, 5);
    }

    @Test
    void leastSquares() {
        sameOnAnyThreads(new LeastSquaresTask(), matrix(8000, 150, 6), matrix(8000, 30, 7));
    }

    @Test
    void qrWithChunks() {
        sameOnAnyThreads(new QrTask(), (Object) matrix(20000, 40, 10)); // 10,000 rows per worker: 2 TSQR chunks
    }

    @Test
    void truncatedSvdEveryMethod() {
        double[][] a = matrix(20000, 100, 8); // 10,000 rows per worker: 2 TSQR chunks
        for (byte method = 1; method <= 4; method++) {
            sameOnAnyThreads(TruncatedSvdTask.withMethodOutput(), a, 20, method);
        }
    }

    @Test
    void randomizedSvd() {
        sameOnAnyThreads(new RandomizedSvdTask(), matrix(20000, 100, 9), 20);
    }

    private static void sameOnAnyThreads(Task task, Object... args) {
        InProcessTaskRunner.Result one = InProcessTaskRunner.runThreaded(task, 2, 1, args);
        for (int threads : new int[] {2, 3}) {
            InProcessTaskRunner.Result many = InProcessTaskRunner.runThreaded(task, 2, threads, args);
            for (String name : one.matrices().keySet()) {
                double[][] want = one.matrix(name);
                double[][] got = many.matrix(name);
                for (int i = 0; i < want.length; i++) {
                    assertArrayEquals(want[i], got[i], task.name() + " " + name + " row " + i + " on " + threads
                            + " threads");
                }
            }
            assertEquals(one.scalars(), many.scalars(), task.name() + " scalars on " + threads + " threads");
        }
    }

    private static double[][] matrix(int m, int n, long seed) {
        return TestMatrices.gaussian(m, n, new Random(seed));
    }
}
