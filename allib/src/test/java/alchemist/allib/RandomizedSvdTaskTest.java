package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.server.worker.InProcessTaskRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * randomized_svd against LAPACK's DGESDD on the whole matrix, on 1, 2 and 3 simulated workers: orthonormal
 * factors, an error estimate that bounds the measured spectral error ‖A − UΣVᵀ‖₂ without being absurdly
 * large, accurate top singular values on a decaying spectrum, and bit-for-bit reproducibility.
 */
class RandomizedSvdTaskTest {
    private static final RandomizedSvdTask TASK = new RandomizedSvdTask();

    /** What a run gave. */
    record Outcome(double[] s, double[][] u, double[][] v, double estimate) {
    }

    static Outcome run(double[][] a, int k, int oversampling, int powerIterations, long seed, int workers) {
        InProcessTaskRunner.Result r = Tasks.run(TASK, workers, a, k, oversampling, powerIterations, seed);
        double[][] u = r.matrix("U");
        double[][] v = r.matrix("V");
        double[][] s = r.matrix("S");
        assertEquals(a.length, u.length, "U's rows");
        assertEquals(k, u[0].length, "U's columns");
        assertEquals(a[0].length, v.length, "V's rows");
        assertEquals(k, v[0].length, "V's columns");
        assertEquals(k, s.length, "S's rows");
        assertEquals(1, s[0].length, "S's columns");
        return new Outcome(SvdReference.column(s), u, v, (Double) r.scalar("error_estimate"));
    }

    /** The spectra of the accuracy tests, each on a 400 × 80 matrix with random singular vectors. */
    enum Spectrum {
        /** σᵢ = 1/(1 + i): slow, polynomial decay. */
        DECAYING,
        /** iid Gaussian entries: singular values within a factor of about 2.6 of each other. */
        FLAT,
        /** σᵢ = 10^(−i/4): fast, geometric decay. */
        FAST_DECAYING;

        double[][] matrix(long seed) {
            if (this == FLAT) {
                return SvdReference.gaussian(400, 80, seed);
            }
            double[] sigma = new double[80];
            for (int i = 0; i < sigma.length; i++) {
                sigma[i] = this == DECAYING ? 1.0 / (1 + i) : Math.pow(10, -i / 4.0);
            }
            return SvdReference.withSpectrum(400, 80, sigma, seed);
        }
    }

