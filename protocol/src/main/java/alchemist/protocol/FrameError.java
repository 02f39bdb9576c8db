package alchemist.protocol;

/**
 * Emitted by {@link MessageFrameDecoder} in place of a message that cannot be framed. The handler replies
 * with ERROR and closes the connection; the decoder discards everything after it.
 *
 * @param header the offending header (for its client and session IDs)
 * @param error  what was wrong
 */
public record FrameError(Header header, MalformedMessageException error) {
}
