package alchemist.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.examples.Printed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps ScaleBench working: a quick run in this JVM (embedded workers, Spark local mode for MLlib) writes its CSV,
 * charts and table, and allib's singular values agree with the LAPACK reference's. No timing assertions.
 */
@Timeout(300)
class ScaleBenchTest {
    @TempDir
    Path out;

    @Test
    void quickRunWritesEveryCellAndAgreesWithLapack() throws Exception {
        String printed = Printed.by(() -> ScaleBench.main(new String[] {"--quick", "--out", out.toString(),
                "--library-dir", System.getProperty("alchemist.test.allibDir")}));
        assertTrue(printed.contains("| 2,000 × 50 | decaying | 5 | embedded | 2 ("), printed);

        List<String> csv = Files.readAllLines(out.resolve("scale-bench.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(1 + 2 * 2 * 2 * 2, csv.size(), "2 shapes x 2 spectra x 2 k x 2 worker counts\n" + csv);
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertTrue(Double.parseDouble(f[header.indexOf("allib_min_seconds")]) > 0, line);
            assertTrue(Double.parseDouble(f[header.indexOf("lapack_min_seconds")]) > 0, line);
            assertTrue(Double.parseDouble(f[header.indexOf("allib_max_relative_difference")]) < 1e-9, line);
            assertTrue(!f[header.indexOf("mllib_auto_seconds")].isEmpty(), "MLlib ran (or hit its cap): " + line);
        }
        assertEquals(900, ImageIO.read(out.resolve("scale-k-2000x50-flat.png").toFile()).getWidth());
        assertTrue(Files.exists(out.resolve("scale-workers-1000x80-decaying-k10.png")));
    }

    @Test
    void unknownFlagsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScaleBench.parse(new String[] {"--shape", "10x10"}));
    }
}
