package alchemist.allib;

import alchemist.task.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * The upper triangle of an n × n Gramian cut into tiles of columns, to compute as independent pieces: the
 * columns are cut into ⌈n / {@value #WIDTH}⌉ near-equal blocks I, and tile (I, J), I ≤ J, is G[I, J] =
 * A_Iᵀ·A_J (a DGEMM), or the upper triangle of A_Iᵀ·A_I (a DSYRK) on the diagonal. The cut depends on n
 * alone, so a Gramian summed tile by tile is bit-identical on any number of threads; for n ≤ {@value #WIDTH}
 * the one tile is the whole Gramian.
 */
final class GramianTiles {
    /** Columns per tile at most: wide enough for efficient BLAS calls, narrow enough for several pieces. */
    static final int WIDTH = 256;

    private GramianTiles() {
    }

    /** What to compute for one tile: columns [i0, i0 + iw) against [j0, j0 + jw); diagonal when i0 == j0. */
    @FunctionalInterface
    interface Tile {
        void compute(int i0, int iw, int j0, int jw);
    }

    /** @return the column edges of the tiles of an n × n Gramian */
    static int[] edges(int n) {
        return Blocks.nearEqual(n, Math.max(1, (n + WIDTH - 1) / WIDTH));
    }

    /**
     * Copies the upper triangle of a diagonal tile, computed apart (column-major w × w, leading dimension w),
     * into g (n × n) at [i0, i0 + w). Diagonal tiles go through a buffer of their own because
     * dev.ludovic.netlib checks DSYRK's C as if it spanned w full columns of g from its offset, past the end of
     * g for the last tile.
     */
    static void putDiagonal(double[] tile, int w, double[] g, int i0, int n) {
        for (int j = 0; j < w; j++) {
            System.arraycopy(tile, j * w, g, i0 + (i0 + j) * n, j + 1);
        }
    }

    /** Computes every tile of the upper triangle, off-diagonal tiles (twice the work) first. */
    static void forEach(Parallel parallel, int n, Tile tile) {
        int[] e = edges(n);
        List<Runnable> offDiagonal = new ArrayList<>();
        List<Runnable> diagonal = new ArrayList<>();
        for (int i = 0; i + 1 < e.length; i++) {
            for (int j = i; j + 1 < e.length; j++) {
                int i0 = e[i];
                int iw = e[i + 1] - i0;
                int j0 = e[j];
                int jw = e[j + 1] - j0;
                (i == j ? diagonal : offDiagonal).add(() -> tile.compute(i0, iw, j0, jw));
            }
        }
        offDiagonal.addAll(diagonal);
        parallel.run(offDiagonal);
    }
}
