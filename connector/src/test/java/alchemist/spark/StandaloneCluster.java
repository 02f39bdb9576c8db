package alchemist.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine: a Master and a Worker, each its own JVM started from the
 * Spark jars the build copied to {@code target/spark-home/jars}; the Worker launches executors as further
 * JVMs. The test JVM is the application's driver.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path sparkHome;
    private final Path logDir;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;

    private StandaloneCluster(Path sparkHome, Path logDir, int masterPort) {
        this.sparkHome = sparkHome;
        this.logDir = logDir;
        this.masterPort = masterPort;
    }

    /** Starts a Master and a Worker offering {@code cores} cores. */
    static StandaloneCluster start(int cores) throws IOException {
        Path home = Path.of(System.getProperty("alchemist.test.sparkHome", "target/spark-home")).toAbsolutePath();
        Path logs = Files.createDirectories(home.resolveSibling("spark-cluster-logs"));
        StandaloneCluster c = new StandaloneCluster(home, logs, freePort());
        try {
            c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(c.masterPort), "--webui-port", String.valueOf(freePort()));
            c.awaitLog("master", "I have been elected leader");
            c.launch("worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                    String.valueOf(cores), "--memory", "4g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    Files.createDirectories(home.resolveSibling("spark-work")).toString(), c.masterUrl());
            c.awaitLog("worker", "Successfully registered with master");
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /**
     * @return the test JVM's class path without the Spark jars that executors already have: our modules'
     *         classes (and this test's, for its functions), for {@code spark.executor.extraClassPath}
     */
    String applicationClassPath() {
        Set<String> sparkJars;
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            sparkJars = jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !sparkJars.contains(Path.of(e).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** @return the JVM options Spark's launcher gives its JVMs (the module opens) */
    static String opens() {
        return System.getProperty("alchemist.test.opens", "");
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dspark.master.rest.enabled=false"); // its fixed port 6066 would clash with another cluster
        cmd.addAll(Arrays.asList(opens().split("\\s+")));
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + File.separator + "*", mainClass));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        processes.add(pb.start());
    }

    /**
     * Waits for a line in a daemon's log: the driver must not connect before the Master is up (it gives up
     * after a minute, and a busy machine can take that long to start a JVM with Spark).
     */
    private void awaitLog(String name, String line) throws IOException {
        Path log = logDir.resolve(name + ".log");
        Process p = processes.get(processes.size() - 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.readString(log).contains(line)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the Spark " + name + (p.isAlive() ? " did not log '" + line
                        + "' within 4 minutes" : " exited") + "; its log " + log + ":\n" + Files.readString(log));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) { // the Worker (and its executors) first
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
