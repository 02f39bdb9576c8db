package alchemist.server.comm;

/** Thrown by a blocked receive when its communicator closes. */
public class CommunicatorClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommunicatorClosedException(String message) {
        super(message);
    }
}
