package alchemist.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a JVM the way the README does (JDK of this test, Spark's opens, SPARK_LOCAL_IP) and returns its output. */
final class JavaProcess {
    private JavaProcess() {
    }

    /** @return a path the build passed to the integration tests as a system property */
    static String property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null, name + " is not set: run through Maven (failsafe)");
        return value;
    }

    /**
     * Runs {@code java <opens> <jvmArgs...>} with {@code stdin} as its input and waits for it to exit 0.
     *
     * @return its standard output (its standard error goes to the test's, so failures show Spark's log)
     */
    static String run(List<String> jvmArgs, String stdin, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(property("alchemist.test.opens").trim().split("\\s+")));
        command.addAll(jvmArgs);
        Path out = Files.createTempFile("alchemist-it-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            Process p = pb.start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out);
            System.out.print(output); // keep it in the test report
            assertTrue(ended, "still running after " + timeoutSeconds + " s: " + String.join(" ", command));
            assertEquals(0, p.exitValue(), "exit code of " + String.join(" ", command));
            return output;
        } finally {
            Files.delete(out);
        }
    }

    /** @return a class path of {@code parts} (a folder followed by {@code /*} stands for its jars) */
    static String classPath(String... parts) {
        return String.join(File.pathSeparator, parts);
    }
}
