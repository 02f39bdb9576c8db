package alchemist.client.hdf5;

import alchemist.client.RowSource;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.exceptions.HdfException;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A numeric HDF5 dataset seen as a dense matrix whose rows are read on demand with jhdf hyperslab reads
 * ({@link Dataset#getData(long[], int[])}), so a chunk of rows costs memory for that chunk only, never for the
 * whole dataset. Obtained from {@link Hdf5File#dataset(String)} or {@link Hdf5File#plane(String, int)}.
 *
 * <p><b>Shapes.</b> A 2-D dataset of shape {@code (n, m)} is an n&times;m matrix. A 1-D dataset of length
 * {@code n} is a column vector, an n&times;1 matrix. A 3-D dataset is accepted only through
 * {@link Hdf5File#plane(String, int)}, which fixes its last index. Scalar, empty-rank and 4-D or higher
 * datasets are rejected.
 *
 * <p><b>Types.</b> Elements of type double, float, long, int, short or byte (as jhdf maps HDF5 types: also
 * unsigned 8/16/32-bit integers, and 16-bit floats) are converted to double with a Java widening cast,
 * which is exact except for long values beyond 2<sup>53</sup> in magnitude. Unsigned 64-bit integers, which
 * jhdf reads as {@link BigInteger}, are converted with {@link BigInteger#doubleValue()}. Strings, compounds,
 * enums, booleans and other types are rejected.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use; reads are serialized on the owning {@link Hdf5File}.
 */
public final class Hdf5Dataset implements RowSource {
    /** Upper bound on the raw bytes of one hyperslab read; larger requests are split into several reads. */
    static final int MAX_READ_BYTES = 8 << 20;

    private final Hdf5File owner;
    private final Dataset dataset;
    private final String path;
    private final long numRows;
    private final int numCols;
    private final int rank;
    /** Fixed last index of a 3-D dataset, or -1. */
    private final int plane;
    private final Class<?> javaType;
    /** Rows per hyperslab read: at most {@link #MAX_READ_BYTES}, a multiple of the chunk rows if chunked. */
    private final int rowsPerRead;

    Hdf5Dataset(Hdf5File owner, Dataset dataset, int plane) {
        this.owner = owner;
        this.dataset = dataset;
        this.path = dataset.getPath();
        this.plane = plane;
        String where = "dataset '" + path + "' in " + owner.path().toAbsolutePath();
        if (dataset.isCompound() || dataset.isVariableLength()) {
            throw new IllegalArgumentException(where + " is not numeric (compound or variable-length)");
        }
        Class<?> type;
        try {
            type = dataset.getJavaType();
        } catch (HdfException e) {
            throw new IllegalArgumentException(where + " has a type jhdf cannot read: " + e.getMessage(), e);
        }
        if (!isNumeric(type)) {
            throw new IllegalArgumentException(where + " is not numeric: its elements read as " + type.getName());
        }
        this.javaType = type;
        if (dataset.isScalar()) {
            throw new IllegalArgumentException(where + " is a scalar, not a matrix");
        }
        long[] dims = dataset.getDimensionsAsLong();
        this.rank = dims.length;
        if (plane >= 0) {
            if (rank != 3) {
                throw new IllegalArgumentException(where + " has " + rank + " dimensions; a plane needs 3");
            }
            if (plane >= dims[2]) {
                throw new IllegalArgumentException("plane index " + plane + " is outside the last dimension (size "
                        + dims[2] + ") of " + where);
            }
        } else if (rank != 1 && rank != 2) {
            throw new IllegalArgumentException(where + " has " + rank + " dimensions; a matrix needs 2 (or 1, read"
                    + " as a column vector)"
                    + (rank == 3 ? "; use Hdf5File.plane(name, index) for a 3-D dataset" : ""));
        }
        this.numRows = dims[0];
        long cols = rank == 1 ? 1 : dims[1];
        int elementBytes = dataset.getDataType().getSize();
        long rowBytes = cols * elementBytes;
        if (cols > Integer.MAX_VALUE || rowBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + " has rows of " + cols + " elements (" + rowBytes
                    + " bytes), more than a single jhdf read can hold");
        }
        this.numCols = (int) cols;
        int rows = (int) Math.max(1, Math.min(MAX_READ_BYTES / Math.max(1, rowBytes), Integer.MAX_VALUE));
        if (dataset instanceof ChunkedDataset) {
            // Whole chunks per read, so no chunk is decompressed twice within one readRows call.
            int chunkRows = ((ChunkedDataset) dataset).getChunkDimensions()[0];
            rows = Math.max(chunkRows, rows / chunkRows * chunkRows);
        }
        this.rowsPerRead = rows;
    }

    private static boolean isNumeric(Class<?> type) {
        return type == double.class || type == float.class || type == long.class || type == int.class
                || type == short.class || type == byte.class || type == BigInteger.class;
    }

    /** @return the dataset's absolute path inside its file, e.g. {@code /group/data} */
    public String path() {
        return path;
    }

    /** @return the underlying jhdf dataset (package-private, for tests) */
    Dataset dataset() {
        return dataset;
    }

    /** @return {@code {numRows, numCols}} of the matrix view (for a plane: the first two dimensions) */
    public long[] shape() {
        return new long[] {numRows, numCols};
    }

    /** @return the Java element type jhdf reads, before conversion to double (e.g. {@code float.class}) */
    public Class<?> elementType() {
        return javaType;
    }

    /**
     * A good row count for {@link #readRows}: the rows of one internal read (about 8 MiB of raw data, rounded
     * to whole chunks for a chunked dataset). Callers that read in multiples of it, starting at multiples of
     * it, never decompress a chunk twice.
     */
    public int preferredRowsPerRead() {
        return rowsPerRead;
    }

    @Override
    public long numRows() {
        return numRows;
    }

    @Override
    public int numCols() {
        return numCols;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the owning file is closed
     * @throws HdfException          if jhdf fails to read the file (message names rows, dataset and file)
     */
    @Override
    public void readRows(long firstRow, int count, double[] dst) {
        Objects.requireNonNull(dst, "dst");
        if (firstRow < 0 || count < 0 || firstRow > numRows - count) {
            throw new IllegalArgumentException("rows [" + firstRow + ", " + (firstRow + count) + ") are outside the "
                    + numRows + " rows of '" + path + "'");
        }
        long needed = (long) count * numCols;
        if (dst.length < needed) {
            throw new IllegalArgumentException("dst holds " + dst.length + " values but " + count + " rows of "
                    + numCols + " need " + needed);
        }
        synchronized (owner) {
            owner.checkOpen();
            int done = 0;
            while (done < count) {
                long row = firstRow + done;
                // Sub-reads end on multiples of rowsPerRead, which are chunk boundaries for chunked data.
                int n = (int) Math.min(count - done, rowsPerRead - row % rowsPerRead);
                Object block;
                try {
                    block = readBlock(row, n);
                } catch (HdfException e) {
                    throw new HdfException("failed to read rows [" + row + ", " + (row + n) + ") of '" + path
                            + "' in " + owner.path().toAbsolutePath() + ": " + e.getMessage(), e);
                }
                copyBlock(block, n, dst, done * numCols);
                done += n;
            }
        }
    }

    private Object readBlock(long row, int n) {
        switch (rank) {
            case 1:
                return dataset.getData(new long[] {row}, new int[] {n});
            case 2:
                return dataset.getData(new long[] {row, 0}, new int[] {n, numCols});
            default:
                return dataset.getData(new long[] {row, 0, plane}, new int[] {n, numCols, 1});
        }
    }

    /** Copies a block returned by jhdf (1-D array, n rows, or n rows of numCols 1-element arrays). */
    private void copyBlock(Object block, int n, double[] dst, int offset) {
        if (rank == 1) {
            copyVector(block, n, dst, offset);
            return;
        }
        Object[] rows = (Object[]) block;
        for (int i = 0; i < n; i++) {
            int at = offset + i * numCols;
            if (rank == 2) {
                copyVector(rows[i], numCols, dst, at);
            } else {
                Object[] cells = (Object[]) rows[i];
                for (int j = 0; j < numCols; j++) {
                    copyVector(cells[j], 1, dst, at + j);
                }
            }
        }
    }

    private static void copyVector(Object v, int n, double[] dst, int offset) {
        if (v instanceof double[]) {
            System.arraycopy((double[]) v, 0, dst, offset, n);
        } else if (v instanceof float[]) {
            float[] a = (float[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i];
            }
        } else if (v instanceof long[]) {
            long[] a = (long[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i];
            }
        } else if (v instanceof int[]) {
            int[] a = (int[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i];
            }
        } else if (v instanceof short[]) {
            short[] a = (short[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i];
            }
        } else if (v instanceof byte[]) {
            byte[] a = (byte[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i];
            }
        } else if (v instanceof BigInteger[]) {
            BigInteger[] a = (BigInteger[]) v;
            for (int i = 0; i < n; i++) {
                dst[offset + i] = a[i].doubleValue();
            }
        } else {
            throw new IllegalStateException("unexpected array from jhdf: " + (v == null ? "null" : v.getClass()));
        }
    }

    @Override
    public String toString() {
        return "Hdf5Dataset[" + path + (plane >= 0 ? "[:, :, " + plane + "]" : "") + ", " + numRows + "x" + numCols
                + ", " + javaType.getSimpleName() + "]";
    }
}
