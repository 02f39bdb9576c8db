package alchemist.allib;

import alchemist.server.LapackReference;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import alchemist.task.Parallel;

/**
 * The top k singular triplets of a matrix spread over ranks in row blocks, by a thick-restarted block
 * Golub–Kahan–Lanczos bidiagonalization with full reorthogonalization: a Krylov method that works on A
 * itself, never on AᵀA, so that it keeps the accuracy of a backward-stable SVD (singular values to about
 * machine precision times ‖A‖) where the Gramian squares the condition number.
 *
 * <h2>Algorithm</h2>
 * Two orthonormal bases are grown a block of b = min(r, max(k, {@value #MIN_BLOCK})) columns at a time
 * (r = min(m, n)): V (n × s), which rank 0 alone keeps, and U (m × s), which is spread over the ranks
 * like A, together with the s × s projection B = UᵀAV, which rank 0 keeps and for which A·V = U·B holds.
 * <ol>
 * <li>Start: V₁ = orth(Aᵀ·Ω) for a pseudo-random m × b block Ω, fixed by a seed and the global row index,
 * so that it is the same for every number of workers and lies in A's row space.</li>
 * <li>Each iteration takes the newest block Vⱼ of V, which every rank has: P = A·Vⱼ (local rows, no
 * communication); Uⱼ is P orthonormalized against U (BCGS2 with TSQR, see {@link Tsqr}); then one
 * allreduce carries both B's new columns [U, Uⱼ]ᵀ·P and Z = Aᵀ·Uⱼ (n × b), which rank 0 orthogonalizes
 * against V.</li>
 * <li>Rayleigh–Ritz on rank 0: B = X·Σ·Yᵀ (DGESDD on s × s). The Ritz triplets (σᵢ, U·xᵢ, V·yᵢ) satisfy
 * A·(V·yᵢ) = σᵢ·U·xᵢ and ‖Aᵀ·U·xᵢ − σᵢ·V·yᵢ‖ = ‖Z⊥·xᵢ'‖, where xᵢ' holds the rows of xᵢ for the newest
 * block. Converged when that residual is at most {@value #TOLERANCE}·σ₁ or {@value #RELATIVE_TOLERANCE}·σᵢ
 * for each of the top k: each singular value is then within the residual of one of A's whatever the gaps,
 * and within about residual²/gap, so the σᵢ come out to 1e-9 relative down to about 1e-8·σ₁ (see the
 * tests); the relative test ends a flat spectrum's iteration a few steps earlier.</li>
 * <li>Otherwise rank 0 orthonormalizes Z⊥ into Vⱼ₊₁ and broadcasts it with its decision (one broadcast of
 * n·b + O(s·b) values). When V would exceed s_max = min(r, b + max({@value #BASIS_BLOCKS}·b,
 * {@value #MIN_BASIS})) columns the method restarts thickly: V and U shrink to the top
 * {@value #KEPT_FIFTHS}/5·s_max Ritz vectors and B to their Ritz
 * values, and the new block continues the iteration, so that what was learnt is kept.</li>
 * <li>When the bases reach r columns they span A's row (or column) space and the Ritz values are exact.</li>
 * </ol>
 * Directions that vanish (rank-deficient A) are replaced by pseudo-random ones, so U and V stay
 * orthonormal; singular values then come out as 0 with orthonormal singular vectors. After
 * {@value #MAX_ITERATIONS} iterations a residual up to {@value #ACCEPTABLE}·σ₁ is accepted and a larger one
 * fails the task. On random Gaussian matrices (a flat spectrum, the hard case) k = 20 takes about 60
 * iterations for 6,000 × 3,000 and 76 for 20,000 × 10,000; a decaying spectrum takes a few.
 *
 * <h2>Cost</h2>
 * Per iteration, with p ranks and s ≤ s_max the basis size: 4·m·n·b/p flops per rank for the products
 * with A and Aᵀ, about 8·m·s·b/p for U's orthogonalization and B's columns, and on rank 0 about 12·n·s·b
 * for V's (three projections) plus O(s³) for the small SVD. Communication: one allreduce of (n + s)·b values, one broadcast of
 * n·b + O(s·b), and for TSQR two gathers of b² per rank and two broadcasts of (p + 1)·b². Memory: U's
 * m/p × s_max on every rank, V's n × s_max and B's s_max² on rank 0.
 */
