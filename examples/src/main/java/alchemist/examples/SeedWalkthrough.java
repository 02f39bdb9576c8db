package alchemist.examples;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.TaskResult;
import alchemist.client.hdf5.Hdf5Dataset;
import alchemist.client.hdf5.Hdf5File;
import alchemist.protocol.WorkerInfo;
import alchemist.server.AlchemistServer;
import alchemist.server.LapackReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The seed's Python tutorial, cell by cell, with the Java API: connect to Alchemist, list and request
 * workers, connect to them and send a test string, open an HDF5 file and send one of its datasets to the
 * workers, load allib and run truncated_SVD on it, fetch the matrix back whole (checked against the file)
 * and in part, free it, give the workers back and stop. Every message is printed in the seed's trace layout unless {@code --quiet} is given.
 *
 * <pre>
 * SeedWalkthrough [--quiet] [--connect host:port | --connection-file F] [--library-dir D]
 *                 [--dataset NAME [--plane K]] [file.h5]
 * </pre>
 * Without {@code --connect} or {@code --connection-file} it starts an embedded server with 2 workers in
 * this JVM, whose library directory is {@code --library-dir} (default {@code allib/target}, where the build
 * puts allib's jar); it loads allib there and runs the seed's {@code truncated_SVD(alA, 20)}, printing the
 * singular values beside LAPACK's on the same matrix. Without a file it writes a 426 × 502 sample (the seed's shape) with {@link SampleHdf5} to a
 * temporary file. The dataset defaults to {@code matrix} if the file has one, else its first dataset;
 * {@code --plane K} takes the plane {@code [:, :, K]} of a 3-D dataset, as the seed's
 * {@code f['Reflectance'][:, :, 20]}.
 */
public final class SeedWalkthrough {
    private SeedWalkthrough() {
    }

