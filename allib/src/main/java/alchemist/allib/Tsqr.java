package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.task.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * Tall-skinny QR (TSQR, Demmel, Grigori, Hoemmen and Langou 2012) of an m × n block (m ≥ n) whose rows are
 * spread over the ranks of a communicator, each rank holding its rows column-major with leading dimension
 * max(1, rows), or held whole by one rank ({@code comm == null}); allib's one QR of distributed blocks
 * (qr, least_squares, and the SVDs' orthonormalizations). A reduction tree of depth two:
 * <ol>
 * <li>each rank cuts its mᵢ rows into chunks of at least {@value #MIN_CHUNK_ROWS} rows and 4n (one chunk
 * when it has fewer; the cut depends on the sizes alone, never on the threads) and factors each,
 * A_c = Q_c·R_c (DGEQRF), on its threads; R_c is r_c × n upper trapezoidal with r_c = min(rows_c, n), so a
 * rank with fewer rows than n (or none) takes part with what it has. With several chunks the rank factors
 * the stack of their R_c the same way (the first level of the tree);</li>
 * <li>rank 0 gathers the ranks' R factors, stacks them (s ≥ n rows since m ≥ n) and factors the stack,
 * [R₀; …; R_{p-1}] = Q̂R (DGEQRF, DORGQR), then flips signs so that R's diagonal is non-negative (R is then
 * unique when A has full rank);</li>
 * <li>rank 0 broadcasts R and, if Q is wanted, sends each rank its rows Q̂ᵢ of Q̂; each rank forms its rows
 * of Q chunk by chunk, Q_c·(Q̂_c·Q̂ᵢ) (DORGQR, then DGEMM), Q̂_c being the chunk's rows of its own stack's Q.</li>
 * </ol>
 * One rank alone skips the second level. Cost with p ranks: per rank about 4·mᵢ·n² flops with Q (2·mᵢ·n² for
 * R alone, plus 2·mᵢ·n² for the products), plus O(chunks·n³) per rank and O(p·n³) on rank 0; communication:
 * at most min(m, p·n)·n values to rank 0, n² to each rank (R) and rᵢ·n to rank i (its piece of Q̂), point to
 * point rather than broadcast so that a wide n costs each rank only its own piece. Memory: each rank a copy of
 * its rows (LAPACK works in place); rank 0 the s × n stack (s ≤ p·n). Backward stable like Householder QR:
 * ‖QᵀQ − I‖ and ‖QR − A‖/‖A‖ are O(ε) whatever A's condition; R is the same on every rank bit for bit, and
 * the result does not depend on the number of threads.
 */
final class Tsqr {
    /** Tag of the point-to-point messages carrying Q̂'s pieces; collectives use their own. */
    private static final int TAG_Q_PIECE = 17;
    /** The fewest rows a chunk gets (and at least 4n): fewer would make the chunks' stack costly. */
    static final int MIN_CHUNK_ROWS = 4096;
    /** The most chunks a rank cuts its rows into. */
    static final int MAX_CHUNKS = 16;

    /**
     * A = Q·R.
     *
     * @param q this rank's rows of Q, column-major (rows × n, leading dimension max(1, rows)), or null when
     *          not asked for
     * @param r R, column-major n × n upper triangular with a non-negative diagonal, the same on every rank
     */
    record Factor(double[] q, double[] r) {
        /** @return R's i-th diagonal entry, for an n-column factor */
        double diagonal(int i, int n) {
            return r[i + i * n];
        }
    }

    private Tsqr() {
    }

    /**
     * Factors A = Q·R. Collective unless comm is null: every rank calls it with its rows of the same A.
     *
     * @param a     this rank's rows, column-major with leading dimension max(1, rows); not modified
     * @param rows  mᵢ (may be 0)
     * @param wantQ whether to form this rank's rows of Q
     * @throws IllegalArgumentException if n × n or the stack of R factors does not fit one array
     * @throws IllegalStateException    if A has fewer rows than columns
     */
    static Factor factor(Communicator comm, Parallel parallel, double[] a, int rows, int n, boolean wantQ) {
        return factor(comm, parallel, a, false, rows, n, wantQ);
    }

