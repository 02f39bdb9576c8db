package alchemist.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a program's main prints to standard output, captured (and echoed, to keep it in the test report). Also
 * used by the benchmarks' tests (through this module's test jar).
 */
public final class Printed {
    private Printed() {
    }

    /** The body of a main. */
    public interface Main {
        void run() throws Exception;
    }

    public static String by(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }
}
