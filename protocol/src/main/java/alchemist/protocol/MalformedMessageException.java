package alchemist.protocol;

/**
 * A message that cannot be framed or parsed: a bad header, an unknown datatype, a run that overruns the
 * body, a body over the limit. Unlike other errors, the connection that sent it is closed after the
 * ERROR reply, because nothing after it can be trusted to start on a message boundary.
 */
public class MalformedMessageException extends AlchemistException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(ErrorCode code, String message) {
        super(code, message);
    }
}