    /**
     * {@link #factor} of a rank's rows held row-major (rows × n, a task's input as it is stored): each chunk is
     * read straight into its own column-major copy, so no whole column-major copy of the rows is made.
     */
    static Factor factorRows(Communicator comm, Parallel parallel, double[] rowMajor, int rows, int n, boolean wantQ) {
        return factor(comm, parallel, rowMajor, true, rows, n, wantQ);
    }

    private static Factor factor(Communicator comm, Parallel parallel, double[] a, boolean rowMajor, int rows, int n,
            boolean wantQ) {
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("TSQR: A has too many columns (" + n + ") for an n x n R in one array");
        }
        int ld = Math.max(1, rows);
        int[] edges = chunkEdges(rows, n);
        Chunk[] chunks = new Chunk[edges.length - 1];
        parallel.run(eachChunk(chunks.length, c -> chunks[c] = Chunk.factor(a, rowMajor, ld, edges[c], edges[c + 1], n)));
        // The first level: this rank's R from its chunks' (one chunk: its own).
        Stack local = chunks.length == 1 ? null : Stack.factor(rFactors(chunks), n);
        double[] rLocal = local == null ? chunks[0].r() : local.upperRows();
        boolean alone = comm == null || comm.size() == 1;

        // The second level, on rank 0: R of the ranks' stacked R factors (alone: this rank's own).
        double[][] pieces = alone ? new double[][] {rLocal} : comm.gather(rLocal, 0);
        boolean root = alone || comm.rank() == 0;
        Stack global = null;
        double[] rTop = rLocal;
        int ldTop = rLocal.length / Math.max(1, n);
        if (root && !alone) {
            global = Stack.factor(pieces, n);
            rTop = global.factored;
            ldTop = global.rows;
        }
        double[] rFinal = new double[n * n];
        double[] sign = new double[n];
        if (root) {
            if (ldTop < n) {
                throw new IllegalStateException("TSQR: the stacked R factors have " + ldTop + " < " + n + " rows");
            }
            for (int i = 0; i < n; i++) {
                sign[i] = rTop[i + i * ldTop] < 0 ? -1 : 1;
                for (int j = i; j < n; j++) {
                    rFinal[i + j * n] = sign[i] * rTop[i + j * ldTop];
                }
            }
        }
        if (!alone) {
            comm.bcast(rFinal, 0, rFinal.length, 0);
        }
        if (!wantQ) {
            return new Factor(null, rFinal);
        }

