package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.ServerOptions;
import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SEND_TEST_STRING and REQUEST_TEST_STRING on the driver and the workers give PROTOCOL.md's texts. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TestStringTest {

    @Test
    void driverEchoesTheTextAndNamesItself() {
        try (TestServer server = TestServers.start(2); AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            assertEquals("Alchemist driver received: 'hello'", als.sendTestString("hello"));
            assertEquals("Alchemist driver received: ''", als.sendTestString(""));
            assertEquals("Alchemist driver received: 'héllo ✓ 数据'", als.sendTestString("héllo ✓ 数据"));
            assertTrue(als.requestTestString().contains("driver"), als.requestTestString());
        }
    }

    @Test
    void everyWorkerEchoesTheSeedsTextAndNamesItself() {
        // A server of its own: the seed's trace is that of the first client of a fresh server.
        try (TestServer server = TestServers.startDedicated(ServerOptions.workers(3));
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            assertEquals(1, als.clientId(), "the first client of a fresh server is client 1, as in the seed trace");
            als.requestWorkers(3);
            als.workers().connect();

            // The seed's trace: STRING (36) "This is a test message from client 1", reply STRING (65).
            List<String> answers = als.workers().sendTestString();
            assertEquals(3, answers.size());
            for (String a : answers) {
                assertEquals("Alchemist worker received: 'This is a test message from client 1'", a);
                assertEquals(65, a.getBytes(StandardCharsets.UTF_8).length);
            }
            assertEquals(List.of("Alchemist worker received: 'x ✓'", "Alchemist worker received: 'x ✓'",
                    "Alchemist worker received: 'x ✓'"), als.workers().sendTestString("x ✓"));
            List<String> texts = als.workers().requestTestString();
            assertEquals(3, texts.size());
            for (String t : texts) {
                assertTrue(t.contains("worker"), t);
            }
        }
    }
}
