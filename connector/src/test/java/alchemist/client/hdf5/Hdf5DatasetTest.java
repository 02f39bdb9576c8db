package alchemist.client.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.dataset.ChunkedDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hdf5DatasetTest {
    @TempDir
    static Path dir;

    static Path file;
    static double[][] doubles;
    static float[][] floats;
    static int[][] ints;
    static long[][] longs;
    static short[][] shorts;
    static byte[][] bytes;
    static double[][] grouped;
    static double[][] chunked;
    static double[] vector;
    static double[][][] cube;

    @BeforeAll
    static void writeFile() {
        Random random = new Random(20240607L);
        doubles = new double[37][11];
        for (double[] row : doubles) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10);
            }
        }
        floats = new float[23][7];
        for (float[] row : floats) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) (random.nextGaussian() * 1e3); // not exactly representable as short decimals
            }
        }
        ints = new int[19][5];
        for (int[] row : ints) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextInt();
            }
        }
        ints[0][0] = Integer.MIN_VALUE;
        ints[0][1] = Integer.MAX_VALUE;
        longs = new long[6][3];
        for (long[] row : longs) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextLong() >> 12; // within 2^52: exact as double
            }
        }
        shorts = new short[4][9];
        bytes = new byte[5][2];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 9; j++) {
                shorts[i][j] = (short) random.nextInt();
            }
        }
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 2; j++) {
                bytes[i][j] = (byte) random.nextInt();
            }
        }
        grouped = randomMatrix(random, 8, 6);
        chunked = randomMatrix(random, 101, 13);
        vector = new double[29];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = random.nextDouble();
        }
        cube = new double[6][5][4];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 4; k++) {
                    cube[i][j][k] = 100 * i + 10 * j + k;
                }
            }
        }

        file = dir.resolve("mixed.h5");
        try (WritableHdfFile out = HdfFile.write(file)) {
            out.putDataset("doubles", doubles);
            out.putDataset("floats", floats);
            out.putDataset("ints", ints);
            out.putDataset("longs", longs);
            out.putDataset("shorts", shorts);
            out.putDataset("bytes", bytes);
            out.putDataset("chunked", chunked,
                    DatasetCreationOptions.builder().chunkDimensions(10, 4).deflate().build());
            out.putDataset("vector", vector);
            out.putDataset("cube", cube);
            out.putDataset("strings", new String[] {"a", "bc", "def"});
            out.putDataset("hyper", new double[2][2][2][2]);
            WritableGroup group = out.putGroup("group");
            group.putDataset("data", grouped);
            group.putGroup("inner").putDataset("deep", new double[][] {{1, 2}, {3, 4}});
        }
    }

    private static double[][] randomMatrix(Random random, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }

    /** Flattens any primitive 2-D array row-major, converting with a plain (double) cast. */
    private static double[] flatten(Object matrix) {
        Object[] rows = (Object[]) matrix;
        List<Double> out = new ArrayList<>();
        for (Object row : rows) {
            int n = java.lang.reflect.Array.getLength(row);
            for (int j = 0; j < n; j++) {
                out.add(java.lang.reflect.Array.getDouble(row, j));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Reads all rows in random-sized chunks, checking that no value past each chunk is touched. */
    private static double[] readInRandomChunks(Hdf5Dataset d, Random random) {
        int cols = d.numCols();
        double[] all = new double[(int) d.numRows() * cols];
        long row = 0;
        while (row < d.numRows()) {
            int count = (int) Math.min(d.numRows() - row, 1 + random.nextInt(9));
            double[] dst = new double[count * cols + 3];
            Arrays.fill(dst, Double.NaN);
            d.readRows(row, count, dst);
            for (int k = count * cols; k < dst.length; k++) {
                assertTrue(Double.isNaN(dst[k]), "readRows wrote past count * numCols");
            }
            System.arraycopy(dst, 0, all, (int) row * cols, count * cols);
            row += count;
        }
        return all;
    }

    @Test
    void listsEveryDatasetRecursivelyWithoutLeadingSlash() {
        try (Hdf5File f = Hdf5File.open(file)) {
            assertEquals(List.of("bytes", "chunked", "cube", "doubles", "floats", "group/data", "group/inner/deep",
                    "hyper", "ints", "longs", "shorts", "strings", "vector"), f.datasetNames());
        }
    }

    @Test
    void shapesAndElementTypes() {
        try (Hdf5File f = Hdf5File.open(file)) {
            assertArrayEquals(new long[] {37, 11}, f.dataset("doubles").shape());
            assertArrayEquals(new long[] {23, 7}, f.dataset("floats").shape());
            assertArrayEquals(new long[] {19, 5}, f.dataset("ints").shape());
            assertArrayEquals(new long[] {8, 6}, f.dataset("group/data").shape());
            assertArrayEquals(new long[] {29, 1}, f.dataset("vector").shape());
            assertEquals(37, f.dataset("doubles").numRows());
            assertEquals(11, f.dataset("doubles").numCols());
            assertSame(double.class, f.dataset("doubles").elementType());
            assertSame(float.class, f.dataset("floats").elementType());
            assertSame(int.class, f.dataset("ints").elementType());
            assertSame(long.class, f.dataset("longs").elementType());
            assertSame(short.class, f.dataset("shorts").elementType());
            assertSame(byte.class, f.dataset("bytes").elementType());
        }
    }

    @Test
    void randomChunksReturnExactlyTheWrittenValues() {
        Random random = new Random(1);
        try (Hdf5File f = Hdf5File.open(file)) {
            Object[][] cases = {
                {"doubles", doubles}, {"floats", floats}, {"ints", ints}, {"longs", longs}, {"shorts", shorts},
                {"bytes", bytes}, {"group/data", grouped}, {"/group/data", grouped}, {"chunked", chunked},
            };
            for (Object[] c : cases) {
                for (int trial = 0; trial < 5; trial++) {
                    assertArrayEquals(flatten(c[1]), readInRandomChunks(f.dataset((String) c[0]), random), 0.0,
                            (String) c[0]);
                }
            }
        }
    }

    @Test
    void floatsAreWidenedExactly() {
        try (Hdf5File f = Hdf5File.open(file)) {
            Hdf5Dataset d = f.dataset("floats");
            double[] dst = new double[2 * 7];
            d.readRows(5, 2, dst);
            for (int j = 0; j < 7; j++) {
                assertEquals((double) floats[5][j], dst[j], 0.0);
                assertEquals((double) floats[6][j], dst[7 + j], 0.0);
            }
        }
    }

    @Test
    void randomWindowsAnywhere() {
        Random random = new Random(2);
        try (Hdf5File f = Hdf5File.open(file)) {
            Hdf5Dataset d = f.dataset("chunked");
            double[] flat = flatten(chunked);
            for (int trial = 0; trial < 200; trial++) {
                int first = random.nextInt(101);
                int count = random.nextInt(101 - first + 1);
                double[] dst = new double[count * 13];
                d.readRows(first, count, dst);
                assertArrayEquals(Arrays.copyOfRange(flat, first * 13, (first + count) * 13), dst, 0.0,
                        "rows " + first + " + " + count);
            }
        }
    }

    @Test
    void oneDimensionalDatasetIsAColumnVector() {
        try (Hdf5File f = Hdf5File.open(file)) {
            Hdf5Dataset d = f.dataset("vector");
            assertEquals(1, d.numCols());
            double[] dst = new double[29];
            d.readRows(0, 29, dst);
            assertArrayEquals(vector, dst, 0.0);
            double[] some = new double[4];
            d.readRows(25, 4, some);
            assertArrayEquals(Arrays.copyOfRange(vector, 25, 29), some, 0.0);
        }
    }

    @Test
    void planeOfACubeFixesTheLastIndex() {
        try (Hdf5File f = Hdf5File.open(file)) {
            for (int k = 0; k < 4; k++) {
                Hdf5Dataset d = f.plane("cube", k);
                assertArrayEquals(new long[] {6, 5}, d.shape());
                double[] dst = new double[3 * 5];
                d.readRows(2, 3, dst);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        assertEquals(cube[2 + i][j][k], dst[i * 5 + j], 0.0);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> f.plane("cube", 4));
            assertThrows(IllegalArgumentException.class, () -> f.plane("cube", -1));
            assertThrows(IllegalArgumentException.class, () -> f.plane("doubles", 0));
        }
    }

    @Test
    void outOfRangeReadsAreRejected() {
        try (Hdf5File f = Hdf5File.open(file)) {
            Hdf5Dataset d = f.dataset("doubles");
            double[] dst = new double[37 * 11];
            assertThrows(IllegalArgumentException.class, () -> d.readRows(-1, 1, dst));
            assertThrows(IllegalArgumentException.class, () -> d.readRows(0, -1, dst));
            assertThrows(IllegalArgumentException.class, () -> d.readRows(36, 2, dst));
            assertThrows(IllegalArgumentException.class, () -> d.readRows(37, 1, dst));
            assertThrows(IllegalArgumentException.class, () -> d.readRows(Long.MAX_VALUE, 1, dst));
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> d.readRows(0, 3, new double[3 * 11 - 1]));
            assertTrue(small.getMessage().contains("32"), small.getMessage());
            assertThrows(NullPointerException.class, () -> d.readRows(0, 1, null));
            d.readRows(37, 0, new double[0]); // an empty range at the end is fine
            d.readRows(36, 1, new double[11]);
        }
    }

    @Test
    void missingDatasetNamesTheFileAndTheDatasets() {
        try (Hdf5File f = Hdf5File.open(file)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.dataset("Reflectance"));
            assertTrue(e.getMessage().contains("Reflectance"), e.getMessage());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("group/data") && e.getMessage().contains("doubles"), e.getMessage());
            IllegalArgumentException group = assertThrows(IllegalArgumentException.class, () -> f.dataset("group"));
            assertTrue(group.getMessage().contains("not a dataset"), group.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.dataset("group/nothing"));
            assertThrows(IllegalArgumentException.class, () -> f.dataset("doubles/x"));
        }
    }

    @Test
    void nonNumericAndWrongRankAreRejected() {
        try (Hdf5File f = Hdf5File.open(file)) {
            IllegalArgumentException strings = assertThrows(IllegalArgumentException.class,
                    () -> f.dataset("strings"));
            assertTrue(strings.getMessage().contains("not numeric"), strings.getMessage());
            IllegalArgumentException cubeAsMatrix = assertThrows(IllegalArgumentException.class,
                    () -> f.dataset("cube"));
            assertTrue(cubeAsMatrix.getMessage().contains("3 dimensions"), cubeAsMatrix.getMessage());
            IllegalArgumentException hyper = assertThrows(IllegalArgumentException.class, () -> f.dataset("hyper"));
            assertTrue(hyper.getMessage().contains("4 dimensions"), hyper.getMessage());
        }
    }

    @Test
    void closedFileCannotBeRead() {
        Hdf5File f = Hdf5File.open(file);
        Hdf5Dataset d = f.dataset("doubles");
        f.close();
        f.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> d.readRows(0, 1, new double[11]));
        assertThrows(IllegalStateException.class, () -> f.dataset("doubles"));
    }

    @Test
    void missingOrInvalidFilesAreRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Hdf5File.open(dir.resolve("absent.h5")));
        Path junk = Files.writeString(dir.resolve("junk.h5"), "this is not an HDF5 file, just some text\n".repeat(20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hdf5File.open(junk));
        assertTrue(e.getMessage().contains("junk.h5"), e.getMessage());
    }

    /**
     * Large reads are split into bounded hyperslab reads, and the whole-dataset getters are never used: the
     * jhdf dataset is wrapped in a proxy that records every call.
     */
    @Test
    void readsOnlyHyperslabsOfBoundedSize() throws Exception {
        int rows = 3000;
        int cols = 400; // 3200 bytes a row: 2621 rows per 8 MiB read
        double[][] big = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                big[i][j] = i * 1000.0 + j;
            }
        }
        Path bigFile = dir.resolve("big.h5");
        try (WritableHdfFile out = HdfFile.write(bigFile)) {
            out.putDataset("big", big);
            out.putDataset("bigChunked", big, DatasetCreationOptions.builder().chunkDimensions(64, 400).build());
        }
        try (Hdf5File f = Hdf5File.open(bigFile)) {
            for (String name : List.of("big", "bigChunked")) {
                Dataset real = f.dataset(name).dataset();
                List<int[]> slices = new ArrayList<>();
                Class<?>[] types = real instanceof ChunkedDataset
                        ? new Class<?>[] {ChunkedDataset.class} : new Class<?>[] {Dataset.class};
                Dataset spy = (Dataset) Proxy.newProxyInstance(getClass().getClassLoader(), types, (p, m, a) -> {
                    if (m.getName().equals("getData") || m.getName().equals("getDataFlat")) {
                        assertTrue(a != null && a.length == 2, "whole-dataset read " + m);
                        slices.add((int[]) a[1]);
                    }
                    try {
                        return m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
                Hdf5Dataset d = new Hdf5Dataset(f, spy, -1);
                int perRead = d.preferredRowsPerRead();
                if (name.equals("big")) {
                    assertEquals(Hdf5Dataset.MAX_READ_BYTES / (cols * 8), perRead);
                } else {
                    assertEquals(0, perRead % 64, "whole chunks per read");
                }
                double[] dst = new double[rows * cols];
                d.readRows(0, rows, dst);
                assertTrue(slices.size() >= 2, name + ": " + slices.size() + " reads");
                for (int[] s : slices) {
                    assertTrue((long) s[0] * s[1] * 8 <= Hdf5Dataset.MAX_READ_BYTES, Arrays.toString(s));
                }
                for (int i = 0; i < rows; i += 7) {
                    for (int j = 0; j < cols; j += 13) {
                        assertEquals(big[i][j], dst[i * cols + j], 0.0);
                    }
                }
                slices.clear();
                double[] few = new double[3 * cols];
                d.readRows(perRead - 1, 3, few); // crosses an internal read boundary
                assertEquals(2, slices.size());
                assertEquals(big[perRead + 1][399], few[2 * cols + 399], 0.0);
                assertFalse(slices.stream().anyMatch(s -> s[0] > 2));
            }
        }
    }
}