        // This rank's rows of the second level's Q (rLocal's rows × n), with R's signs on its columns.
        int rRank = rLocal.length / Math.max(1, n);
        double[] qRank = alone ? null : distributeQHat(comm, pieces, global, n, sign, rRank);
        double[] q = new double[ld * n];
        double[] localQ = local == null ? null : local.q();
        parallel.run(eachChunk(chunks.length,
                c -> chunks[c].formQ(q, ld, n, chunkFactor(chunks[c], chunks, local, localQ, qRank, sign, rRank, n))));
        return new Factor(q, rFinal);
    }

    /**
     * @return the n-column factor M_c by which the chunk's Q_c is multiplied (r_c × n, column-major), or null
     *         when it is diag(sign) (one chunk on one rank alone: a sign flip, no product)
     */
    private static double[] chunkFactor(Chunk c, Chunk[] chunks, Stack local, double[] localQ, double[] qRank,
            double[] sign, int rRank, int n) {
        if (local == null) {
            return qRank; // null alone: signs only
        }
        // Q̂_c, the chunk's rows of this rank's stack's Q (r_c × rRank), times Q̂ᵢ (rRank × n; alone: diag(sign)).
        int at = 0;
        for (Chunk other : chunks) {
            if (other == c) {
                break;
            }
            at += other.r;
        }
        double[] m = new double[Math.max(1, c.r) * n];
        if (c.r == 0) {
            return m;
        }
        if (qRank == null) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < c.r; i++) {
                    m[i + j * c.r] = sign[j] * localQ[(at + i) + j * local.rows];
                }
            }
        } else {
            Dense.gemm("N", "N", c.r, n, rRank, 1, localQ, at, local.rows, qRank, 0, rRank, 0, m, 0, c.r);
        }
        return m;
    }

    /** @return one piece per chunk index, running {@code body} on it */
    private static List<Runnable> eachChunk(int count, java.util.function.IntConsumer body) {
        List<Runnable> pieces = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            int chunk = c;
            pieces.add(() -> body.accept(chunk));
        }
        return pieces;
    }

    /** @return the edges of this rank's chunks: each at least MIN_CHUNK_ROWS and 4n rows, at most MAX_CHUNKS */
    static int[] chunkEdges(int rows, int n) {
        long least = Math.max(MIN_CHUNK_ROWS, 4L * n);
        int count = (int) Math.max(1, Math.min(MAX_CHUNKS, rows / least));
        return Blocks.nearEqual(Math.max(rows, 0), count);
    }

    private static double[][] rFactors(Chunk[] chunks) {
        double[][] r = new double[chunks.length][];
        for (int i = 0; i < chunks.length; i++) {
            r[i] = chunks[i].r();
        }
        return r;
    }

    /** One chunk of a rank's rows, factored in place: R above the diagonal, reflectors below, their factors in tau. */
    private static final class Chunk {
        final int start;
        final int rows;
        final int r;
        final double[] factored;
        final double[] tau;

        private Chunk(int start, int rows, int r, double[] factored, double[] tau) {
            this.start = start;
            this.rows = rows;
            this.r = r;
            this.factored = factored;
            this.tau = tau;
        }

        /** @param a the rank's rows, row-major (rows × n) or column-major with leading dimension ld */
        static Chunk factor(double[] a, boolean rowMajor, int ld, int r0, int r1, int n) {
            int rows = r1 - r0;
            int cld = Math.max(1, rows);
            double[] f = new double[cld * n];
            for (int j = 0; j < n; j++) {
                if (rowMajor) {
                    for (int i = 0; i < rows; i++) {
                        f[i + j * cld] = a[(r0 + i) * n + j];
                    }
                } else {
                    System.arraycopy(a, r0 + j * ld, f, j * cld, rows);
                }
            }
            int r = Math.min(rows, n);
            double[] tau = new double[Math.max(1, r)];
            if (rows > 0) {
                Dense.geqrf(rows, n, f, cld, tau);
            }
            return new Chunk(r0, rows, r, f, tau);
        }

        /** @return the first r rows of the factored upper trapezoid, column-major r × n */
        double[] r() {
            int n = factored.length / Math.max(1, rows);
            return upperRows(factored, Math.max(1, rows), r, n);
        }

        /**
         * Writes this chunk's rows of Q = Q_c·M into q (leading dimension ld), or Q_c with signs flipped
         * when M is null.
         */
        void formQ(double[] q, int ld, int n, double[] m) {
            if (rows == 0) {
                return;
            }
            int cld = rows;
            if (m == null) {
                // Alone with one chunk: Q_c (rows ≥ n) with R's signs, which the caller left in the chunk's
                // diagonal: flip column j where R's diagonal is negative.
                double[] signs = new double[n];
                for (int j = 0; j < n; j++) {
                    signs[j] = factored[j + j * cld] < 0 ? -1 : 1;
                }
                Dense.orgqr(rows, n, n, factored, cld, tau);
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < rows; i++) {
                        q[start + i + j * ld] = signs[j] * factored[i + j * cld];
                    }
                }
                return;
            }
            Dense.orgqr(rows, r, r, factored, cld, tau);
            Dense.gemm("N", "N", rows, n, r, 1, factored, 0, cld, m, 0, Math.max(1, r), 0, q, start, ld);
        }
    }

    /** Stacked R factors, factored: the nodes of the reduction tree. */
    private static final class Stack {
        final int rows;
        final int n;
        final double[] factored;
        final double[] tau;
        final int[] pieceRows;

        private Stack(int rows, int n, double[] factored, double[] tau, int[] pieceRows) {
            this.rows = rows;
            this.n = n;
            this.factored = factored;
            this.tau = tau;
            this.pieceRows = pieceRows;
        }

        /** @param pieces column-major r_i × n each */
        static Stack factor(double[][] pieces, int n) {
            long stacked = 0;
            for (double[] p : pieces) {
                stacked += p.length / Math.max(1, n);
            }
            if (stacked * n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("TSQR: A has too many columns (" + n + "): the " + stacked + " x " + n
                        + " stack of R factors does not fit one array");
            }
            int s = (int) stacked;
            double[] st = new double[Math.max(1, s) * n];
            int[] pieceRows = new int[pieces.length];
            int at = 0;
            for (int i = 0; i < pieces.length; i++) {
                int pr = pieces[i].length / Math.max(1, n);
                for (int j = 0; j < n; j++) {
                    System.arraycopy(pieces[i], j * pr, st, at + j * s, pr);
                }
                pieceRows[i] = pr;
                at += pr;
            }
            double[] tau = new double[Math.max(1, Math.min(s, n))];
            if (s > 0) {
                Dense.geqrf(s, n, st, Math.max(1, s), tau);
            }
            return new Stack(s, n, st, tau, pieceRows);
        }

        /** @return the first min(rows, n) rows of R, column-major */
        double[] upperRows() {
            return Tsqr.upperRows(factored, Math.max(1, rows), Math.min(rows, n), n);
        }

        /** @return the stack's Q, column-major rows × min(rows, n) (leading dimension rows); the factors are kept */
        double[] q() {
            int r = Math.min(rows, n);
            double[] q = java.util.Arrays.copyOf(factored, Math.max(1, rows) * r);
            if (rows > 0) {
                Dense.orgqr(rows, r, r, q, Math.max(1, rows), tau);
            }
            return q;
        }
    }

    /** @return the first r rows of the upper trapezoid of a column-major factor, column-major r × n */
    private static double[] upperRows(double[] factored, int ld, int r, int n) {
        double[] out = new double[r * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= Math.min(j, r - 1); i++) {
                out[i + j * r] = factored[i + j * ld];
            }
        }
        return out;
    }

    /**
     * Rank 0 forms the second level's Q and sends each rank its rows, with R's signs on its columns; every rank
     * returns its own piece (column-major rRank × n).
     */
    private static double[] distributeQHat(Communicator comm, double[][] pieces, Stack global, int n, double[] sign,
            int rRank) {
        if (comm.rank() == 0) {
            double[] q = global.q();
            int at = 0;
            List<double[]> out = new ArrayList<>();
            for (int rank = 0; rank < pieces.length; rank++) {
                int pr = global.pieceRows[rank];
                double[] piece = new double[pr * n];
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < pr; i++) {
                        piece[i + j * pr] = sign[j] * q[(at + i) + j * global.rows];
                    }
                }
                at += pr;
                out.add(piece);
            }
            for (int rank = 1; rank < pieces.length; rank++) {
                double[] piece = out.get(rank);
                if (piece.length > 0) {
                    // After the broadcast of R, when every rank is past it and about to receive (no send
                    // may wait on a rank still blocked in a collective).
                    comm.sendDoubles(piece, 0, piece.length, rank, TAG_Q_PIECE);
                }
            }
            return out.get(0);
        }
        double[] piece = new double[rRank * n];
        if (piece.length > 0) {
            comm.recvDoubles(piece, 0, piece.length, 0, TAG_Q_PIECE);
        }
        return piece;
    }
}
