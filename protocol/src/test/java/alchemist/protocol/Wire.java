package alchemist.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames by hand with {@link ByteBuffer} (big-endian by default), independently of
 * {@link MessageWriter}, {@link Datatype} and {@link Header}: the datatype codes are the literals of
 * PROTOCOL.md, so a wrong code in main code cannot cancel out against the same code here.
 */
final class Wire {
    static final int NONE = 0;
    static final int FLOAT = 15;
    static final int DOUBLE = 16;
    static final int BYTE = 18;
    static final int SHORT = 34;
    static final int INT = 35;
    static final int LONG = 36;
    static final int STRING = 46;
    static final int MATRIX_ID = 53;

    private Wire() {
    }

    /** A whole frame: u16 client, u16 session, u8 command, u32 body length (the body's size), body. */
    static byte[] frame(int client, int session, int command, byte[] body) {
        return frame(client, session, command, body.length, body);
    }

    /** A frame whose header may state a length other than the body's. */
    static byte[] frame(int client, int session, int command, long statedLength, byte[] body) {
        return ByteBuffer.allocate(9 + body.length)
                .putShort((short) client).putShort((short) session).put((byte) command)
                .putInt((int) statedLength).put(body).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Body body() {
        return new Body();
    }

    /** A body built run by run; each method appends exactly one run. */
    static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** A run header (u8 code, u32 count) followed by the given payload bytes, whatever they are. */
        Body run(int code, long count, byte[] payload) {
            out.writeBytes(ByteBuffer.allocate(5).put((byte) code).putInt((int) count).array());
            out.writeBytes(payload);
            return this;
        }

        /** Raw bytes, not a run (for truncated run headers). */
        Body raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Body bytes(int... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length);
            for (int v : values) {
                b.put((byte) v);
            }
            return run(BYTE, values.length, b.array());
        }

        Body shorts(int... values) {
            ByteBuffer b = ByteBuffer.allocate(2 * values.length);
            for (int v : values) {
                b.putShort((short) v);
            }
            return run(SHORT, values.length, b.array());
        }

        Body ints(int... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length);
            for (int v : values) {
                b.putInt(v);
            }
            return run(INT, values.length, b.array());
        }

        Body longs(long... values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length);
            for (long v : values) {
                b.putLong(v);
            }
            return run(LONG, values.length, b.array());
        }

        Body floats(float... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length);
            for (float v : values) {
                b.putFloat(v);
            }
            return run(FLOAT, values.length, b.array());
        }

        Body doubles(double... values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length);
            for (double v : values) {
                b.putDouble(v);
            }
            return run(DOUBLE, values.length, b.array());
        }

        Body string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return run(STRING, utf8.length, utf8);
        }

        /** An empty run of a non-STRING type (an empty STRING run is a value, the empty string). */
        Body empty(int code) {
            return run(code, 0, new byte[0]);
        }

        byte[] build() {
            return out.toByteArray();
        }
    }
}
