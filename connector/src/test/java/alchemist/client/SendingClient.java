package alchemist.client;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client for {@link KilledClientTest} to run in a JVM of its own: it takes every worker of the server
 * at {@code host port}, starts sending a 400 MB matrix generated row by row in 64 KiB messages, prints
 * "SENDING" once the first blocks have been stored, and from then on sends slowly enough that it is
 * still sending when the test kills it. Prints "DONE" if it ever finishes.
 */
public final class SendingClient {
    static final String SENDING = "SENDING";
    private static final long ROWS = 100_000;
    private static final int COLS = 500;

    private SendingClient() {
    }

    public static void main(String[] args) {
        try (AlchemistSession als = new AlchemistSession()) {
            als.setTransfer(64 << 10, 4);
            als.connect(args[0], Integer.parseInt(args[1]));
            als.requestWorkers(als.listAllWorkers().size());
            als.workers().connect();
            als.send(new GeneratedRows());
        }
        System.out.println("DONE");
    }

    /** Rows made up as they are read; after the first few blocks, each read takes a few milliseconds. */
    private static final class GeneratedRows implements RowSource {
        private final AtomicInteger reads = new AtomicInteger();

        @Override
        public long numRows() {
            return ROWS;
        }

        @Override
        public int numCols() {
            return COLS;
        }

        @Override
        public void readRows(long firstRow, int count, double[] dst) {
            for (int i = 0; i < count * COLS; i++) {
                dst[i] = (firstRow * COLS + i) * 0.5;
            }
            int n = reads.incrementAndGet();
            if (n == 40) {
                // With 4 workers and 4 messages in flight per worker, 40 reads mean blocks have been stored.
                System.out.println(SENDING);
                System.out.flush();
            }
            if (n >= 40) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
