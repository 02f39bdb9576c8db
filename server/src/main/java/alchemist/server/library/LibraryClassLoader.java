package alchemist.server.library;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads a library's classes from its own jar first, so that a library brings its own versions of
 * whatever it bundles; only the platform, the task SPI and the server, and the BLAS/LAPACK come from the
 * server, so that every library shares them.
 */
final class LibraryClassLoader extends URLClassLoader {
    private static final String[] SHARED = {
        "java.", "javax.", "jdk.", "sun.", "alchemist.task.", "alchemist.server.", "alchemist.protocol.",
        "dev.ludovic.netlib.", "org.netlib.", "org.slf4j.", "io.netty."
    };

    static {
        registerAsParallelCapable();
    }

    LibraryClassLoader(String name, URL jar, ClassLoader parent) {
        super(name, new URL[] {jar}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notInJar) {
                    return super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    private static boolean isShared(String className) {
        for (String prefix : SHARED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
