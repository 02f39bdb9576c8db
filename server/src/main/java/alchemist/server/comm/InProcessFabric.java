package alchemist.server.comm;

import alchemist.server.comm.Communicator.Envelope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Embedded mode's message passing: {@code size} ranks that are threads of one JVM, each with a mailbox.
 * {@link #communicator(int)} gives rank r's end. Messages between a pair of ranks with one tag arrive in
 * the order they were sent, as in MPI.
 */
public final class InProcessFabric {
    private final Mailbox[] mailboxes;

    /** @param size number of ranks (driver plus workers) */
    public InProcessFabric(int size) {
        mailboxes = new Mailbox[size];
        for (int r = 0; r < size; r++) {
            mailboxes[r] = new Mailbox();
        }
    }

    /** @return rank {@code rank}'s communicator */
    public Communicator communicator(int rank) {
        return new InProcessCommunicator(rank);
    }

    private final class InProcessCommunicator implements Communicator {
        private final int rank;

        InProcessCommunicator(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return mailboxes.length;
        }

        @Override
        public void send(byte[] data, int dest, int tag) {
            mailboxes[dest].put(new Envelope(rank, tag, data.clone()));
        }

        @Override
        public Envelope recv(int source, int tag) {
            return mailboxes[rank].take(source, tag);
        }

        @Override
        public void close() {
            mailboxes[rank].close();
        }
    }

    /** One rank's incoming messages; a receive takes the oldest that matches. */
    private static final class Mailbox {
        private final List<Envelope> queue = new ArrayList<>();
        private boolean closed;

        synchronized void put(Envelope e) {
            queue.add(e);
            notifyAll();
        }

        synchronized Envelope take(int source, int tag) {
            while (true) {
                for (Iterator<Envelope> it = queue.iterator(); it.hasNext(); ) {
                    Envelope e = it.next();
                    if (e.tag() == tag && (source == Communicator.ANY_SOURCE || e.source() == source)) {
                        it.remove();
                        return e;
                    }
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

        synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
