package alchemist.server.comm;

import java.nio.ByteBuffer;

/**
 * Collectives built from point-to-point messages on {@link Communicator#COLLECTIVE_TAG}: linear through
 * the root, which is what a handful of workers needs. Ranks call them in the same order, so messages of
 * successive collectives between two ranks cannot be confused (one tag, first in, first out).
 */
final class PointToPointCollectives {
    private static final int TAG = Communicator.COLLECTIVE_TAG;
    private static final byte[] EMPTY = new byte[0];

    private PointToPointCollectives() {
    }

    static void barrier(Communicator c) {
        if (c.rank() == 0) {
            for (int r = 1; r < c.size(); r++) {
                c.recv(r, TAG);
            }
            for (int r = 1; r < c.size(); r++) {
                c.send(EMPTY, r, TAG);
            }
        } else {
            c.send(EMPTY, 0, TAG);
            c.recv(0, TAG);
        }
    }

    static void bcast(Communicator c, double[] buf, int offset, int length, int root) {
        if (c.rank() == root) {
            for (int r = 0; r < c.size(); r++) {
                if (r != root) {
                    c.sendDoubles(buf, offset, length, r, TAG);
                }
            }
        } else {
            c.recvDoubles(buf, offset, length, root, TAG);
        }
    }

    static void allreduce(Communicator c, double[] buf, int offset, int length, ReduceOp op) {
        if (c.rank() == 0) {
            double[] incoming = new double[length];
            for (int r = 1; r < c.size(); r++) {
                c.recvDoubles(incoming, 0, length, r, TAG);
                op.combine(buf, incoming, offset, length);
            }
        } else {
            c.sendDoubles(buf, offset, length, 0, TAG);
        }
        bcast(c, buf, offset, length, 0);
    }

    static double[][] gather(Communicator c, double[] local, int root) {
        if (c.rank() != root) {
            c.send(ByteBuffer.allocate(4).putInt(local.length).array(), root, TAG);
            c.sendDoubles(local, 0, local.length, root, TAG);
            return null;
        }
        double[][] all = new double[c.size()][];
        all[root] = local.clone();
        for (int r = 0; r < c.size(); r++) {
            if (r != root) {
                all[r] = new double[ByteBuffer.wrap(c.recv(r, TAG).data()).getInt()];
                c.recvDoubles(all[r], 0, all[r].length, r, TAG);
            }
        }
        return all;
    }
}
