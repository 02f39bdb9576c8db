package alchemist.examples;

import static alchemist.examples.JavaProcess.property;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's spark-submit command, run as a process on the packaged jars: SparkSubmit from the Spark jars
 * the build copied, SvdJob from the application jar (our modules and jhdf only), an embedded Alchemist.
 */
class SparkSubmitIT {
    @Test
    void svdJobRunsUnderSparkSubmitFromTheApplicationJar() throws Exception {
        String out = JavaProcess.run(List.of("-Xmx2g", "-cp", JavaProcess.classPath(property("alchemist.test.sparkJars") + "/*"),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.log.level=WARN", "--class", "alchemist.examples.SvdJob", property("alchemist.test.sparkJar"),
                "--rows", "2000", "--cols", "30", "--decay", "0", "--k", "4", "--library-dir", property("alchemist.test.libraryDir")), "", 300);
        assertTrue(out.contains("Input: generated (seed 1, decay 0.0), 2,000 x 30"), out);
        JobOutput.assertSingularValuesAgree(out, 4);
    }
}
