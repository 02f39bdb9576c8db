package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.protocol.Command;
import alchemist.protocol.Handshake;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A plain blocking {@link Socket} that writes whatever bytes a test builds, well-formed or not, and reads
 * replies by hand: the 9-byte header, then the body. Reads time out after 10 s, so a server that never
 * answers fails the test instead of hanging it.
 */
final class RawSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    /** A reply as read off the wire. */
    record Reply(int clientId, int sessionId, int command, byte[] body) {
        MessageReader reader() {
            return new MessageReader(Unpooled.wrappedBuffer(body));
        }

        /** @return the SHORT error code of an ERROR reply (fails unless this is one) */
        int errorCode() {
            assertEquals(Command.ERROR.code(), command, () -> "expected an ERROR reply, got command " + command);
            return reader().readShort();
        }

        /** @return the STRING message of an ERROR reply */
        String errorMessage() {
            MessageReader r = reader();
            r.readShort();
            return r.readString();
        }
    }

    RawSocket(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one whole message. */
    Reply read() {
        try {
            int client = in.readUnsignedShort();
            int session = in.readUnsignedShort();
            int command = in.readUnsignedByte();
            long length = in.readInt() & 0xFFFFFFFFL;
            byte[] body = new byte[(int) length];
            in.readFully(body);
            return new Reply(client, session, command, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return true if the server has closed the connection: the next read finds the end of the stream */
    boolean atEof() {
        try {
            return in.read() == -1;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shakes hands with the driver and returns the reply. */
    Reply handshake() {
        write(message(0, 0, Command.HANDSHAKE.code(), w -> w.putByte(Handshake.LANGUAGE_JAVA)
                .putShort(Handshake.CLIENT_NUMBER).putString(Handshake.CLIENT_TEXT)));
        return read();
    }

    /** Shakes hands with a worker, presenting a session's IDs and token, and returns the reply. */
    Reply workerHandshake(int clientId, int sessionId, long token) {
        write(message(clientId, sessionId, Command.HANDSHAKE.code(), w -> w.putByte(Handshake.LANGUAGE_JAVA)
                .putShort(Handshake.CLIENT_NUMBER).putString(Handshake.CLIENT_TEXT).putLong(token)));
        return read();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A well-formed message written with {@link MessageWriter}. */
    static byte[] message(int clientId, int sessionId, int command, Consumer<MessageWriter> body) {
        ByteBuf buf = Unpooled.buffer();
        MessageWriter w = MessageWriter.begin(buf, clientId, sessionId, command);
        body.accept(w);
        w.finish();
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    /** A header stating {@code bodyLength}, followed by {@code body} (which may be shorter, or anything). */
    static byte[] frame(int clientId, int sessionId, int command, long bodyLength, byte[] body) {
        return ByteBuffer.allocate(9 + body.length).putShort((short) clientId).putShort((short) sessionId)
                .put((byte) command).putInt((int) bodyLength).put(body).array();
    }

    /** One run: u8 datatype code, u32 count, then the payload bytes as given. */
    static byte[] run(int datatypeCode, long count, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) datatypeCode).putInt((int) count).put(payload).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
