package alchemist.spark;

import alchemist.client.SessionTicket;
import alchemist.client.SharedConnections;
import alchemist.client.transfer.BlockFetcher;
import alchemist.client.transfer.IndexedRowSender;
import alchemist.protocol.MatrixLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;

/**
 * What Spark tasks run on the executors: stream a partition's rows to the workers, or pull a row range
 * back. Both go through this JVM's {@link SharedConnections}, so an executor opens one connection per
 * worker however many tasks it runs.
 */
final class RowStreams {
    private RowStreams() {
    }

    /** Sends every row of a partition to the worker that owns its index. */
    static void send(SessionTicket ticket, MatrixLayout layout, Iterator<IndexedRow> rows) {
        IndexedRowSender sender = new IndexedRowSender(layout, id -> SharedConnections.get(ticket, id),
                ticket.messageBytes(), ticket.window());
        while (rows.hasNext()) {
            IndexedRow r = rows.next();
            sender.add(r.index(), valuesOf(r.vector()));
        }
        sender.finish();
    }

    /** @return a range's rows, fetched from its worker */
    static Iterator<IndexedRow> fetch(SessionTicket ticket, MatrixLayout layout, RowRange range) {
        double[][] rows = new double[range.rows()][(int) layout.numCols()];
        new BlockFetcher(ticket.messageBytes(), ticket.window()).fetch(layout, range.start(), range.end(), 0,
                (int) layout.numCols(), rows, Map.of(range.workerId(), SharedConnections.get(ticket, range.workerId())));
        List<IndexedRow> out = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            out.add(new IndexedRow(range.start() + i, new DenseVector(rows[i])));
        }
        return out.iterator();
    }

    /** @return a vector's values, without a copy when it is dense */
    static double[] valuesOf(Vector v) {
        return v instanceof DenseVector d ? d.values() : v.toArray();
    }
}
