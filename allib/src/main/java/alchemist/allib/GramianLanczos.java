package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import java.util.Arrays;

/**
 * The top k eigenpairs of the Gramian AᵀA of a matrix spread over ranks in row blocks, without forming it:
 * a thick-restarted block Lanczos method with full reorthogonalization, applying AᵀA as Aᵀ·(A·X) in one pass
 * over each rank's rows ({@link ParallelBlas#gramianTimes}). For a wide matrix this costs 4·m·n·b/p flops per
 * iteration where forming the Gramian costs m·n²/p and its eigensolver O(n³).
 *
 * <p>It finds what {@link GramianSvd} finds with DSYRK and DSYEVR (the same eigenpairs, to the residual
 * below), and {@link GramianSvd} decides from them as it does for the formed Gramian: the eigenvalues carry
 * the Gramian's rounding error (about ε·λ₁), so σᵢ = √λᵢ is accurate only down to about 1.5e-3·σ₁ unrefined.
 * Compared with {@link Krylov} (Golub–Kahan on A itself, the same Krylov space per iteration) it reads A once
 * per iteration instead of twice and keeps no m-long basis, so it is cheaper per iteration but loses the
 * small singular values that only a method on A resolves.
 *
 * <h2>Algorithm</h2>
 * Rank 0 keeps the basis V (n × s, orthonormal) and the projection T = Vᵀ·AᵀA·V (s × s, symmetric).
 * <ol>
 * <li>Start: V₁ = orth(Aᵀ·Ω) ({@link Krylov#startBlock}), so the start and every result are the same for
 * any number of workers.</li>
 * <li>Each iteration takes the newest block Vⱼ, which every rank has: W = AᵀA·Vⱼ, the ranks' parts summed by
 * one allreduce of n·b values. Rank 0 adds T's new block column C = Vᵀ·W, forms W⊥ = W − V·C, and does
 * Rayleigh–Ritz: T = Y·Θ·Yᵀ (DSYEVR). A Ritz pair (θᵢ, V·yᵢ) has residual ‖AᵀA·V·yᵢ − θᵢ·V·yᵢ‖ = ‖W⊥·yᵢ'‖,
 * yᵢ' the rows of yᵢ for the newest block. Converged when it is at most
 * max({@value #TOLERANCE}·θ₁, {@value #RELATIVE_TOLERANCE}·θᵢ) for each of the top k: then the singular
 * triplet (√θᵢ, A·vᵢ/√θᵢ, vᵢ) has ‖Aᵀuᵢ − σᵢvᵢ‖ = ‖rᵢ‖/σᵢ, the same test as {@link Krylov}'s.</li>
 * <li>Otherwise rank 0 orthonormalizes W⊥ against V into Vⱼ₊₁ and broadcasts it. When V would exceed s_max
 * columns, it restarts thickly: V shrinks to its top {@value Krylov#KEPT_FIFTHS}/5·s_max Ritz vectors and T
 * to their Ritz values.</li>
 * </ol>
 * Block size, basis size and restart are {@link Krylov}'s. On a 20,000 × 10,000 Gaussian matrix (a flat
 * spectrum) k = 20 takes 78 iterations, as Krylov's 76; without restarts (a basis of 1,600) 75: the number
 * of products a flat spectrum needs, not the restarts, sets the time. A block of 40 takes 56 iterations, more
 * products in all.
 *
 * <h2>Cost</h2>
 * Per iteration, with p ranks and s ≤ s_max the basis size: 4·m·n·b/p flops per rank, compute-bound
 * (about 40 GFLOP/s on this project's 2-core machine at b = 20, against 35–38 for A·X and Aᵀ·Y apart); on
 * rank 0, about 12·n·s·b for the basis and the eigenpairs of the s × s projection. Communication: one
 * allreduce of n·b values and one broadcast of n·b. Memory: V's n × s_max and T's s_max² on rank 0.
 */
final class GramianLanczos {
    /** Converged when every top-k residual ‖AᵀA·vᵢ − θᵢ·vᵢ‖ is at most TOLERANCE·θ₁ ... */
    static final double TOLERANCE = 1e-13;
    /** ... or at most RELATIVE_TOLERANCE·θᵢ. */
    static final double RELATIVE_TOLERANCE = 1e-11;
    /** After MAX_ITERATIONS, a residual up to ACCEPTABLE·θ₁ is accepted, a larger one fails the task. */
    static final double ACCEPTABLE = 1e-10;
    /** Iterations before stopping. */
    static final int MAX_ITERATIONS = 1000;
    private static final long SEED = 0x6a3a_1a4c_05L;

    private GramianLanczos() {
    }

    /**
     * @param values     the top k eigenvalues, descending, the same on every rank
     * @param vectors    their eigenvectors, column-major n × k, the same on every rank
     * @param iterations block iterations taken
     * @param restarts   thick restarts taken
     * @param residual   the largest top-k residual at the end, relative to θ₁
     */
    record Result(double[] values, double[] vectors, int iterations, int restarts, double residual) {
    }

