package alchemist.benchmarks;

import alchemist.client.RowSource;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.stream.IntStream;
import org.netlib.util.intW;

/**
 * A dense matrix held whole in this process, row-major in blocks of consecutive rows (each under 2³¹ values,
 * so that m × n may pass it), and the single-process LAPACK reference SVD on it: the Gramian algorithm with
 * the process's BLAS threads (DSYRK over every block, DSYEVR for the top k, U = A·V·Σ⁻¹ by DGEMM per block).
 * SvdBench and ScaleBench time allib's {@code truncated_svd} against it.
 */
final class HeldMatrix {
    private static final BLAS BLAS_ = BLAS.getInstance();
    private static final LAPACK LAPACK_ = LAPACK.getInstance();
    /** Values per block: 1 GiB of doubles, large enough that a BLAS call per block costs nothing extra. */
    private static final long BLOCK_VALUES = 1L << 27;

    private final long rows;
    private final int cols;
    private final int blockRows;
    private final double[][] blocks;

    private HeldMatrix(long rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blockRows = (int) Math.max(1, Math.min(rows, BLOCK_VALUES / cols));
        this.blocks = new double[Math.toIntExact((rows + blockRows - 1) / blockRows)][];
    }

    /** @return the rows of {@code source}, read block by block on the common pool's threads */
    static HeldMatrix read(RowSource source) {
        HeldMatrix a = new HeldMatrix(source.numRows(), source.numCols());
        IntStream.range(0, a.blocks.length).parallel().forEach(b -> {
            int count = a.rowsOf(b);
            a.blocks[b] = new double[count * a.cols];
            source.readRows((long) b * a.blockRows, count, a.blocks[b]);
        });
        return a;
    }

    /** @return the bytes of a dense m × n matrix of doubles */
    static long bytes(long rows, long cols) {
        return rows * cols * Double.BYTES;
    }

    private int rowsOf(int block) {
        return (int) Math.min(blockRows, rows - (long) block * blockRows);
    }

    /**
     * The Gramian SVD with LAPACK in this process: DSYRK on the whole matrix, DSYEVR for the top k, (A·V)ᵀ by DGEMM
     * (U unscaled: the scaling by Σ⁻¹ costs m·k, nothing beside the rest).
     *
     * @return the top k singular values, descending
     */
    double[] gramianSvd(int k) {
        double[] g = new double[cols * cols];
        for (int b = 0; b < blocks.length; b++) {
            BLAS_.dsyrk("U", "N", cols, rowsOf(b), 1.0, blocks[b], cols, b == 0 ? 0.0 : 1.0, g, cols);
        }
        double[] w = new double[cols];
        double[] z = new double[cols * k];
        int[] isuppz = new int[2 * cols];
        intW found = new intW(0);
        intW info = new intW(0);
        double[] work = new double[1];
        int[] iwork = new int[1];
        LAPACK_.dsyevr("V", "I", "U", cols, g, cols, 0, 0, cols - k + 1, cols, 0, found, w, z, cols, isuppz, work, -1,
                iwork, -1, info);
        work = new double[(int) work[0]];
        iwork = new int[iwork[0]];
        LAPACK_.dsyevr("V", "I", "U", cols, g, cols, 0, 0, cols - k + 1, cols, 0, found, w, z, cols, isuppz, work,
                work.length, iwork, iwork.length, info);
        if (info.val != 0) {
            throw new IllegalStateException("dsyevr info " + info.val);
        }
        for (int b = 0; b < blocks.length; b++) {
            double[] u = new double[rowsOf(b) * k];
            BLAS_.dgemm("T", "N", k, rowsOf(b), cols, 1.0, z, cols, blocks[b], cols, 0.0, u, k); // (A·V)ᵀ of the block
        }
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) {
            sigma[i] = Math.sqrt(Math.max(0, w[k - 1 - i])); // ascending from DSYEVR
        }
        return sigma;
    }
}