final class Krylov {
    /** Block size b = max(k, MIN_BLOCK), at most min(m, n): a few vectors at least, so that repeated σ's converge. */
    static final int MIN_BLOCK = 10;
    /**
     * The bases hold at most b + max(BASIS_BLOCKS·b, MIN_BASIS) columns before a thick restart: a basis of a
     * few hundred columns takes about 25% fewer iterations on a flat spectrum than one of 10 blocks of 20
     * (76 against 101 for k = 20 of a 20,000 × 10,000 Gaussian matrix), while rank 0's SVD of the projection
     * (O(s³) each iteration) stays small beside the products.
     */
    static final int BASIS_BLOCKS = 4;
    /** See {@link #BASIS_BLOCKS}. */
    static final int MIN_BASIS = 400;
    /** A thick restart keeps the top KEPT_FIFTHS/5 of the basis's Ritz vectors. */
    static final int KEPT_FIFTHS = 2;
    /** Converged when every top-k residual ‖Aᵀuᵢ − σᵢvᵢ‖ is at most TOLERANCE·σ₁ ... */
    static final double TOLERANCE = 1e-13;
    /** ... or at most RELATIVE_TOLERANCE·σᵢ (then σᵢ is within that, relative, whatever the gaps). */
    static final double RELATIVE_TOLERANCE = 1e-11;
    /** After MAX_ITERATIONS, a residual up to ACCEPTABLE·σ₁ is accepted, a larger one fails the task. */
    static final double ACCEPTABLE = 1e-10;
    /** Iterations before stopping. */
    static final int MAX_ITERATIONS = 1000;
    private static final long SEED = 0x5eed_a11b_5bdL;

    private static final int CONTINUE = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;

    private Krylov() {
    }

    /**
     * The result: the same σ and V on every rank (rank 0's, broadcast); U in the ranks' rows.
     *
     * @param sigma      descending, k
     * @param u          this rank's rows of U, column-major (rows × k, leading dimension max(1, rows))
     * @param v          column-major n × k
     * @param iterations block iterations taken
     * @param restarts   thick restarts taken
     * @param residual   the largest top-k residual at the end, relative to σ₁
     */
    record Result(double[] sigma, double[] u, double[] v, int iterations, int restarts, double residual) {
    }

    /**
     * The top k singular triplets (collective).
     *
     * @param a this rank's rows of A
     * @param m A's rows
     * @param k 1 ≤ k ≤ min(m, n)
     */
    static Result svd(Communicator comm, WorkerRows a, long m, int k) {
        int n = a.n();
        int rows = a.rows();
        long firstRow = a.firstRow();
        Sizes sizes = Sizes.of(m, n, k);
        int r = sizes.rank();
        int b = sizes.block();
        int sMax = sizes.maxBasis();
        int keepOnRestart = sizes.keepOnRestart();
        boolean root = comm.rank() == 0;
        int ld = Math.max(1, rows);
        double[] u = new double[ld * sMax];
        double[] v = root ? new double[n * sMax] : null;
        double[] proj = root ? new double[sMax * sMax] : null; // B = UᵀAV, column-major, leading dimension sMax
        double[] pending = startBlock(comm, a, b, SEED, v);

        int bp = b;
        int sU = 0;
        double sigma1 = 0;
        int iterations = 0;
        int restarts = 0;
        LapackReference.Svd ritz = null;
        while (true) {
            iterations++;
            // A step: U's new block, orthonormalized against U.
            double[] pb = a.times(pending, n, bp);
            double[] q = BlockOrthogonalizer.orthonormalize(comm, a.parallel(), u, ld, sU, pb, rows, bp, firstRow, m,
                    sigma1, SEED + 4L * iterations);
            System.arraycopy(q, 0, u, sU * ld, ld * bp);
            int s = sU + bp;
            // One allreduce: B's new columns [U, Q]ᵀ·(A·Vⱼ) (s × bp), then Z = Aᵀ·Q (n × bp).
            double[] cz = new double[s * bp + n * bp];
            Dense.gemm("T", "N", s, bp, rows, 1, u, 0, ld, pb, 0, ld, 0, cz, 0, s);
            a.transposeTimes(q, bp, cz, s * bp);
            comm.allreduce(cz, ReduceOp.SUM);

            // Rank 0 decides; one broadcast: status, keep, next block size, σ₁, residual; X's first
            // columns if restarting (s × keep); the next block of V (n × b).
            int xLength = keepOnRestart > 0 ? s * keepOnRestart : 0;
            double[] msg = new double[5 + xLength + n * b];
            if (root) {
                ritz = decide(a.parallel(), cz, s, sU, bp, n, k, b, r, sMax, keepOnRestart, v, proj, iterations, msg);
            }
            comm.bcast(msg, 0, msg.length, 0);
            int status = (int) msg[0];
            int keep = (int) msg[1];
            int bNext = (int) msg[2];
            sigma1 = msg[3];
            double residual = msg[4];
            if (status == FAILED) {
                throw new IllegalStateException("the Krylov SVD did not converge in " + MAX_ITERATIONS
                        + " iterations: residual " + residual + " of sigma_1");
            }
            if (status == DONE) {
                return finish(comm, u, ld, rows, v, n, s, k, ritz, iterations, restarts, residual);
            }
            sU = s;
            if (keep >= 0) {
                double[] kept = new double[ld * keep];
                Dense.gemm("N", "N", rows, keep, s, 1, u, 0, ld, msg, 5, s, 0, kept, 0, ld);
                System.arraycopy(kept, 0, u, 0, ld * keep);
                sU = keep;
                restarts++;
            }
            System.arraycopy(msg, 5 + xLength, pending, 0, n * bNext);
            bp = bNext;
        }
    }

