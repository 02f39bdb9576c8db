package alchemist.client.net;

import alchemist.protocol.MessageReader;

/**
 * Turns a normal reply into a result. Runs on the connection's event loop while the reply's body is
 * still held, so it may copy values straight into their destination; it must not block.
 */
@FunctionalInterface
public interface ReplyHandler<T> {
    /** @param reply the reply's body */
    T handle(MessageReader reply);
}
