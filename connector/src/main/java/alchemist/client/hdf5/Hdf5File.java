package alchemist.client.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HDF5 file opened for reading, the Java side of the seed's {@code read_from_hdf5(path)}: lists the
 * datasets of the file and hands out {@link Hdf5Dataset}s, which read a 2-D numeric dataset in row chunks.
 * Built on jhdf (pure Java), so no native HDF5 library is needed.
 *
 * <p><b>Dataset names.</b> A dataset is named by its path from the root group <em>without</em> a leading
 * slash, with {@code /} between groups: {@code "Reflectance"}, {@code "group/data"} (the form h5py accepts in
 * {@code f['group/data']}). {@link #dataset(String)} also accepts the absolute form {@code "/group/data"}.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use: reads through the datasets of one file are serialized on
 * that file, and {@link #close()} waits for a read in progress. A dataset read after the file is closed
 * fails with {@link IllegalStateException}.
 */
public final class Hdf5File implements AutoCloseable {
    private final Path path;
    private final HdfFile file;
    /** Every dataset reachable from the root without following links into groups, by name. */
    private final Map<String, Dataset> datasets;
    private boolean closed;

    private Hdf5File(Path path, HdfFile file) {
        this.path = path;
        this.file = file;
        this.datasets = new TreeMap<>();
        collect(file, "", datasets);
    }

    /**
     * Opens an HDF5 file for reading.
     *
     * @throws IllegalArgumentException if the file does not exist or is not a readable HDF5 file
     */
    public static Hdf5File open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such HDF5 file: " + path.toAbsolutePath());
        }
        HdfFile file;
        try {
            file = new HdfFile(path);
        } catch (HdfException e) {
            throw new IllegalArgumentException("cannot open " + path.toAbsolutePath() + " as HDF5: " + e.getMessage(),
                    e);
        }
        try {
            return new Hdf5File(path, file);
        } catch (RuntimeException e) {
            file.close();
            throw new IllegalArgumentException("cannot read the structure of " + path.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** @return the path this file was opened from */
    public Path path() {
        return path;
    }

    /**
     * Every dataset in the file, found recursively through its groups, in lexicographic order of name (see
     * the class comment for the naming convention). A soft or hard link to a dataset is listed under the
     * link's name; links to groups are not descended into (they could form cycles), but datasets under them
     * can still be opened by name with {@link #dataset(String)}.
     */
    public List<String> datasetNames() {
        return Collections.unmodifiableList(new ArrayList<>(datasets.keySet()));
    }

    /**
     * Opens a dataset for row-chunked reading as a matrix (see {@link Hdf5Dataset} for the shapes accepted).
     *
     * @param name {@code "group/data"} or {@code "/group/data"}
     * @throws IllegalArgumentException naming the file and its datasets if there is no dataset of that name,
     *                                  or if the dataset is not a numeric 1-D or 2-D dataset
     * @throws IllegalStateException    if this file is closed
     */
    public Hdf5Dataset dataset(String name) {
        return new Hdf5Dataset(this, lookup(name), -1);
    }

    /**
     * Opens the 2-D plane {@code [:, :, index]} of a 3-D numeric dataset as a matrix, the Java form of the
     * seed's {@code f['Reflectance'][:, :, 20]}. Rows are read with strided hyperslabs, so no more than the
     * requested rows of that plane are read, but a plane of a contiguous dataset is read element by element
     * by jhdf and is slower than a 2-D dataset.
     *
     * @throws IllegalArgumentException if there is no such dataset, it is not a numeric 3-D dataset, or the
     *                                  index is outside its last dimension
     * @throws IllegalStateException    if this file is closed
     */
    public Hdf5Dataset plane(String name, int lastIndex) {
        if (lastIndex < 0) {
            throw new IllegalArgumentException("negative plane index " + lastIndex + " for dataset '" + name + "'");
        }
        return new Hdf5Dataset(this, lookup(name), lastIndex);
    }

    private synchronized Dataset lookup(String name) {
        checkOpen();
        String key = normalize(name);
        Dataset found = datasets.get(key);
        if (found == null && !key.isEmpty()) {
            // Not reachable without following a link into a group: let jhdf resolve the path.
            try {
                Node node = file.getByPath(key);
                if (node instanceof Link) {
                    node = ((Link) node).getTarget();
                }
                if (node instanceof Dataset) {
                    found = (Dataset) node;
                } else if (node != null) {
                    throw new IllegalArgumentException("'" + name + "' in " + path.toAbsolutePath()
                            + " is a " + node.getType() + ", not a dataset; datasets: " + datasets.keySet());
                }
            } catch (HdfException e) {
                found = null;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no dataset '" + name + "' in " + path.toAbsolutePath()
                    + "; datasets: " + datasets.keySet());
        }
        return found;
    }

    private static String normalize(String name) {
        String key = name;
        while (key.startsWith("/")) {
            key = key.substring(1);
        }
        return key;
    }

    private static void collect(Group group, String prefix, Map<String, Dataset> out) {
        for (Node child : group.getChildren().values()) {
            String name = prefix + child.getName();
            if (child.isLink()) {
                Node target;
                try {
                    target = ((Link) child).getTarget();
                } catch (HdfException e) {
                    continue; // broken or external link: nothing to list
                }
                if (target instanceof Dataset) {
                    out.put(name, (Dataset) target);
                }
            } else if (child instanceof Dataset) {
                out.put(name, (Dataset) child);
            } else if (child instanceof Group) {
                collect((Group) child, name + "/", out);
            }
        }
    }

    synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("HDF5 file " + path.toAbsolutePath() + " is closed");
        }
    }

    /** Closes the file; idempotent. Datasets of this file cannot be read afterwards. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            file.close();
        }
    }

    @Override
    public String toString() {
        return "Hdf5File[" + path + "]";
    }
}
