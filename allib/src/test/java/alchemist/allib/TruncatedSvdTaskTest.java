package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.server.worker.InProcessTaskRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** truncated_svd against LAPACK's DGESDD on the whole matrix, on 1, 2 and 3 simulated workers. */
class TruncatedSvdTaskTest {
    private static final TruncatedSvdTask TASK = TruncatedSvdTask.withMethodOutput();

    /** What a run gave and how far it is from the reference. */
    record Outcome(double[] s, double[][] u, double[][] v) {
    }

    static Outcome run(double[][] a, int k, int method, int workers) {
        InProcessTaskRunner.Result r = Tasks.run(TASK, workers, a, k, (byte) method);
        double[][] u = r.matrix("U");
        double[][] s = r.matrix("S");
        double[][] v = r.matrix("V");
        assertEquals(a.length, u.length, "U's rows");
        assertEquals(k, u[0].length, "U's columns");
        assertEquals(k, s.length, "S's rows");
        assertEquals(1, s[0].length, "S's columns");
        assertEquals(a[0].length, v.length, "V's rows");
        assertEquals(k, v[0].length, "V's columns");
        return new Outcome(SvdReference.column(s), u, v);
    }

    /** Checks everything the task promises against the reference, for the first {@code checked} σ's. */
    static void assertMatches(double[][] a, SvdReference.Svd ref, Outcome o, int checked, double sTol, double vecTol,
            String what) {
        int k = o.s().length;
        for (int i = 1; i < k; i++) {
            assertTrue(o.s()[i] <= o.s()[i - 1], what + ": S descending at " + i);
        }
        double sErr = SvdReference.maxRelativeError(ref.s(), o.s(), checked);
        assertTrue(sErr <= sTol, what + ": S relative error " + sErr);
        double orthU = SvdReference.orthogonality(o.u());
        double orthV = SvdReference.orthogonality(o.v());
        assertTrue(orthU <= 1e-10, what + ": ‖UᵀU − I‖ = " + orthU);
        assertTrue(orthV <= 1e-10, what + ": ‖VᵀV − I‖ = " + orthV);
        double res = SvdReference.residual(a, o.u(), o.s(), o.v());
        assertTrue(res <= 1e-9 * ref.s()[0], what + ": ‖AV − UΣ‖ = " + res);
        double other = SvdReference.transposeResidual(a, o.u(), o.s(), o.v(), checked);
        assertTrue(other <= 1e-9 * ref.s()[0], what + ": ‖AᵀU − VΣ‖ = " + other);
        if (vecTol > 0) {
            double du = SvdReference.columnsUpToSign(ref.u(), o.u(), checked);
            double dv = SvdReference.columnsUpToSign(ref.v(), o.v(), checked);
            assertTrue(du <= vecTol, what + ": U vs reference " + du);
            assertTrue(dv <= vecTol, what + ": V vs reference " + dv);
        }
    }

