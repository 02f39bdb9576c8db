package alchemist.mpi;

/**
 * An MPI routine returned an error code (the communicator's error handler is {@code MPI_ERRORS_RETURN}),
 * or the MPI library could not be loaded. The message names the routine and carries MPI's own text
 * for the code, for example {@code MPI_Isend failed: MPI_ERR_RANK: invalid rank (MPI error 6)}.
 */
public class MpiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String routine;
    private final int errorCode;

    /**
     * @param routine     the MPI routine, e.g. {@code MPI_Isend}
     * @param errorCode   its return code
     * @param errorString {@code MPI_Error_string} of the code
     */
    public MpiException(String routine, int errorCode, String errorString) {
        super(routine + " failed: " + errorString + " (MPI error " + errorCode + ")");
        this.routine = routine;
        this.errorCode = errorCode;
    }

    /** A failure outside an MPI call, such as the library missing. */
    public MpiException(String message, Throwable cause) {
        super(message, cause);
        this.routine = null;
        this.errorCode = -1;
    }

    /** @return the MPI routine that failed, or null if the failure was not an MPI return code */
    public String routine() {
        return routine;
    }

    /** @return the MPI error code, or -1 if the failure was not an MPI return code */
    public int errorCode() {
        return errorCode;
    }
}
