package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into {@link Message}s. The body length is checked against the limit before any of
 * the body is read, so an oversized message costs nothing; the runs of a complete body are checked
 * before it is passed on. A bad frame becomes one {@link FrameError}, after which all input is discarded
 * (the connection is about to close).
 *
 * <p>Each emitted message holds a retained slice of the cumulation buffer: the next handler owns it.
 */
public final class MessageFrameDecoder extends ByteToMessageDecoder {
    /** The body limit every server accepts (PROTOCOL.md, "Sizes"): 64 MiB. */
    public static final int DEFAULT_MAX_BODY_LENGTH = 64 << 20;

    private final long maxBodyLength;
    private boolean discarding;

    /** @param maxBodyLength the largest body accepted, in bytes (at most {@code Integer.MAX_VALUE}) */
    public MessageFrameDecoder(long maxBodyLength) {
        if (maxBodyLength < 0 || maxBodyLength > Integer.MAX_VALUE - Header.LENGTH) {
            throw new IllegalArgumentException("body limit must be in 0.." + (Integer.MAX_VALUE - Header.LENGTH) + ": "
                    + maxBodyLength);
        }
        this.maxBodyLength = maxBodyLength;
        setCumulator(this::cumulateIntoWholeFrame);
    }

    /**
     * Once a frame's header is in, grows the cumulation buffer once to hold the whole frame (and what
     * arrived with it), instead of growing it (and copying what it holds) again and again as reads of a
     * large message arrive.
     */
    private ByteBuf cumulateIntoWholeFrame(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        int held = cumulation.readableBytes();
        if (held >= Header.LENGTH && !discarding && cumulation.writableBytes() < in.readableBytes()) {
            long bodyLength = cumulation.getUnsignedInt(cumulation.readerIndex() + 5);
            if (bodyLength <= maxBodyLength) {
                long needed = Math.max(Header.LENGTH + bodyLength, (long) held + in.readableBytes());
                ByteBuf whole = alloc.ioBuffer((int) Math.min(Integer.MAX_VALUE - 8, needed));
                whole.writeBytes(cumulation);
                cumulation.release();
                cumulation = whole;
            }
        }
        return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Header.LENGTH) {
            return;
        }
        Header header = Header.peek(in, in.readerIndex());
        if (header.bodyLength() > maxBodyLength) {
            fail(in, out, header, new MalformedMessageException(ErrorCode.MESSAGE_TOO_LARGE,
                    "message body of " + header.bodyLength() + " bytes exceeds the limit of " + maxBodyLength
                            + " bytes"));
            return;
        }
        if (in.readableBytes() < Header.LENGTH + header.bodyLength()) {
            return;
        }
        in.skipBytes(Header.LENGTH);
        ByteBuf body = in.readRetainedSlice((int) header.bodyLength());
        try {
            Runs.validate(body);
        } catch (MalformedMessageException e) {
            body.release();
            fail(in, out, header, e);
            return;
        }
        out.add(new Message(header, body));
    }

    private void fail(ByteBuf in, List<Object> out, Header header, MalformedMessageException error) {
        discarding = true;
        in.skipBytes(in.readableBytes());
        out.add(new FrameError(header, error));
    }
}