    static List<Arguments> randomCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] shape : new int[][] {{300, 40}, {1000, 60}}) {
            for (int k : new int[] {5, 20}) {
                for (int method : new int[] {0, 2}) {
                    for (int workers = 1; workers <= 3; workers++) {
                        cases.add(Arguments.of(shape[0], shape[1], k, method, workers));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}x{1}, k = {2}, method {3}, {4} workers")
    @MethodSource("randomCases")
    void randomMatrixMatchesLapack(int m, int n, int k, int method, int workers) {
        double[][] a = SvdReference.gaussian(m, n, m + n);
        assertMatches(a, SvdReference.reference(a), run(a, k, method, workers), k, 1e-9, 1e-8,
                m + "x" + n + " k=" + k + " method " + method);
    }

    /** The grid's shape: k runs up to n/2. */
    private static final int GRID_ROWS = 1000;
    private static final int GRID_COLS = 500;
    private static final java.util.Map<String, double[][]> GRID_MATRICES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, SvdReference.Svd> GRID_REFERENCES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @return the grid's matrix: "decaying" σᵢ = (1 + i)^-0.5; "flat" iid Gaussian entries; "ill" σ from 1
     *         down to 1e-8 over the top k, then a tail down to 1e-10
     */
    static double[][] gridMatrix(String spectrum, int k) {
        String key = spectrum.equals("ill") ? "ill" + k : spectrum;
        return GRID_MATRICES.computeIfAbsent(key, x -> switch (spectrum) {
            case "flat" -> SvdReference.gaussian(GRID_ROWS, GRID_COLS, 21);
            case "decaying" -> {
                double[] sigma = new double[GRID_COLS];
                for (int i = 0; i < GRID_COLS; i++) {
                    sigma[i] = Math.pow(1 + i, -0.5);
                }
                yield SvdReference.withSpectrum(GRID_ROWS, GRID_COLS, sigma, 22);
            }
            default -> {
                double[] sigma = new double[GRID_COLS];
                for (int i = 0; i < GRID_COLS; i++) {
                    sigma[i] = i < k ? Math.pow(10, -8.0 * i / Math.max(1, k - 1))
                            : 1e-8 * Math.pow(10, -2.0 * (i - k + 1) / (GRID_COLS - k));
                }
                yield SvdReference.withSpectrum(GRID_ROWS, GRID_COLS, sigma, 23);
            }
        });
    }

    static List<Arguments> gridCases() {
        List<Arguments> cases = new ArrayList<>();
        for (String spectrum : new String[] {"decaying", "flat", "ill"}) {
            for (int k : new int[] {1, 20, 200, GRID_COLS / 2}) {
                for (int method = 0; method <= 4; method++) {
                    cases.add(Arguments.of(spectrum, k, method));
                }
            }
        }
        return cases;
    }

    /**
     * Every method the task can take, forced (and the automatic choice), at k = 1, 20, 200 and n/2 on
     * decaying, flat and ill-conditioned spectra, on 1, 2 and 3 workers: σ within 1e-9 relative of DGESDD's
     * (the Gramian's, formed or by Lanczos, down to {@value GramianSvd#RESOLVED}·σ₁, which is all it promises;
     * the automatic choice and Krylov's down to 1e-8·σ₁), U and V orthonormal to 1e-10, A·V = U·Σ, Aᵀ·U = V·Σ
     * to 1e-9·σ₁ over the checked columns, and the method the task reports is the one expected.
     */
    @ParameterizedTest(name = "{0} spectrum, k = {1}, method {2}")
    @MethodSource("gridCases")
    void everyMethodOnEverySpectrum(String spectrum, int k, int method) {
        double[][] a = gridMatrix(spectrum, k);
        SvdReference.Svd ref = GRID_REFERENCES.computeIfAbsent(spectrum.equals("ill") ? "ill" + k : spectrum,
                x -> SvdReference.reference(a));
        boolean beyondGramian = ref.s()[k - 1] < GramianSvd.RESOLVED * ref.s()[0];
        String expected = switch (method) {
            case 0 -> beyondGramian ? "krylov" : automatic(k, 1);
            case 1 -> beyondGramian ? "gramian_refined" : "gramian";
            case 2 -> "krylov";
            case 3 -> "gramian_refined";
            default -> beyondGramian ? "lanczos_refined" : "lanczos";
        };
        int checked = k;
        if (method == 1 || method == 3 || method == 4) {
            while (ref.s()[checked - 1] < GramianSvd.RESOLVED * ref.s()[0]) {
                checked--;
            }
        }
        for (int workers = 1; workers <= 3; workers++) {
            String what = spectrum + " k=" + k + " method " + method + ", " + workers + " workers";
            InProcessTaskRunner.Result r = Tasks.run(TASK, workers, a, k, (byte) method);
            if (method == 0 && !beyondGramian) {
                // The cost model's choice depends on the number of workers.
                expected = automatic(k, workers);
            }
            assertEquals(expected, r.scalar("method"), what);
            Outcome o = new Outcome(SvdReference.column(r.matrix("S")), r.matrix("U"), r.matrix("V"));
            assertMatches(a, ref, o, checked, 1e-9, 0, what);
        }
    }

    /** @return the method the automatic choice takes for the grid's matrix when the Gramian resolves its spectrum */
    private static String automatic(int k, int workers) {
        return SvdCostModel.choose(GRID_ROWS, GRID_COLS, k, workers) == SvdCostModel.Choice.LANCZOS ? "lanczos" : "gramian";
    }

    /**
     * The refinement is skipped exactly when σₖ is large enough for the Gramian's eigenvalues (σₖ/σ₁ above
     * about 1.5e-3), and the σ's are within 1e-9 either way, near the boundary on both sides.
     */
    @ParameterizedTest(name = "sigma_k = {0} sigma_1")
    @ValueSource(doubles = {3e-2, 2e-3, 1e-3, 1e-5})
    void refinementOnlyWhereTheSpectrumNeedsIt(double smallest) {
        int k = 30;
        double[] sigma = new double[60];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.pow(smallest, (double) i / (k - 1)); // σ_{k-1} = smallest; the tail goes on down
        }
        double[][] a = SvdReference.withSpectrum(3000, 120, sigma, 31);
        SvdReference.Svd ref = SvdReference.reference(a);
        InProcessTaskRunner.Result r = Tasks.run(TASK, 2, a, k, (byte) 1);
        String expected = smallest >= 1.5e-3 ? "gramian" : "gramian_refined";
        assertEquals(expected, r.scalar("method"), "path for sigma_k = " + smallest);
        Outcome o = new Outcome(SvdReference.column(r.matrix("S")), r.matrix("U"), r.matrix("V"));
        assertMatches(a, ref, o, k, 1e-9, 0, "sigma_k = " + smallest);
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2, 4})
    void singularValuesAgreeAcrossWorkerCounts(int method) {
        double[][] a = SvdReference.gaussian(1000, 60, 7);
        double[] one = run(a, 20, method, 1).s();
        for (int workers = 2; workers <= 3; workers++) {
            double[] more = run(a, 20, method, workers).s();
            double err = SvdReference.maxRelativeError(one, more, 20);
            assertTrue(err <= 1e-12, workers + " workers vs 1: " + err);
        }
    }

    /** σᵢ = 10^(−8i/39), i < 40: from 1 down to 1e-8. */
    static double[] geometricSpectrum() {
        double[] sigma = new double[40];
        for (int i = 0; i < 40; i++) {
            sigma[i] = Math.pow(10, -8.0 * i / 39);
        }
        return sigma;
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void gramianOnIllConditionedMatrix(int workers) {
        double[][] a = SvdReference.withSpectrum(200, 40, geometricSpectrum(), 3);
        SvdReference.Svd ref = SvdReference.reference(a);
        // k = 30: σ₃₀ = 1.9e-6·σ₁. All within 1e-9; those down to 1e-4·σ₁ (the first 20) within 1e-12,
        // with their vectors.
        Outcome o = run(a, 30, 1, workers);
        assertMatches(a, ref, o, 30, 1e-9, 0, "k=30");
        assertTrue(SvdReference.maxRelativeError(ref.s(), o.s(), 20) <= 1e-12, "σ ≥ 1e-4·σ₁");
        assertTrue(SvdReference.columnsUpToSign(ref.v(), o.v(), 15) <= 1e-8, "V for σ ≥ 1e-3·σ₁");
        assertTrue(SvdReference.columnsUpToSign(ref.u(), o.u(), 15) <= 1e-8, "U for σ ≥ 1e-3·σ₁");
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2})
    void illConditionedWithATail(int method) {
        // 600 × 300, σ from 1 down to 1e-8 over the first 40, then a tail down to 1e-10: the Krylov method
        // does not exhaust the space. k = 38: σ₃₈ = 2.6e-8·σ₁.
        double[] sigma = new double[300];
        for (int i = 0; i < 300; i++) {
            sigma[i] = i < 40 ? Math.pow(10, -8.0 * i / 39) : 1e-8 * Math.pow(10, -2.0 * (i - 39) / 260);
        }
        double[][] a = SvdReference.withSpectrum(600, 300, sigma, 11);
        SvdReference.Svd ref = SvdReference.reference(a);
        Outcome o = run(a, 38, method, 2);
        if (method == 2) {
            // Krylov: every σ, down to 2.6e-8·σ₁, within 1e-9 relative.
            assertMatches(a, ref, o, 38, 1e-9, 0, "Krylov k=38");
            assertTrue(SvdReference.columnsUpToSign(ref.v(), o.v(), 25) <= 1e-8, "V for σ ≥ 1e-5·σ₁");
        } else {
            // Gramian: within 1e-9 for σ ≥ 1e-6·σ₁ (the first 30), not below 1e-7·σ₁.
            assertMatches(a, ref, o, 30, 1e-9, 0, "Gramian k=38");
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 3})
    void krylovOnTallMatrixWithFlatSpectrum(int workers) {
        // A Gaussian matrix: singular values close together, the slow case (27 iterations, 3 thick restarts).
        double[][] a = SvdReference.gaussian(2000, 300, 4);
        assertMatches(a, SvdReference.reference(a), run(a, 10, 2, workers), 10, 1e-9, 1e-8, "2000x300");
    }

    @Test
    void costModelChoosesByShapeNotByAColumnThreshold() {
        // The seed's shapes: tall and narrow goes to the Gramian, whatever k.
        assertEquals(SvdCostModel.Choice.GRAMIAN, SvdCostModel.choose(200_000, 1_000, 20, 2));
        assertEquals(SvdCostModel.Choice.GRAMIAN, SvdCostModel.choose(200_000, 1_000, 200, 2));
        assertEquals(SvdCostModel.Choice.GRAMIAN, SvdCostModel.choose(1_000_000, 1_000, 200, 1));
        // Wide: an n × n eigensolver costs more than the Lanczos iterations at small k ...
        assertEquals(SvdCostModel.Choice.LANCZOS, SvdCostModel.choose(20_000, 10_000, 20, 2));
        assertEquals(SvdCostModel.Choice.LANCZOS, SvdCostModel.choose(100_000, 5_000, 20, 2));
        assertEquals(SvdCostModel.Choice.LANCZOS, SvdCostModel.choose(600, 5_000, 10, 3));
        // ... but not at large k, where the Lanczos basis grows with k.
        assertEquals(SvdCostModel.Choice.GRAMIAN, SvdCostModel.choose(100_000, 5_000, 200, 2));
        // Beyond the formed Gramian's memory cap, Lanczos whatever the cost.
        assertEquals(SvdCostModel.Choice.LANCZOS, SvdCostModel.choose(10_000_000, 20_001, 5_000, 1));
    }

    @Test
    void wideMatrixByDefault() {
        // 600 × 5000 (wide: the cost model picks Krylov), a decaying spectrum plus noise.
        int m = 600;
        int n = 5000;
        double[][] a = SvdReference.gaussian(m, n, 5);
        double[][] x = SvdReference.gaussian(m, 30, 6);
        double[][] y = SvdReference.gaussian(n, 30, 7);
        for (int l = 0; l < 30; l++) {
            double weight = Math.pow(0.8, l);
            for (double[] row : x) {
                row[l] *= weight;
            }
        }
        for (int i = 0; i < m; i++) {
            double[] xi = x[i];
            double[] ai = a[i];
            for (int j = 0; j < n; j++) {
                double[] yj = y[j];
                double acc = 0.01 * ai[j];
                for (int l = 0; l < 30; l++) {
                    acc += xi[l] * yj[l];
                }
                ai[j] = acc;
            }
        }
        assertMatches(a, SvdReference.reference(a), run(a, 10, 0, 3), 10, 1e-9, 1e-8, "600x5000");
    }

    /**
     * A wide matrix takes the Gramian by Lanczos; when its spectrum falls below what the Gramian resolves, the
     * Krylov method takes over from the Lanczos eigenvectors, and the σ's are DGESDD's either way.
     */
    @ParameterizedTest(name = "sigma_k = {0} sigma_1")
    @ValueSource(doubles = {1e-1, 1e-4, 1e-8})
    void wideMatrixTakesLanczosThenKrylovWhereTheSpectrumNeedsIt(double smallest) {
        int k = 12;
        double[] sigma = new double[40];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.pow(smallest, (double) i / (k - 1));
        }
        double[][] a = SvdReference.withSpectrum(300, 2500, sigma, 41);
        assertEquals(SvdCostModel.Choice.LANCZOS, SvdCostModel.choose(300, 2500, k, 2));
        SvdReference.Svd ref = SvdReference.reference(a);
        InProcessTaskRunner.Result r = Tasks.run(TASK, 2, a, k);
        String expected = smallest >= 1.5e-3 ? "lanczos" : smallest >= GramianSvd.RESOLVED ? "lanczos_refined" : "krylov";
        assertEquals(expected, r.scalar("method"), "sigma_k = " + smallest);
        Outcome o = new Outcome(SvdReference.column(r.matrix("S")), r.matrix("U"), r.matrix("V"));
        assertMatches(a, ref, o, k, 1e-9, 0, "sigma_k = " + smallest);
    }

    /**
     * A singular value repeated more times than the block has columns (30 copies of σ₁, k = 20, b = 20): every
     * method finds it with orthonormal U and V, whatever basis of its subspace it returns.
     */
    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {0, 1, 2, 4})
    void singularValueRepeatedBeyondTheBlock(int method) {
        double[] sigma = new double[80];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = i < 30 ? 1 : Math.pow(0.9, i - 29);
        }
        double[][] a = SvdReference.withSpectrum(400, 1500, sigma, 43);
        assertMatches(a, SvdReference.reference(a), run(a, 20, method, 2), 20, 1e-9, 0, "30 equal, method " + method);
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2, 4})
    void wideSmallMatrixUpToFullRank(int method) {
        double[][] a = SvdReference.gaussian(40, 100, 6);
        SvdReference.Svd ref = SvdReference.reference(a);
        for (int k : new int[] {5, 40}) {
            assertMatches(a, ref, run(a, k, method, 3), k, 1e-9, 1e-8, "40x100 k=" + k);
        }
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2, 4})
    void rankDeficientMatrixGivesOrthonormalCompletion(int method) {
        // Rank 2, k = 5: two singular values, three zeros, U and V still orthonormal.
        double[][] x = SvdReference.gaussian(100, 2, 8);
        double[][] y = SvdReference.gaussian(30, 2, 9);
        double[][] a = new double[100][30];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 30; j++) {
                a[i][j] = x[i][0] * y[j][0] + x[i][1] * y[j][1];
            }
        }
        SvdReference.Svd ref = SvdReference.reference(a);
        for (int workers = 1; workers <= 3; workers++) {
            Outcome o = run(a, 5, method, workers);
            assertMatches(a, ref, o, 2, 1e-9, 1e-8, "rank 2, " + workers + " workers");
            for (int i = 2; i < 5; i++) {
                assertTrue(o.s()[i] <= 1e-12 * o.s()[0], "σ" + i + " = " + o.s()[i]);
            }
        }
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2})
    void zeroMatrix(int method) {
        double[][] a = new double[50][8];
        Outcome o = run(a, 3, method, 2);
        assertArrayEquals(new double[3], o.s(), "S");
        assertTrue(SvdReference.orthogonality(o.u()) <= 1e-12, "U orthonormal");
        assertTrue(SvdReference.orthogonality(o.v()) <= 1e-12, "V orthonormal");
    }

    @ParameterizedTest(name = "method {0}")
    @ValueSource(ints = {1, 2})
    void workersWithoutRows(int method) {
        // 2 × 3 on 3 workers: one holds no rows.
        double[][] a = {{3, 1, 2}, {-1, 4, 0.5}};
        assertMatches(a, SvdReference.reference(a), run(a, 2, method, 3), 2, 1e-12, 1e-12, "2x3");
    }

    @Test
    void theSeedsSpellingKeepsTheSeedsOutputs() {
        assertEquals("truncated_svd", TASK.name());
        assertEquals(List.of("U", "S", "V", "method"), outputNames(TASK));
        TruncatedSvdTask seed = TruncatedSvdTask.seedForm();
        assertEquals("truncated_SVD", seed.name());
        assertEquals(List.of("U", "S", "V"), outputNames(seed));
        assertEquals(2, new Allib().tasks().stream().filter(t -> t instanceof TruncatedSvdTask).count(), "both in Allib");
        double[][] a = SvdReference.gaussian(30, 6, 1);
        InProcessTaskRunner.Result r = Tasks.run(seed, 2, a, 3);
        assertEquals(3, r.matrix("S").length);
    }

    private static List<String> outputNames(TruncatedSvdTask task) {
        return task.signature().outputs().stream().map(o -> o.name()).toList();
    }

    @Test
    void badArgumentsGetError11() {
        double[][] a = SvdReference.gaussian(20, 6, 1);
        assertBadArguments(() -> Tasks.run(TASK, 2, a, 0));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, 7));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, -1));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, (byte) 5));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, (byte) -1));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, "3"));
        assertBadArguments(() -> Tasks.run(TASK, 2, a, 3.0));
        assertBadArguments(() -> Tasks.run(TASK, 2, (Object) a));
        // k = min(m, n) is fine, for a wide matrix too.
        assertEquals(6, Tasks.run(TASK, 2, a, 6).matrix("S").length);
        double[][] wide = SvdReference.gaussian(4, 9, 2);
        assertEquals(4, Tasks.run(TASK, 2, wide, 4, (byte) 2).matrix("S").length);
        assertBadArguments(() -> Tasks.run(TASK, 2, wide, 5));
    }

    static void assertBadArguments(org.junit.jupiter.api.function.Executable run) {
        AlchemistException e = assertThrows(AlchemistException.class, run);
        assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, e.code(), e.getMessage());
    }
}
