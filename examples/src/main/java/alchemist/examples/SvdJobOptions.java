package alchemist.examples;

import alchemist.spark.AlchemistContext;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;

/**
 * What {@link SvdJob} runs on: its input (a generated matrix or an HDF5 dataset), k, and which Alchemist
 * (an embedded server in the Spark driver, or a running one).
 *
 * @param hdf5       the input file, or null for a {@link GeneratedMatrix} of {@code rows × cols} from
 *                   {@code seed} with columns scaled by {@code (1 + j)^-decay}
 * @param dataset    the HDF5 dataset, or null for the file's {@code matrix} (else its first)
 * @param partitions the input's partitions, or 0 for partitions of at most 64 MiB
 * @param connect    {@code host:port} of a running server, or null
 * @param connectionFile a running server's connection file, or null
 * @param embedded   workers of an embedded server (when neither connect nor connectionFile is given)
 * @param workers    workers to take from a running server, 0 for every free one
 */
public record SvdJobOptions(long rows, int cols, long seed, double decay, Path hdf5, String dataset, int k, int partitions,
        String connect, Path connectionFile, int embedded, Path libraryDir, int workers) {

    static final String USAGE = "usage: SvdJob [--rows 100000 --cols 500 --seed 1 --decay 0.5 | --hdf5 FILE [--dataset NAME]] "
            + "[--k 20] [--partitions P] [--embedded 2 [--library-dir allib/target] | --connect HOST:PORT | "
            + "--connection-file F [--workers N]]";

    /** @throws IllegalArgumentException for an unknown option or a missing value, with the usage */
    public static SvdJobOptions parse(String... args) {
        long rows = 100_000;
        int cols = 500;
        long seed = 1;
        double decay = GeneratedMatrix.DEFAULT_DECAY;
        Path hdf5 = null;
        String dataset = null;
        int k = 20;
        int partitions = 0;
        String connect = null;
        Path connectionFile = null;
        int embedded = 2;
        Path libraryDir = Path.of("allib/target");
        int workers = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--rows" -> rows = Long.parseLong(value);
                    case "--cols" -> cols = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--decay" -> decay = Double.parseDouble(value);
                    case "--hdf5" -> hdf5 = Path.of(value);
                    case "--dataset" -> dataset = value;
                    case "--k" -> k = Integer.parseInt(value);
                    case "--partitions" -> partitions = Integer.parseInt(value);
                    case "--connect" -> connect = value;
                    case "--connection-file" -> connectionFile = Path.of(value);
                    case "--embedded" -> embedded = Integer.parseInt(value);
                    case "--library-dir" -> libraryDir = Path.of(value);
                    case "--workers" -> workers = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
        } catch (NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException(USAGE + " (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(USAGE + " (" + e.getMessage() + ")", e);
        }
        if (connect != null && !connect.matches(".+:\\d+")) {
            throw new IllegalArgumentException(USAGE + " (--connect takes host:port, not " + connect + ")");
        }
        return new SvdJobOptions(rows, cols, seed, decay, hdf5, dataset, k, partitions, connect, connectionFile, embedded,
                libraryDir, workers);
    }

    /** @return the input matrix, made or read on the executors (not yet computed) */
    IndexedRowMatrix input(JavaSparkContext jsc) {
        if (hdf5 != null) {
            return Hdf5Matrix.read(jsc, hdf5, dataset, partitions);
        }
        return new GeneratedMatrix(rows, cols, seed, decay).in(jsc, partitions);
    }

    /** @return a description of the input, e.g. "generated (seed 1, decay 0.5)" */
    String inputName() {
        return hdf5 != null ? hdf5 + (dataset != null ? " [" + dataset + "]" : "") : new GeneratedMatrix(rows, cols, seed, decay).toString();
    }

    /** Connects to the running server, or starts an embedded one in the Spark driver. */
    AlchemistContext openAlchemist(SparkSession spark) {
        if (connect != null) {
            int colon = connect.lastIndexOf(':');
            return AlchemistContext.connect(spark, connect.substring(0, colon), Integer.parseInt(connect.substring(colon + 1)),
                    workers);
        }
        if (connectionFile != null) {
            return AlchemistContext.connect(spark, connectionFile, workers);
        }
        return AlchemistContext.embedded(spark, embedded, libraryDir);
    }

    /** @return where Alchemist runs, e.g. "an embedded server with 2 workers" */
    String alchemistName() {
        if (connect != null || connectionFile != null) {
            return "the server at " + (connect != null ? connect : "the address in " + connectionFile);
        }
        return "an embedded server in the Spark driver";
    }
}