    static List<Arguments> spectraAndWorkers() {
        List<Arguments> cases = new ArrayList<>();
        for (Spectrum s : Spectrum.values()) {
            for (int powerIterations : new int[] {0, 2}) {
                for (int workers = 1; workers <= 3; workers++) {
                    cases.add(Arguments.of(s, powerIterations, workers));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}, q = {1}, {2} workers")
    @MethodSource("spectraAndWorkers")
    void orthonormalFactorsAndAnEstimateThatBoundsTheError(Spectrum spectrum, int powerIterations, int workers) {
        double[][] a = spectrum.matrix(21);
        int k = 10;
        Outcome o = run(a, k, 10, powerIterations, 5L, workers);
        String what = spectrum + ", q = " + powerIterations + ", " + workers + " workers";
        assertTrue(SvdReference.orthogonality(o.u()) <= 1e-10, what + ": ‖UᵀU − I‖ = " + SvdReference.orthogonality(o.u()));
        assertTrue(SvdReference.orthogonality(o.v()) <= 1e-10, what + ": ‖VᵀV − I‖ = " + SvdReference.orthogonality(o.v()));
        for (int i = 1; i < k; i++) {
            assertTrue(o.s()[i] <= o.s()[i - 1], what + ": S descending at " + i);
        }
        double[] sigma = SvdReference.reference(a).s();
        double measured = spectralError(a, o);
        // Eckart–Young: no rank-k matrix is nearer than σₖ₊₁. The bound's overshoot is about 8·‖E‖_F/‖E‖₂
        // (up to 8·√70 for the 70 directions left here) times the spread of the largest of 10 draws:
        // measured 20 (fast decay), 24 to 30 (decaying) and 56 (flat).
        assertTrue(measured >= sigma[k] * (1 - 1e-12), what + ": measured " + measured + " below σₖ₊₁ " + sigma[k]);
        assertTrue(o.estimate() >= measured, what + ": estimate " + o.estimate() + " < measured error " + measured);
        assertTrue(o.estimate() >= sigma[k], what + ": estimate " + o.estimate() + " < σₖ₊₁ " + sigma[k]);
        assertTrue(o.estimate() <= 100 * measured, what + ": estimate " + o.estimate() + " > 100 × " + measured);
        // Ritz values never exceed the true singular values.
        for (int i = 0; i < k; i++) {
            assertTrue(o.s()[i] <= sigma[i] * (1 + 1e-12), what + ": σ" + i + " " + o.s()[i] + " > " + sigma[i]);
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void powerIterationsGiveTheTopSingularValuesOnADecayingSpectrum(int workers) {
        // σᵢ = 0.8^i. The Ritz values' relative error is about (σₗ₊₁/σᵢ)^(4q + 2): with l = 20 and q = 2,
        // 0.8^(10·10) = 2e-10 for σ₉ and far less above, so 1e-8 leaves room for the constant (about the
        // ratio of the tail's Frobenius to spectral norm, squared, here under 10). Without power
        // iterations the same exponent is 2, and σ₉ is off by percents.
        double[] spectrum = new double[80];
        for (int i = 0; i < spectrum.length; i++) {
            spectrum[i] = Math.pow(0.8, i);
        }
        double[][] a = SvdReference.withSpectrum(500, 80, spectrum, 31);
        double[] sigma = SvdReference.reference(a).s();
        double withPower = SvdReference.maxRelativeError(sigma, run(a, 10, 10, 2, 9L, workers).s(), 10);
        assertTrue(withPower <= 1e-8, "q = 2: relative error " + withPower);
        double without = SvdReference.maxRelativeError(sigma, run(a, 10, 10, 0, 9L, workers).s(), 10);
        assertTrue(without > 1e-4, "q = 0 is expected to be visibly worse: " + without);
    }

    @Test
    void sameSeedAndWorkersGiveTheSameBitsAndOtherSeedsDiffer() {
        double[][] a = Spectrum.DECAYING.matrix(41);
        for (int workers = 1; workers <= 3; workers++) {
            Outcome first = run(a, 8, 5, 1, 123L, workers);
            Outcome again = run(a, 8, 5, 1, 123L, workers);
            assertArrayEquals(first.s(), again.s(), 0, "S");
            assertTrue(Arrays.deepEquals(first.u(), again.u()), "U");
            assertTrue(Arrays.deepEquals(first.v(), again.v()), "V");
            assertEquals(first.estimate(), again.estimate(), 0, "estimate");
            Outcome other = run(a, 8, 5, 1, 124L, workers);
            assertFalse(Arrays.equals(first.s(), other.s()), "another seed, the same S");
            assertFalse(first.estimate() == other.estimate(), "another seed, the same estimate");
        }
    }

    @Test
    void workerCountsAgreeUpToRounding() {
        double[][] a = Spectrum.FAST_DECAYING.matrix(43);
        double[] one = run(a, 6, 4, 2, 77L, 1).s();
        for (int workers = 2; workers <= 3; workers++) {
            double err = SvdReference.maxRelativeError(one, run(a, 6, 4, 2, 77L, workers).s(), 6);
            assertTrue(err <= 1e-12, workers + " workers vs 1: " + err);
        }
    }

    @Test
    void defaultsAndFullRankGiveAnExactFactorization() {
        // k + oversampling capped at min(m, n) = 12: the samples span A's row space, so A = UΣVᵀ with k = 12.
        double[][] a = SvdReference.gaussian(30, 12, 3);
        InProcessTaskRunner.Result r = Tasks.run(TASK, 3, a, 12);
        Outcome o = new Outcome(SvdReference.column(r.matrix("S")), r.matrix("U"), r.matrix("V"),
                (Double) r.scalar("error_estimate"));
        double[] sigma = SvdReference.reference(a).s();
        assertTrue(SvdReference.maxRelativeError(sigma, o.s(), 12) <= 1e-12, "S");
        assertTrue(SvdReference.residual(a, o.u(), o.s(), o.v()) <= 1e-12 * sigma[0], "AV = UΣ");
        assertTrue(o.estimate() <= 1e-12 * sigma[0], "estimate " + o.estimate());
    }

    @Test
    void workersWithoutRowsAndAZeroMatrix() {
        // 4 × 6 on 3 workers: one holds a single row, none holds more than l = 4 rows.
        double[][] a = SvdReference.gaussian(4, 6, 8);
        Outcome o = run(a, 2, 10, 1, 1L, 3);
        assertTrue(SvdReference.orthogonality(o.u()) <= 1e-12);
        assertTrue(SvdReference.orthogonality(o.v()) <= 1e-12);
        assertTrue(o.estimate() >= spectralError(a, o));
        Outcome zero = run(new double[50][8], 3, 2, 2, 1L, 2);
        assertArrayEquals(new double[3], zero.s(), "S");
        assertEquals(0, zero.estimate(), "estimate");
        assertTrue(SvdReference.orthogonality(zero.u()) <= 1e-12, "U orthonormal");
        assertTrue(SvdReference.orthogonality(zero.v()) <= 1e-12, "V orthonormal");
    }

    @Test
    void gaussianEntriesHaveMeanZeroAndVarianceOne() {
        int count = 200_000;
        double sum = 0;
        double squares = 0;
        double fourth = 0;
        for (int i = 0; i < count; i++) {
            double x = Dense.gaussianEntry(3, i / 100, i % 100);
            sum += x;
            squares += x * x;
            fourth += x * x * x * x;
        }
        // Standard errors: 1/√N = 0.0022 for the mean, √2/√N = 0.0032 for the variance, √96/√N = 0.022 for
        // the fourth moment (3 for a Gaussian, 1.8 for the uniform entries randomEntry gives).
        assertEquals(0, sum / count, 0.01, "mean");
        assertEquals(1, squares / count, 0.015, "variance");
        assertEquals(3, fourth / count, 0.1, "fourth moment");
        assertEquals(Dense.gaussianEntry(3, 7, 8), Dense.gaussianEntry(3, 7, 8), 0, "a function of its arguments");
    }

    @Test
    void listedInAllib() {
        assertEquals("randomized_svd", TASK.name());
        assertTrue(new Allib().tasks().stream().anyMatch(t -> t instanceof RandomizedSvdTask), "listed in Allib");
    }

    @Test
    void badArgumentsGetError11WithClearMessages() {
        double[][] a = SvdReference.gaussian(20, 6, 1);
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 0)), "k = 0 is not in [1, min(m, n)] = [1, 6]");
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 7)), "k = 7 is not in [1, min(m, n)] = [1, 6]");
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, -1)), "oversampling = -1 must be >= 0");
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, 2, -1)),
                "power_iterations = -1 is not in [0, 50]");
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, 2, 51)),
                "power_iterations = 51 is not in [0, 50]");
        TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, a, 3, 2, 1, 0.5));
        TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, (Object) a));
        // Oversampling beyond min(m, n), even near Integer.MAX_VALUE, is capped, not an error.
        assertEquals(6, Tasks.run(TASK, 2, a, 6, Integer.MAX_VALUE, 0, 3L).matrix("S").length);
        double[][] wide = SvdReference.gaussian(4, 9, 2);
        assertEquals(4, Tasks.run(TASK, 2, wide, 4).matrix("S").length);
        assertMessage(TestMatrices.assertBadArguments(() -> Tasks.run(TASK, 2, wide, 5)), "for a 4 x 9 matrix");
    }

    private static void assertMessage(AlchemistException e, String part) {
        assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" lacks \"" + part + "\"");
    }

    /** @return ‖A − U·diag(S)·Vᵀ‖₂, by DGESDD on the whole residual */
    static double spectralError(double[][] a, Outcome o) {
        double[][] e = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                double acc = a[i][j];
                for (int l = 0; l < o.s().length; l++) {
                    acc -= o.u()[i][l] * o.s()[l] * o.v()[j][l];
                }
                e[i][j] = acc;
            }
        }
        return SvdReference.reference(e).s()[0];
    }
}
