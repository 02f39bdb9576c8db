package alchemist.protocol;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The small file a server writes once it accepts clients, and clients read to find it: two lines,
 * {@code host=...} and {@code port=...}. Its default place is {@code $ALCHEMIST_CONNECTION_FILE}, else
 * {@code ~/.alchemist/connection}.
 */
public record ConnectionFile(String host, int port) {
    /** Environment variable naming the file. */
    public static final String ENV = "ALCHEMIST_CONNECTION_FILE";

    /** @return {@code $ALCHEMIST_CONNECTION_FILE}, else {@code ~/.alchemist/connection} */
    public static Path defaultPath() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".alchemist", "connection");
    }

    /** Writes the file atomically (a reader never sees half of it). */
    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".connection", ".tmp");
            Files.writeString(tmp, "host=" + host + "\nport=" + port + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write connection file " + file, e);
        }
    }

    /**
     * Reads a connection file.
     *
     * @throws IllegalArgumentException naming the file when it lacks a host or a valid port
     * @throws UncheckedIOException when it cannot be read
     */
    public static ConnectionFile read(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Alchemist connection file " + file
                    + " (start a server with bin/alchemist-server, or pass host and port)", e);
        }
        String host = p.getProperty("host");
        String port = p.getProperty("port");
        if (host == null || port == null) {
            throw new IllegalArgumentException("connection file " + file + " needs host= and port= lines");
        }
        try {
            return new ConnectionFile(host.trim(), Integer.parseInt(port.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("connection file " + file + " has a bad port: " + port, e);
        }
    }
}
