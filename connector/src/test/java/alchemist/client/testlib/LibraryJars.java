package alchemist.client.testlib;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Builds library jars for tests from the compiled test classes. */
public final class LibraryJars {
    private LibraryJars() {
    }

    /** Writes a jar holding {@link FailingLibrary} and its service entry. */
    public static Path writeFailingLibrary(Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : new Class<?>[] {FailingLibrary.class, FailingLibrary.FailOn.class}) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
            }
            out.putNextEntry(new JarEntry("META-INF/services/alchemist.task.Library"));
            OutputStream o = out;
            o.write((FailingLibrary.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}
