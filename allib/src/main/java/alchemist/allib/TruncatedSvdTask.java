package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code truncated_svd(A, k, method = 0) -> (U, S, V, method)}: the top k singular values and vectors of an
 * m × n matrix A, with A·V = U·diag(S): U (m × k, laid out in rows like A), S (k × 1, descending), V (n × k,
 * not transposed), and the name of the method that ran ({@code "gramian"}, {@code "gramian_refined"},
 * {@code "lanczos"}, {@code "lanczos_refined"} or {@code "krylov"}). The seed's spelling, {@code truncated_SVD},
 * is the same task with the seed's outputs (U, S, V) only, so that the seed's
 * {@code alU, alS, alV = run_task("truncated_SVD", alA, k)} still unpacks.
 * U and V have orthonormal columns; where σᵢ = 0 (A of rank below k), the matching columns of U and V are
 * an orthonormal completion (U's from the Householder Q of TSQR, or pseudo-random directions in the Krylov
 * method), not zero, so that U and V stay orthonormal and A·V = U·Σ still holds.
 *
 * <p>{@code method}: 0 lets the task choose. Its first step is always the Gramian AᵀA's top eigenpairs
 * ({@link GramianSvd}): {@link SvdCostModel} picks, for this shape, k and number of workers, whether to form
 * the Gramian (DSYRK and DSYEVR: tall matrices) or to find them by block Lanczos on Aᵀ·(A·X) without forming
 * it ({@link GramianLanczos}: wide matrices); when the eigenvalues show σₖ below
 * {@value GramianSvd#RESOLVED}·σ₁ (beyond what the Gramian resolves), the Krylov method on A runs instead.
 * 1 is the formed Gramian (refined where the spectrum needs it), 2 Krylov ({@link Krylov}), 3 the formed
 * Gramian always refined, 4 the Gramian by Lanczos (refined where the spectrum needs it). A k outside
 * [1, min(m, n)] or another method is a bad argument (ERROR 11).
 *
 * <p>Accuracy, measured against LAPACK's DGESDD on the whole matrix (see the tests): the Gramian gives σᵢ
 * within 1e-9 relative down to about 1e-6·σ₁ (refined), the Krylov method down to 1e-8·σ₁. S and V are
 * computed on rank 0 and broadcast, so every rank holds them bit for bit; the result does not depend on
 * the number of workers beyond rounding (sums are taken in another order).
 */
final class TruncatedSvdTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(TruncatedSvdTask.class);
    static final int AUTO = 0;
    static final int GRAMIAN = 1;
    static final int KRYLOV = 2;
    static final int GRAMIAN_REFINED = 3;
    static final int LANCZOS = 4;
    /** The method output's value for the Krylov method; the Gramian's come from {@link GramianSvd.Path}. */
    static final String KRYLOV_LABEL = "krylov";

    private final String name;
    private final boolean reportsMethod;

    private TruncatedSvdTask(String name, boolean reportsMethod) {
        this.name = name;
        this.reportsMethod = reportsMethod;
    }

    /** @return {@code truncated_svd}, which also reports the method it took */
    static TruncatedSvdTask withMethodOutput() {
        return new TruncatedSvdTask("truncated_svd", true);
    }

    /** @return the seed's {@code truncated_SVD}: U, S and V only */
    static TruncatedSvdTask seedForm() {
        return new TruncatedSvdTask("truncated_SVD", false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Signature signature() {
        Signature.Builder b = Signature.builder().matrix("A").intArg("k").optional("method", ArgType.BYTE, (byte) 0)
                .outputMatrix("U").outputMatrix("S").outputMatrix("V");
        return (reportsMethod ? b.output("method", ArgType.STRING) : b).build();
    }

    /** Singular triplets: σ and V the same on every rank, U in this rank's rows (column-major, ld max(1, rows)). */
    record Factors(double[] sigma, double[] u, double[] v, String method) {
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        long m = a.numRows();
        int n = a.numCols();
        int k = ctx.intArg("k");
        int method = ctx.byteArg("method");
        if (k < 1 || k > Math.min(m, n)) {
            throw new IllegalArgumentException("k = " + k + " is not in [1, min(m, n)] = [1, " + Math.min(m, n)
                    + "] for a " + m + " x " + n + " matrix");
        }
        if (method < AUTO || method > LANCZOS) {
            throw new IllegalArgumentException("method = " + method + " is none of 0 (choose), 1 (Gramian), "
                    + "2 (Krylov), 3 (Gramian, always refined), 4 (Lanczos on the Gramian, not formed)");
        }
        long start = System.nanoTime();
        Factors f = factor(ctx.comm(), WorkerRows.of(a, ctx.parallel()), m, method, k);
        if (ctx.rank() == 0) {
            LOG.info("truncated_svd of {} x {}, k = {} on {} workers: {} in {} s", m, n, k, ctx.size(), f.method(),
                    String.format("%.3f", (System.nanoTime() - start) / 1e9));
        }
        SvdOutputs.put(ctx, a, f.u(), f.sigma(), f.v());
        if (reportsMethod) {
            ctx.putScalar("method", f.method());
        }
    }

    /** Runs a valid method: collective. */
    private static Factors factor(Communicator comm, WorkerRows a, long m, int method, int k) {
        if (method == KRYLOV) {
            return krylov(comm, a, m, k);
        }
        GramianSvd.Mode mode = switch (method) {
            case AUTO -> GramianSvd.Mode.ADAPTIVE;
            case GRAMIAN_REFINED -> GramianSvd.Mode.ALWAYS_REFINE;
            default -> GramianSvd.Mode.GRAMIAN_ONLY;
        };
        boolean formed = method == GRAMIAN || method == GRAMIAN_REFINED
                || method == AUTO && SvdCostModel.choose(m, a.n(), k, comm.size()) == SvdCostModel.Choice.GRAMIAN;
        GramianSvd.Result g = formed ? GramianSvd.svd(comm, a, k, mode) : GramianSvd.svdLanczos(comm, a, m, k, mode);
        if (g.gaveUp()) {
            if (comm.rank() == 0) {
                LOG.info("truncated_svd: sigma_{} is below {} sigma_1, beyond the Gramian's reach: Krylov instead", k,
                        GramianSvd.RESOLVED);
            }
            return krylov(comm, a, m, k);
        }
        return new Factors(g.sigma(), g.u(), g.v(), g.path().label());
    }

    private static Factors krylov(Communicator comm, WorkerRows a, long m, int k) {
        Krylov.Result kr = Krylov.svd(comm, a, m, k);
        if (comm.rank() == 0) {
            LOG.debug("Krylov: {} iterations, {} restarts, residual {} of sigma_1", kr.iterations(), kr.restarts(),
                    kr.residual());
        }
        return new Factors(kr.sigma(), kr.u(), kr.v(), KRYLOV_LABEL);
    }
}
