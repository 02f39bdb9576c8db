package alchemist.protocol;

/** The fixed values of the HANDSHAKE exchange (PROTOCOL.md, command 1). */
public final class Handshake {
    /** Language byte of a Scala client. */
    public static final int LANGUAGE_SCALA = 2;
    /** Language byte of a Java client. */
    public static final int LANGUAGE_JAVA = 3;
    /** Language byte of a Python client. */
    public static final int LANGUAGE_PYTHON = 4;
    /** The number a client sends. */
    public static final int CLIENT_NUMBER = 1234;
    /** The text a client sends. */
    public static final String CLIENT_TEXT = "ABCD";
    /** The number the server answers. */
    public static final int SERVER_NUMBER = 4321;
    /** The text the server answers. */
    public static final String SERVER_TEXT = "DCBA";

    private Handshake() {
    }
}
