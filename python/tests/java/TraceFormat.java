// Formats messages with the Java client's TracePrinter, for the Python tests that check that the Python
// printer writes the same characters. Run with the JDK's source launcher:
//   java -cp <protocol jar and netty> TraceFormat.java IN OUT
// IN holds messages as (u32 length, bytes); OUT gets each formatted message as (u32 length, UTF-8 bytes).
import alchemist.protocol.TracePrinter;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class TraceFormat {
    public static void main(String[] args) throws Exception {
        DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[0])));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        TracePrinter printer = new TracePrinter();
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException end) {
                break;
            }
            byte[] message = in.readNBytes(length);
            byte[] text = printer.format(Unpooled.wrappedBuffer(message)).getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
        }
        out.flush();
        Files.write(Path.of(args[1]), bytes.toByteArray());
    }
}
