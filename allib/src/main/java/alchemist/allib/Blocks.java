package alchemist.allib;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a loop over {@code total} items (rows, columns, chunks) into blocks to run as {@link
 * alchemist.task.Parallel} pieces. The cut depends on the sizes of the work alone, never on the number of
 * threads, so that a result computed block by block is the same, bit for bit, whatever runs the blocks.
 */
final class Blocks {
    /** Flops below which a piece is not worth handing to another thread (about a millisecond of DGEMM). */
    static final long MIN_FLOPS = 1L << 24;
    /** Enough pieces to balance many threads, few enough that each is a sizeable call. */
    static final int MAX_PIECES = 64;

    private Blocks() {
    }

    /** The body of one block: items [start, end). */
    @FunctionalInterface
    interface Body {
        void run(int start, int end);
    }

    /**
     * @param total items to cut, ≥ 0
     * @param flops the work of all of them
     * @return the edges {@code 0 = e[0] < e[1] < … < e[count] = total} of near-equal blocks, as many as the
     *         work is worth (at least one if total &gt; 0, none if 0)
     */
    static int[] edges(int total, long flops) {
        if (total == 0) {
            return new int[] {0};
        }
        return nearEqual(total, (int) Math.min(Math.min(total, MAX_PIECES), Math.max(1, flops / MIN_FLOPS)));
    }

    /** @return the edges of {@code count} ≥ 1 blocks of {@code total} items, their sizes differing by 1 at most */
    static int[] nearEqual(int total, int count) {
        int[] e = new int[count + 1];
        for (int i = 0; i <= count; i++) {
            e[i] = (int) ((long) total * i / count);
        }
        return e;
    }

    /** @return one piece per block between consecutive {@code edges}, each running {@code body} on its block */
    static List<Runnable> pieces(int[] edges, Body body) {
        List<Runnable> pieces = new ArrayList<>(edges.length - 1);
        for (int i = 0; i + 1 < edges.length; i++) {
            int start = edges[i];
            int end = edges[i + 1];
            pieces.add(() -> body.run(start, end));
        }
        return pieces;
    }
}
