package alchemist.examples;

import static alchemist.examples.JavaProcess.property;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * spark-shell/svd.scala in the Scala REPL (the compiler Spark is built with) on the Spark jars and the
 * application jar, as {@code spark-shell -i} runs it: {@code spark} defined first, then the whole file compiled
 * as one unit ({@code :paste}, which is what {@code -i} does in Scala 2.13's REPL).
 */
class SparkShellScriptIT {
    @Test
    void theScriptPrintsAgreeingSingularValues() throws Exception {
        String stdin = String.join("\n", "val spark = org.apache.spark.sql.SparkSession.builder().getOrCreate()",
                ":paste " + property("alchemist.test.script"), ":quit", "");
        String out = JavaProcess.run(List.of("-Xmx2g", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-Dspark.log.level=WARN",
                "-Dspark.alchemist.libraryDir=" + property("alchemist.test.libraryDir"),
                "-cp", JavaProcess.classPath(property("alchemist.test.sparkJars") + "/*", property("alchemist.test.scalaRepl") + "/*",
                        property("alchemist.test.sparkJar")),
                "scala.tools.nsc.MainGenericRunner", "-usejavacp"), stdin, 300);
        assertTrue(out.contains("U: 10000 x 10 from Alchemist, 10000 x 10 from MLlib"), out);
        assertTrue(!out.contains("error:"), "the REPL reported an error");
        JobOutput.assertSingularValuesAgree(out, 10);
    }
}
