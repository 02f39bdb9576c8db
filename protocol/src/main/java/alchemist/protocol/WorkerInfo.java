package alchemist.protocol;

/**
 * A worker as the driver lists it: its ID, where a client connects to it, and the session that holds it
 * (0 when free).
 */
public record WorkerInfo(int id, String hostname, String address, int port, int sessionId) implements java.io.Serializable {
    /** Writes ID, hostname, address and port, as REQUEST_WORKERS' reply lists a worker. */
    public void writeAddress(MessageWriter w) {
        w.putShort(id).putString(hostname).putString(address).putShort(port);
    }

    /** Writes the address and then the owning session, as LIST_ALL_WORKERS lists a worker. */
    public void writeListing(MessageWriter w) {
        writeAddress(w);
        w.putShort(sessionId);
    }

    /** Reads what {@link #writeAddress} wrote; the session is left 0. */
    public static WorkerInfo readAddress(MessageReader r) {
        return new WorkerInfo(r.readUnsignedShort(), r.readString(), r.readString(), r.readUnsignedShort(), 0);
    }

    /** Reads what {@link #writeListing} wrote. */
    public static WorkerInfo readListing(MessageReader r) {
        WorkerInfo a = readAddress(r);
        return a.withSession(r.readUnsignedShort());
    }

    /** @return this worker held by another session */
    public WorkerInfo withSession(int session) {
        return new WorkerInfo(id, hostname, address, port, session);
    }
}