    /**
     * The sizes of a block Krylov iteration for the top k of an m × n matrix ({@link GramianLanczos} takes the
     * same, its iterations spanning the same spaces).
     *
     * @param rank          r = min(m, n), where the bases are complete
     * @param block         b = max(k, {@value #MIN_BLOCK}), at most r
     * @param maxBasis      s_max = b + max({@value #BASIS_BLOCKS}·b, {@value #MIN_BASIS}), at most r
     * @param keepOnRestart the Ritz vectors a thick restart keeps: the top {@value #KEPT_FIFTHS}/5 of s_max
     *                      (at least k); 0 when s_max = r, as no restart happens then
     */
    record Sizes(int rank, int block, int maxBasis, int keepOnRestart) {
        static Sizes of(long m, int n, int k) {
            int r = (int) Math.min(m, n);
            int b = Math.min(r, Math.max(k, MIN_BLOCK));
            int sMax = (int) Math.min(r, b + Math.max((long) BASIS_BLOCKS * b, MIN_BASIS));
            return new Sizes(r, b, sMax, sMax < r ? Math.max(k, KEPT_FIFTHS * sMax / 5) : 0);
        }
    }

    /**
     * The start block V₁ = orth(Aᵀ·Ω) for a pseudo-random m × b block Ω fixed by the seed and the global row
     * index (collective): in A's row space, and the same for every number of workers.
     *
     * @param basis rank 0's basis, whose first b columns (leading dimension n) receive V₁; null on other ranks
     * @return V₁, n × b column-major, on every rank
     */
    static double[] startBlock(Communicator comm, WorkerRows a, int b, long seed, double[] basis) {
        int n = a.n();
        double[] omega = new double[a.ld() * b];
        for (int j = 0; j < b; j++) {
            Dense.fillRandomColumn(omega, a.ld(), a.rows(), j, a.firstRow(), seed, j, 1);
        }
        double[] block = a.transposeTimes(omega, b);
        comm.allreduce(block, ReduceOp.SUM);
        if (comm.rank() == 0) {
            block = BlockOrthogonalizer.orthonormalize(null, a.parallel(), basis, n, 0, block, n, b, 0, n, 0, seed + 1);
            System.arraycopy(block, 0, basis, 0, n * b);
        }
        comm.bcast(block, 0, n * b, 0);
        return block;
    }