    /** The top k eigenpairs of AᵀA (collective); 1 ≤ k ≤ min(m, n). */
    static Result top(Communicator comm, WorkerRows a, long m, int k) {
        int n = a.n();
        Krylov.Sizes sizes = Krylov.Sizes.of(m, n, k);
        int r = sizes.rank();
        int b = sizes.block();
        int sMax = sizes.maxBasis();
        int keepOnRestart = sizes.keepOnRestart();
        boolean root = comm.rank() == 0;
        double[] v = root ? new double[n * sMax] : null;
        double[] t = root ? new double[sMax * sMax] : null; // T, column-major, leading dimension sMax
        double[] block = Krylov.startBlock(comm, a, b, SEED, v);

        int bp = b;
        int s0 = 0; // columns of V before the newest block
        int iterations = 0;
        int restarts = 0;
        double[] w = new double[n * b];
        while (true) {
            iterations++;
            ParallelBlas.gramianTimes(a.parallel(), a.a(), a.rows(), n, block, n, bp, w);
            comm.allreduce(w, 0, n * bp, ReduceOp.SUM);
            // One broadcast: status, next block size, keep (or -1), residual; the answer when done, else the
            // next block.
            double[] msg = new double[4 + Math.max(n * b, k + n * k)];
            if (root) {
                step(a, w, s0, bp, b, n, k, r, sMax, keepOnRestart, v, t, iterations, msg);
            }
            comm.bcast(msg, 0, msg.length, 0);
            int status = (int) msg[0];
            if (status == DONE) {
                return new Result(Arrays.copyOfRange(msg, 4, 4 + k), Arrays.copyOfRange(msg, 4 + k, 4 + k + n * k),
                        iterations, restarts, msg[3]);
            }
            if (status == FAILED) {
                throw new IllegalStateException("the Lanczos method on the Gramian did not converge in "
                        + MAX_ITERATIONS + " iterations: residual " + msg[3] + " of theta_1");
            }
            int bNext = (int) msg[1];
            int keep = (int) msg[2];
            if (keep >= 0) {
                restarts++;
                s0 = keep;
            } else {
                s0 += bp;
            }
            bp = bNext;
            block = Arrays.copyOfRange(msg, 4, 4 + n * bp);
        }
    }

    private static final int CONTINUE = 0;
    private static final int DONE = 1;
    private static final int FAILED = 2;

    /** Rank 0's part of an iteration; writes the broadcast message. */
    private static void step(WorkerRows a, double[] w, int s0, int bp, int b, int n, int k, int r, int sMax,
            int keepOnRestart, double[] v, double[] t, int iterations, double[] msg) {
        int s = s0 + bp;
        // T's new block column C = Vᵀ·W (s × bp) and its transpose; W ← W − V·C (twice: once here, the second
        // projection inside orthonormalize below).
        double[] c = new double[s * bp];
        Dense.gemm("T", "N", s, bp, n, 1, v, 0, n, w, 0, n, 0, c, 0, s);
        for (int j = 0; j < bp; j++) {
            for (int i = 0; i < s; i++) {
                t[i + (s0 + j) * sMax] = c[i + j * s];
                t[(s0 + j) + i * sMax] = c[i + j * s];
            }
        }
        Dense.gemm("N", "N", n, bp, s, -1, v, 0, n, c, 0, s, 1, w, 0, n);
        int wanted = Math.min(s, Math.max(k, keepOnRestart));
        double[] small = new double[s * s];
        for (int j = 0; j < s; j++) {
            System.arraycopy(t, j * sMax, small, j * s, s);
        }
        Eigen.SymmetricTop ritz = Eigen.symmetricTop(small, s, wanted);
        double[] theta = ritz.values();
        double[] y = ritz.vectors(); // s × wanted
        // ‖AᵀA·V·yᵢ − θᵢ·V·yᵢ‖ = ‖W⊥·yᵢ'‖ over the rows of yᵢ for the newest block.
        double[] res = new double[n];
        boolean converged = true;
        double residual = 0;
        for (int i = 0; i < k; i++) {
            Linalg.BLAS.dgemv("N", n, bp, 1, w, 0, n, y, s0 + i * s, 1, 0, res, 0, 1);
            double ri = Linalg.BLAS.dnrm2(n, res, 1);
            converged &= ri <= Math.max(TOLERANCE * theta[0], RELATIVE_TOLERANCE * theta[i]);
            residual = Math.max(residual, ri);
        }
        msg[3] = theta[0] > 0 ? residual / theta[0] : 0;
        int bNext = Math.min(b, r - s);
        boolean acceptable = iterations >= MAX_ITERATIONS && msg[3] <= ACCEPTABLE;
        if (converged || bNext <= 0 || acceptable) {
            msg[0] = DONE;
            System.arraycopy(theta, 0, msg, 4, k);
            Dense.gemm("N", "N", n, k, s, 1, v, 0, n, y, 0, s, 0, msg, 4 + k, n);
            return;
        }
        if (iterations >= MAX_ITERATIONS) {
            msg[0] = FAILED;
            return;
        }
        double[] next = BlockOrthogonalizer.orthonormalize(null, a.parallel(), v, n, s,
                bNext < bp ? Krylov.dominantColumns(w, n, bp, bNext) : w, n, bNext, 0, n, theta[0], SEED + 2L * iterations);
        int base = s;
        msg[2] = -1;
        if (s + bNext > sMax) {
            int keep = keepOnRestart;
            double[] kept = new double[n * keep];
            Dense.gemm("N", "N", n, keep, s, 1, v, 0, n, y, 0, s, 0, kept, 0, n);
            System.arraycopy(kept, 0, v, 0, n * keep);
            Arrays.fill(t, 0);
            for (int i = 0; i < keep; i++) {
                t[i + i * sMax] = theta[i];
            }
            base = keep;
            msg[2] = keep;
        }
        System.arraycopy(next, 0, v, base * n, n * bNext);
        System.arraycopy(next, 0, msg, 4, n * bNext);
        msg[0] = CONTINUE;
        msg[1] = bNext;
    }
}
