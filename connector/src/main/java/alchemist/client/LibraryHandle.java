package alchemist.client;

/**
 * A library loaded into a session.
 *
 * @param id    the server's ID for it
 * @param name  the name it was loaded under
 * @param tasks its tasks' signatures, comma-separated (empty until listed)
 */
public record LibraryHandle(int id, String name, String tasks) {
}