    /**
     * Rank 0's part of an iteration: stores B's new columns, orthogonalizes Z against V, takes the Ritz
     * triplets, tests convergence, and if going on makes V's next block and restarts if V is full.
     * Writes the broadcast message: status, keep (or -1), next block size, σ₁, residual / σ₁; X's first keep
     * columns when restarting; the next block.
     *
     * @return the Ritz decomposition of B
     */
    private static LapackReference.Svd decide(Parallel parallel, double[] cz, int s, int sU, int bp, int n, int k, int b, int r, int sMax,
            int keepOnRestart, double[] v, double[] proj, int iterations, double[] msg) {
        for (int j = 0; j < bp; j++) {
            for (int i = 0; i < sMax; i++) {
                proj[i + (sU + j) * sMax] = i < s ? cz[i + j * s] : 0;
            }
        }
        double[] z = java.util.Arrays.copyOfRange(cz, s * bp, s * bp + n * bp);
        // Once is enough for the residual's norm; orthonormalize() below projects twice more.
        BlockOrthogonalizer.project(null, v, n, s, z, n, n, bp);
        double[] small = new double[s * s];
        for (int j = 0; j < s; j++) {
            System.arraycopy(proj, j * sMax, small, j * s, s);
        }
        LapackReference.Svd ritz = Eigen.svd(small, s, s, s);
        double sigma1 = ritz.s()[0];
        // ‖Aᵀ·U·xᵢ − σᵢ·V·yᵢ‖ = ‖Z⊥·xᵢ‖ over the rows of xᵢ for the newest block.
        double residual = 0;
        boolean converged = true;
        double[] t = new double[n];
        for (int i = 0; i < k; i++) {
            Linalg.BLAS.dgemv("N", n, bp, 1, z, 0, n, ritz.u(), s - bp + i * s, 1, 0, t, 0, 1);
            double ri = Linalg.BLAS.dnrm2(n, t, 1);
            residual = Math.max(residual, ri);
            converged &= ri <= Math.max(TOLERANCE * sigma1, RELATIVE_TOLERANCE * ritz.s()[i]);
        }
        double relative = sigma1 > 0 ? residual / sigma1 : 0;
        int bNext = Math.min(b, r - s);
        int status = CONTINUE;
        int keep = -1;
        if (converged || bNext == 0) {
            status = DONE;
        } else if (iterations >= MAX_ITERATIONS) {
            status = relative <= ACCEPTABLE ? DONE : FAILED;
        } else {
            double[] next = bNext < bp ? dominantColumns(z, n, bp, bNext) : z;
            double[] vn = BlockOrthogonalizer.orthonormalize(null, parallel, v, n, s, next, n, bNext, 0, n, sigma1,
                    SEED + 4L * iterations + 2);
            int base = s;
            if (s + bNext > sMax) {
                // Thick restart: V ← V·Y(:, 1:keep), B ← diag(σ₁..σ_keep); U ← U·X(:, 1:keep) on every rank.
                keep = keepOnRestart;
                double[] kept = new double[n * keep];
                Dense.gemm("N", "T", n, keep, s, 1, v, 0, n, ritz.vt(), 0, s, 0, kept, 0, n);
                System.arraycopy(kept, 0, v, 0, n * keep);
                java.util.Arrays.fill(proj, 0);
                for (int i = 0; i < keep; i++) {
                    proj[i + i * sMax] = ritz.s()[i];
                }
                System.arraycopy(ritz.u(), 0, msg, 5, s * keep);
                base = keep;
            }
            System.arraycopy(vn, 0, v, base * n, n * bNext);
            System.arraycopy(vn, 0, msg, msg.length - n * b, n * bNext);
        }
        msg[0] = status;
        msg[1] = keep;
        msg[2] = bNext;
        msg[3] = sigma1;
        msg[4] = relative;
        return ritz;
    }

    /** Broadcasts rank 0's top k Ritz triplets and forms this rank's rows of U. */
    private static Result finish(Communicator comm, double[] u, int ld, int rows, double[] v, int n, int s, int k,
            LapackReference.Svd ritz, int iterations, int restarts, double residual) {
        double[] shared = new double[k + s * k + n * k]; // σ, X (s × k), V·Y (n × k)
        if (comm.rank() == 0) {
            System.arraycopy(ritz.s(), 0, shared, 0, k);
            System.arraycopy(ritz.u(), 0, shared, k, s * k);
            Dense.gemm("N", "T", n, k, s, 1, v, 0, n, ritz.vt(), 0, s, 0, shared, k + s * k, n);
        }
        comm.bcast(shared, 0, shared.length, 0);
        double[] sigma = java.util.Arrays.copyOfRange(shared, 0, k);
        double[] vOut = java.util.Arrays.copyOfRange(shared, k + s * k, shared.length);
        double[] uOut = new double[ld * k];
        Dense.gemm("N", "N", rows, k, s, 1, u, 0, ld, shared, k, s, 0, uOut, 0, ld);
        return new Result(sigma, uOut, vOut, iterations, restarts, residual);
    }

    /** @return the {@code count} columns of z (n × b) that QR with column pivoting (DGEQP3) puts first */
    static double[] dominantColumns(double[] z, int n, int b, int count) {
        int[] pivots = new int[b];
        Dense.geqp3(n, b, z.clone(), n, pivots, new double[b]);
        double[] out = new double[n * count];
        for (int j = 0; j < count; j++) {
            System.arraycopy(z, (pivots[j] - 1) * n, out, j * n, n);
        }
        return out;
    }
}