    public static void main(String[] args) throws Exception {
        // jhdf's jar ships a simplelogger.properties that logs to stdout; keep stdout for the walkthrough.
        if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        }
        boolean verbose = true;
        String connect = null;
        Path connectionFile = null;
        String datasetName = null;
        int plane = -1;
        Path file = null;
        Path libraryDir = Path.of("allib/target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quiet" -> verbose = false;
                case "--connect" -> connect = args[++i];
                case "--connection-file" -> connectionFile = Path.of(args[++i]);
                case "--dataset" -> datasetName = args[++i];
                case "--plane" -> plane = Integer.parseInt(args[++i]);
                case "--library-dir" -> libraryDir = Path.of(args[++i]);
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        throw new IllegalArgumentException("usage: SeedWalkthrough [--quiet] [--connect host:port | "
                                + "--connection-file F] [--library-dir D] [--dataset NAME [--plane K]] [file.h5]; got " + args[i]);
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        Path sample = null;
        if (file == null) {
            sample = Files.createTempFile("alchemist-seed-", ".h5");
            file = SampleHdf5.write(sample, 426, 502, 42L);
            System.out.println("(no HDF5 file given: wrote a 426 x 502 sample to " + file + ")");
        }
        AlchemistServer server = connect == null && connectionFile == null
                ? AlchemistServer.builder().workers(2).libraryDir(libraryDir).start() : null;
        try (AlchemistSession als = new AlchemistSession()) {
            System.out.println("## Starting Alchemist");
            als.setVerbose(verbose);
            if (server != null) {
                als.connect(server.host(), server.port());
            } else if (connect != null) {
                int colon = connect.lastIndexOf(':');
                als.connect(connect.substring(0, colon), Integer.parseInt(connect.substring(colon + 1)));
            } else {
                als.connect(connectionFile);
            }
            List<WorkerInfo> all = als.listAllWorkers(); // the seed's list_alchemist_workers
            System.out.println("Alchemist has " + all.size() + " workers:");
            for (WorkerInfo w : all) {
                System.out.println("    worker " + w.id() + " at " + w.address() + ":" + w.port()
                        + (w.sessionId() == 0 ? " (free)" : " (held by session " + w.sessionId() + ")"));
            }
            als.requestWorkers(2);
            als.workers().connect();
            for (String answer : als.workers().sendTestString()) {
                System.out.println("Alchemist returned: '" + answer + "'");
            }

            System.out.println("## Loading data and sending it to Alchemist");
            try (Hdf5File f = als.readFromHdf5(file)) {
                f.datasetNames().forEach(System.out::println);
                if (datasetName == null) {
                    datasetName = f.datasetNames().contains(SampleHdf5.MATRIX) ? SampleHdf5.MATRIX
                            : f.datasetNames().get(0);
                }
                Hdf5Dataset data = plane >= 0 ? f.plane(datasetName, plane) : f.dataset(datasetName);
                System.out.println("Sending " + data + ": " + data.numRows() + " x " + data.numCols());
                MatrixHandle alA = als.sendHdf5(data);
                System.out.println("Alchemist holds it as matrix " + alA.id() + ", " + alA.numRows() + " x "
                        + alA.numCols());

                System.out.println("## Loading a library");
                als.loadLibrary("allib", "");
                als.listLibraries().forEach(l -> System.out.println("Library " + l.id() + ", " + l.name() + ": " + l.tasks()));

                System.out.println("## Running a task on Alchemist");
                int k = (int) Math.min(20, Math.min(alA.numRows(), alA.numCols()));
                TaskResult svd = als.runTask("truncated_SVD", alA, k, (byte) 0); // alU, alS, alV = ...
                MatrixHandle alU = svd.matrix("U");
                MatrixHandle alS = svd.matrix("S");
                MatrixHandle alV = svd.matrix("V");
                System.out.println("U is matrix " + alU.id() + " (" + alU.numRows() + " x " + alU.numCols() + "), S matrix "
                        + alS.id() + ", V matrix " + alV.id() + " (" + alV.numRows() + " x " + alV.numCols() + ")");
                double[][] s = als.getArray(alS); // S = als.get_array(alS)
                double[] lapack = LapackReference.singularValues(als.getArray(alA));
                System.out.println("   i   Alchemist S             LAPACK dgesdd           relative difference");
                for (int i = 0; i < k; i++) {
                    System.out.printf("%4d   %-22.15e  %-22.15e  %.1e%n", i, s[i][0], lapack[i],
                            Math.abs(s[i][0] - lapack[i]) / lapack[i]);
                }
                for (MatrixHandle h : List.of(alU, alS, alV)) {
                    als.freeMatrix(h);
                }

                System.out.println("## Fetching data back from Alchemist");
                double[][] back = als.getArray(alA);
                System.out.println("Max abs difference from the file: " + maxAbsDifference(data, back));
                int rows = (int) Math.min(4, alA.numRows());
                int cols = (int) Math.min(5, alA.numCols());
                long first = Math.min(2, alA.numRows() - rows);
                double[][] part = als.getArray(alA, first, first + rows, 0, cols);
                System.out.println("Rows " + first + ".." + (first + rows - 1) + ", columns 0.." + (cols - 1) + ":");
                for (double[] row : part) {
                    StringBuilder line = new StringBuilder("   ");
                    for (double x : row) {
                        line.append(String.format(" %12.6f", x));
                    }
                    System.out.println(line);
                }
                als.freeMatrix(alA);
            }

            System.out.println("## Stopping Alchemist");
            System.out.println("Gave back " + als.yieldWorkers() + " workers");
            als.stop();
        } finally {
            if (server != null) {
                server.close();
            }
            if (sample != null) {
                Files.deleteIfExists(sample);
            }
        }
    }

    /** @return the largest |file - fetched| over the whole matrix, reading the file in row chunks */
    private static double maxAbsDifference(Hdf5Dataset data, double[][] fetched) {
        int cols = data.numCols();
        int chunk = data.preferredRowsPerRead();
        double[] buf = new double[chunk * cols];
        double max = 0;
        for (long row = 0; row < data.numRows(); row += chunk) {
            int n = (int) Math.min(chunk, data.numRows() - row);
            data.readRows(row, n, buf);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, Math.abs(buf[i * cols + j] - fetched[(int) row + i][j]));
                }
            }
        }
        return max;
    }
}
