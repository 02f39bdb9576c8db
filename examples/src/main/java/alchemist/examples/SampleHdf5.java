package alchemist.examples;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/**
 * Writes a reproducible sample HDF5 file to feed the examples when no real data set (the seed's
 * hyperspectral {@code Reflectance} cube) is at hand.
 *
 * <p>The file holds two datasets:
 * <ul>
 *   <li>{@code matrix}: a {@code rows x cols} 2-D double dataset {@code A = U diag(w) V^T + E}, where {@code U}
 *       ({@code rows x r}) and {@code V} ({@code cols x r}) have orthonormal columns, {@code r = min(30, rows,
 *       cols)}, the weights decay as {@code w_k = 1000 * 0.85^k} (1000, 850, 722.5, ...) and {@code E} is
 *       Gaussian noise of standard deviation {@code 1e-3}. The top singular values of {@code A} are therefore
 *       {@code w_k} up to about {@code 1e-3 * (sqrt(rows) + sqrt(cols))}, 15% apart from each other, and the
 *       rest are of the size of the noise.</li>
 *   <li>{@code singular_values}: a 1-D double dataset holding {@code w_0 .. w_{r-1}}.</li>
 * </ul>
 * The values depend only on {@code (rows, cols, seed)} ({@link java.util.Random}, whose algorithm is fixed by
 * its specification), and {@link #generate} returns exactly what {@link #write} stores.
 *
 * <p>The whole matrix is built in memory (jhdf writes a dataset from one Java array), so this is meant for
 * matrices of up to a few hundred MB. Thread-safety: stateless, safe for concurrent use.
 */
public final class SampleHdf5 {
    /** Name of the 2-D matrix dataset. */
    public static final String MATRIX = "matrix";
    /** Name of the 1-D dataset of exact singular values of the noise-free part. */
    public static final String SINGULAR_VALUES = "singular_values";
    /** Maximum rank of the noise-free part. */
    public static final int RANK = 30;
    /** Standard deviation of the noise. */
    public static final double NOISE = 1e-3;

    private SampleHdf5() {
    }

    /** @return {@code w_k = 1000 * 0.85^k}, the k-th singular value of the noise-free part */
    public static double weight(int k) {
        return 1000.0 * Math.pow(0.85, k);
    }

    /** @return the rank of the noise-free part of a {@code rows x cols} sample, {@code min(30, rows, cols)} */
    public static int rank(int rows, int cols) {
        return Math.min(RANK, Math.min(rows, cols));
    }

    /**
     * Writes the sample to {@code file}, replacing it if it exists (jhdf's writer does not truncate an
     * existing file, so it is deleted first).
     *
     * @return {@code file}
     * @throws IllegalArgumentException if {@code rows} or {@code cols} is not positive
     * @throws UncheckedIOException     if the old file cannot be deleted
     */
    public static Path write(Path file, int rows, int cols, long seed) {
        double[][] matrix = generate(rows, cols, seed);
        double[] weights = new double[rank(rows, cols)];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = weight(k);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
        try (WritableHdfFile out = HdfFile.write(file)) {
            out.putDataset(MATRIX, matrix);
            out.putDataset(SINGULAR_VALUES, weights);
        }
        return file;
    }

    /**
     * The matrix {@link #write} stores for these arguments, as {@code double[rows][cols]}.
     *
     * @throws IllegalArgumentException if {@code rows} or {@code cols} is not positive
     */
    public static double[][] generate(int rows, int cols, long seed) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("sample needs positive dimensions, got " + rows + "x" + cols);
        }
        Random random = new Random(seed);
        int r = rank(rows, cols);
        double[][] u = orthonormalColumns(rows, r, random);
        double[][] v = orthonormalColumns(cols, r, random);
        double[][] a = new double[rows][cols];
        double[] wu = new double[r];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < r; k++) {
                wu[k] = weight(k) * u[i][k];
            }
            double[] row = a[i];
            for (int j = 0; j < cols; j++) {
                double s = 0;
                double[] vj = v[j];
                for (int k = 0; k < r; k++) {
                    s += wu[k] * vj[k];
                }
                row[j] = s + NOISE * random.nextGaussian();
            }
        }
        return a;
    }

    /** An {@code n x r} matrix with orthonormal columns: Gaussian columns, twice modified Gram-Schmidt. */
    private static double[][] orthonormalColumns(int n, int r, Random random) {
        double[][] q = new double[n][r];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < r; k++) {
                q[i][k] = random.nextGaussian();
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < r; k++) {
                for (int p = 0; p < k; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[i][p] * q[i][k];
                    }
                    for (int i = 0; i < n; i++) {
                        q[i][k] -= dot * q[i][p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += q[i][k] * q[i][k];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    q[i][k] /= norm;
                }
            }
        }
        return q;
    }

    /**
     * Writes a sample file. Arguments: {@code path [rows [cols [seed]]]}, defaults 1000 x 200, seed 42.
     */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: SampleHdf5 <file.h5> [rows=1000] [cols=200] [seed=42]");
            System.exit(2);
        }
        Path file = Paths.get(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int cols = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42L;
        write(file, rows, cols, seed);
        System.out.printf("wrote %s: dataset '%s' %d x %d doubles (seed %d), top singular values ~ %.1f, %.1f, %.1f%n",
                file, MATRIX, rows, cols, seed, weight(0), weight(1), weight(2));
    }
}
