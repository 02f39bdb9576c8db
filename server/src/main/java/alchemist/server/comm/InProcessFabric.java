package alchemist.server.comm;

import alchemist.server.comm.Communicator.Envelope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedded mode's message passing: {@code size} ranks that are threads of one JVM, each with a mailbox.
 * {@link #communicator(int)} gives rank r's end of the world communicator. Every communicator has a
 * context ID that its messages carry, so groups never see each other's messages; messages between a
 * pair of ranks with one tag in one context arrive in the order they were sent, as in MPI.
 */
public final class InProcessFabric {
    private final Mailbox[] mailboxes;
    private final Map<String, Context> groups = new ConcurrentHashMap<>();
    private final AtomicInteger lastContextId = new AtomicInteger();
    private final Context world;

    /** @param size number of ranks (driver plus workers) */
    public InProcessFabric(int size) {
        mailboxes = new Mailbox[size];
        int[] ranks = new int[size];
        for (int r = 0; r < size; r++) {
            mailboxes[r] = new Mailbox();
            ranks[r] = r;
        }
        world = new Context(0, ranks, null);
    }

    /** @return rank {@code rank}'s world communicator */
    public Communicator communicator(int rank) {
        return new InProcessCommunicator(world, rank);
    }

    /** A communicator's identity: its ID, its members' world ranks, and whether it was aborted. */
    private static final class Context {
        final int id;
        final int[] worldRanks;
        final String key;
        final AtomicInteger open;
        volatile String abortReason;

        Context(int id, int[] worldRanks, String key) {
            this.id = id;
            this.worldRanks = worldRanks;
            this.key = key;
            this.open = new AtomicInteger(worldRanks.length);
        }
    }

    /** A message in a mailbox: a byte[] or a double[] payload. */
    private record Item(int context, int source, int tag, Object payload) {
    }

    private final class InProcessCommunicator implements Communicator {
        private final Context context;
        private final int rank;
        private final Map<String, Integer> groupsMade = new ConcurrentHashMap<>();

        InProcessCommunicator(Context context, int rank) {
            this.context = context;
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return context.worldRanks.length;
        }

        @Override
        public void send(byte[] data, int dest, int tag) {
            post(data.clone(), dest, tag);
        }

        @Override
        public Envelope recv(int source, int tag) {
            Item item = take(source, tag);
            if (!(item.payload() instanceof byte[] bytes)) {
                throw new IllegalStateException("expected bytes from rank " + item.source() + " (tag " + tag + "), got doubles");
            }
            return new Envelope(item.source(), tag, bytes);
        }

        @Override
        public void sendDoubles(double[] buf, int offset, int length, int dest, int tag) {
            post(Arrays.copyOfRange(buf, offset, offset + length), dest, tag);
        }

        @Override
        public void recvDoubles(double[] buf, int offset, int length, int source, int tag) {
            Item item = take(source, tag);
            if (!(item.payload() instanceof double[] values) || values.length != length) {
                throw new IllegalStateException("expected " + length + " doubles from rank " + item.source() + " (tag "
                        + tag + "), got " + (item.payload() instanceof double[] d ? d.length + " doubles" : "bytes"));
            }
            System.arraycopy(values, 0, buf, offset, length);
        }

        @Override
        public Communicator createGroup(int[] ranks) {
            int[] worldRanks = new int[ranks.length];
            int myIndex = -1;
            for (int i = 0; i < ranks.length; i++) {
                worldRanks[i] = context.worldRanks[ranks[i]];
                if (ranks[i] == rank) {
                    myIndex = i;
                }
            }
            if (myIndex < 0) {
                throw new IllegalArgumentException("rank " + rank + " is not among " + Arrays.toString(ranks));
            }
            // The n-th group a rank makes of these members is the n-th that each of them makes.
            String members = context.id + ":" + Arrays.toString(worldRanks);
            int nth = groupsMade.merge(members, 1, Integer::sum);
            String key = members + "#" + nth;
            Context group = groups.computeIfAbsent(key, k -> new Context(lastContextId.incrementAndGet(), worldRanks, k));
            return new InProcessCommunicator(group, myIndex);
        }

        @Override
        public void abort(String reason) {
            context.abortReason = reason;
            for (int w : context.worldRanks) {
                mailboxes[w].wake();
            }
        }

        @Override
        public void close() {
            if (context == world) {
                mailboxes[context.worldRanks[rank]].close();
            } else if (context.open.decrementAndGet() == 0) {
                groups.remove(context.key);
            }
        }

        private void post(Object payload, int dest, int tag) {
            mailboxes[context.worldRanks[dest]].put(new Item(context.id, rank, tag, payload));
        }

        private Item take(int source, int tag) {
            return mailboxes[context.worldRanks[rank]].take(context, source, tag);
        }
    }

    /** One rank's incoming messages; a receive takes the oldest that matches. */
    private static final class Mailbox {
        private final List<Item> queue = new ArrayList<>();
        private boolean closed;

        synchronized void put(Item e) {
            queue.add(e);
            notifyAll();
        }

        synchronized Item take(Context context, int source, int tag) {
            while (true) {
                for (Iterator<Item> it = queue.iterator(); it.hasNext(); ) {
                    Item e = it.next();
                    if (e.context() == context.id && e.tag() == tag
                            && (source == Communicator.ANY_SOURCE || e.source() == source)) {
                        it.remove();
                        return e;
                    }
                }
                if (context.abortReason != null) {
                    throw new CommunicatorClosedException("aborted: " + context.abortReason);
                }
                if (closed) {
                    throw new CommunicatorClosedException("communicator closed while receiving");
                }
                try {
                    wait();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CommunicatorClosedException("interrupted while receiving");
                }
            }
        }

        synchronized void wake() {
            notifyAll();
        }

        synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
