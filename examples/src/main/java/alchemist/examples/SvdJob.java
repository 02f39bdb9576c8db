package alchemist.examples;

import alchemist.spark.AlchemistContext;
import alchemist.spark.AlchemistSVD;
import java.io.PrintStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * A Spark job that computes the truncated SVD of one cached {@code IndexedRowMatrix} twice, with Alchemist
 * ({@link AlchemistSVD#run}) and with MLlib's {@code computeSVD}, and prints the singular values side by side,
 * the largest relative difference, and each phase's time. Run it with spark-submit (the README has the
 * command line); run directly with {@code java}, it uses {@code local[2]} unless {@code spark.master} is set.
 * Options: {@link SvdJobOptions#USAGE}.
 */
public final class SvdJob {
    private SvdJob() {
    }

    public static void main(String[] args) {
        SvdJobOptions options = SvdJobOptions.parse(args);
        SparkSession.Builder builder = SparkSession.builder().appName("Alchemist SvdJob");
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[2]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark, options, System.out);
        } finally {
            spark.stop(); // stops the AlchemistContext too
        }
    }

    static void run(SparkSession spark, SvdJobOptions o, PrintStream out) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long t0 = System.nanoTime();
        IndexedRowMatrix a = o.input(jsc);
        a.rows().persist(StorageLevel.MEMORY_AND_DISK());
        long present = a.rows().count();
        out.printf("Input: %s, %,d x %,d (%,d rows present) in %d partitions, cached in %.1f s; k = %d; Spark %s, %s%n",
                o.inputName(), a.numRows(), a.numCols(), present, a.rows().getNumPartitions(), seconds(t0), o.k(),
                spark.version(), spark.sparkContext().master());

        AlchemistContext ac = o.openAlchemist(spark);
        out.printf("Alchemist: %s, %d workers%n", o.alchemistName(), ac.workers().size());
        AlchemistSVD.Run alchemist = AlchemistSVD.run(ac, a, o.k(), true);
        MllibSvd.Timed mllib = MllibSvd.run(a, o.k(), MllibSvd.Mode.AUTO);

        out.println();
        SingularValues.print(out, "Alchemist", alchemist.svd().s().toArray(), "MLlib computeSVD", mllib.svd().s().toArray());
        out.println();
        out.printf("Alchemist:        send %.2f s, compute %.2f s, fetch U %.2f s: %.2f s in all%n",
                alchemist.sendSeconds(), alchemist.computeSeconds(), alchemist.fetchSeconds(), alchemist.totalSeconds());
        out.printf("MLlib computeSVD: %.2f s in all (s, V and U)%n", mllib.seconds());
        out.printf("MLlib / Alchemist: %.1fx%n", mllib.seconds() / alchemist.totalSeconds());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
