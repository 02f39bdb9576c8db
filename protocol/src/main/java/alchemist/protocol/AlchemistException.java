package alchemist.protocol;

/**
 * The root of every Alchemist failure. It carries the {@link ErrorCode} that goes on the wire, so a
 * server turns it into an ERROR reply and a client turns an ERROR reply back into it.
 */
public class AlchemistException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public AlchemistException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public AlchemistException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** @return the error code that names this failure on the wire */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String getMessage() {
        return "error " + code.code() + " (" + code.name() + "): " + super.getMessage();
    }

    /** @return the message without the code prefix, as sent in an ERROR reply */
    public String detail() {
        return super.getMessage();
    }
}
