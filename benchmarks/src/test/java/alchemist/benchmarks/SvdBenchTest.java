package alchemist.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.examples.Printed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps SvdBench working: a quick run, no timing assertions, but its singular values must agree with LAPACK's. */
@Timeout(120)
class SvdBenchTest {
    @Test
    void quickRunPrintsItsTableAndAgreesWithLapack() throws Exception {
        String out = Printed.by(() -> SvdBench.main(new String[] {"--quick", "--library-dir",
                System.getProperty("alchemist.test.allibDir")}));
        assertTrue(out.contains("| allib truncated_svd (best of 1), 2 workers |"), out);
        String diff = out.substring(out.indexOf("singular values = ") + "singular values = ".length()).trim().split("\\s")[0];
        assertTrue(Double.parseDouble(diff) < 1e-9, "allib and LAPACK disagree: " + diff);
    }
}
