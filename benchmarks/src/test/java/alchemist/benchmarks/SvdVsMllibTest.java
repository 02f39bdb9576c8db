package alchemist.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import alchemist.examples.Printed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps SvdVsMllib working: a quick run in this JVM (Spark local[2], an embedded Alchemist) writes its CSV,
 * chart and table, and every method's singular values agree with MLlib's. No timing assertions.
 */
@Timeout(300)
class SvdVsMllibTest {
    @TempDir
    Path out;

    @Test
    void quickRunWritesAgreeingResultsAndAChart() throws Exception {
        String printed = Printed.by(() -> SvdVsMllib.main(new String[] {"--quick", "--out", out.toString(),
                "--library-dir", System.getProperty("alchemist.test.allibDir")}));
        assertTrue(printed.contains("| 3,000 × 40 | ") && printed.contains("| 2,000 × 60 | "), printed);

        List<String> csv = Files.readAllLines(out.resolve("svd-vs-mllib.csv"));
        assertTrue(csv.get(0).startsWith("rows,cols,k,decay,method,runs,best_seconds,"), csv.get(0));
        assertEquals(1 + 2 * 6, csv.size(), "2 sizes x (3 SVD methods + send, fetch, raw loopback)\n" + csv);
        int compared = 0;
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertTrue(Double.parseDouble(f[6]) > 0, line);
            if (!f[11].isEmpty()) {
                assertTrue(Double.parseDouble(f[11]) <= 1e-9, "disagrees with MLlib auto: " + line);
                compared++;
            }
        }
        assertEquals(4, compared, "local-eigs and Alchemist compared with MLlib auto at both sizes");
        assertEquals(1000, ImageIO.read(out.resolve("svd-vs-mllib.png").toFile()).getWidth());
    }
}
