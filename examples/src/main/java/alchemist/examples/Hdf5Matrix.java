package alchemist.examples;

import alchemist.client.hdf5.Hdf5Dataset;
import alchemist.client.hdf5.Hdf5File;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;

/**
 * A 2-D numeric HDF5 dataset as an {@code IndexedRowMatrix}, read on the executors: each partition opens the
 * file and reads its own span of rows (whole chunks of a chunked dataset), so the driver reads only the
 * shape. The file must be at the same path for every executor (a local cluster, or a shared file system).
 */
public final class Hdf5Matrix {
    private Hdf5Matrix() {
    }

    /** @return the dataset a job reads when none is named: {@code matrix} if the file has one, else its first */
    public static String defaultDataset(Hdf5File file) {
        return file.datasetNames().contains(SampleHdf5.MATRIX) ? SampleHdf5.MATRIX : file.datasetNames().get(0);
    }

    /**
     * @param dataset the dataset's name, or null for {@link #defaultDataset}
     * @param partitions how many partitions, or 0 for partitions of at most 64 MiB
     */
    public static IndexedRowMatrix read(JavaSparkContext jsc, Path file, String dataset, int partitions) {
        String path = file.toAbsolutePath().toString(); // a Path is not serializable
        try (Hdf5File f = Hdf5File.open(Path.of(path))) {
            String name = dataset != null ? dataset : defaultDataset(f);
            Hdf5Dataset d = f.dataset(name);
            long rows = d.numRows();
            int cols = d.numCols();
            int spans = partitions > 0 ? partitions : ExecutorRows.defaultPartitions(jsc, rows, cols);
            return ExecutorRows.matrix(jsc, rows, cols, RowSpan.split(rows, spans, d.preferredRowsPerRead()),
                    (span, dst) -> {
                        try (Hdf5File onExecutor = Hdf5File.open(Path.of(path))) {
                            onExecutor.dataset(name).readRows(span.start(), span.size(), dst);
                        }
                    });
        }
    }
}
