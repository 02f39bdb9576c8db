package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code tables of PROTOCOL.md, written out here as literals: datatypes, commands, errors. */
class CodesTest {

    @Test
    void datatypeCodesAndSizes() {
        int[][] table = {{0, 0}, {1, 1}, {15, 4}, {16, 8}, {18, 1}, {34, 2}, {35, 4}, {36, 8}, {46, 1}, {47, 1},
            {53, 2}};
        String[] names = {"NONE", "CHAR", "FLOAT", "DOUBLE", "BYTE", "SHORT", "INT", "LONG", "STRING",
            "COMMAND_CODE", "MATRIX_ID"};
        assertEquals(names.length, Datatype.values().length);
        for (int i = 0; i < names.length; i++) {
            Datatype t = Datatype.valueOf(names[i]);
            assertEquals(table[i][0], t.code(), names[i]);
            assertEquals(table[i][1], t.size(), names[i]);
            assertSame(t, Datatype.fromCode(table[i][0]));
        }
        assertNull(Datatype.fromCode(99));
        assertNull(Datatype.fromCode(-1));
        assertNull(Datatype.fromCode(256));
    }

    @Test
    void commandCodes() {
        String[] names = {"WAIT", "HANDSHAKE", "REQUEST_ID", "CLIENT_INFO", "SEND_TEST_STRING",
            "REQUEST_TEST_STRING", "REQUEST_WORKERS", "YIELD_WORKERS", "SEND_ASSIGNED_WORKERS_INFO",
            "LIST_ALL_WORKERS", "LIST_ACTIVE_WORKERS", "LIST_INACTIVE_WORKERS", "LIST_ASSIGNED_WORKERS",
            "LOAD_LIBRARY", "RUN_TASK", "UNLOAD_LIBRARY", "MATRIX_INFO", "MATRIX_LAYOUT", "SEND_MATRIX_BLOCKS",
            "REQUEST_MATRIX_BLOCKS", "SHUT_DOWN", "FREE_MATRIX", "LIST_LIBRARIES", "LOAD_HDF5"};
        for (int code = 0; code < names.length; code++) {
            assertEquals(code, Command.valueOf(names[code]).code(), names[code]);
            assertSame(Command.valueOf(names[code]), Command.fromCode(code));
        }
        assertEquals(255, Command.ERROR.code());
        assertSame(Command.ERROR, Command.fromCode(255));
        assertEquals(names.length + 1, Command.values().length);
        for (int code = names.length; code < 255; code++) {
            assertNull(Command.fromCode(code), "code " + code);
            assertEquals(code + " (UNKNOWN)", Command.describe(code));
        }
        assertEquals("1 (HANDSHAKE)", Command.describe(1));
        assertEquals("255 (ERROR)", Command.describe(255));
    }

    /** PROTOCOL.md, "Errors": codes 1..16 in this order. */
    @Test
    void errorCodes() {
        Map<Integer, String> table = new LinkedHashMap<>();
        String[] names = {"INVALID_HANDSHAKE", "INVALID_CLIENT_ID", "INVALID_SESSION", "INCONSISTENT_DATATYPES",
            "NO_WORKERS", "NON_POSITIVE_WORKER_REQUEST", "UNKNOWN_COMMAND", "UNKNOWN_MATRIX", "BAD_BLOCK_BOUNDS",
            "UNKNOWN_LIBRARY_OR_TASK", "BAD_TASK_ARGUMENTS", "TASK_FAILED", "MESSAGE_TOO_LARGE", "NOT_PERMITTED",
            "INTERNAL_ERROR", "NOT_ENOUGH_WORKER_MEMORY"};
        for (int i = 0; i < names.length; i++) {
            table.put(i + 1, names[i]);
        }
        assertEquals(16, ErrorCode.values().length);
        for (Map.Entry<Integer, String> e : table.entrySet()) {
            ErrorCode code = ErrorCode.valueOf(e.getValue());
            assertEquals(e.getKey(), code.code(), e.getValue());
            assertSame(code, ErrorCode.fromCode(e.getKey()));
        }
        assertEquals(Arrays.asList(names), Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        assertSame(ErrorCode.INTERNAL_ERROR, ErrorCode.fromCode(0));
        assertSame(ErrorCode.INTERNAL_ERROR, ErrorCode.fromCode(99));
    }

    @Test
    void exceptionCarriesItsCode() {
        AlchemistException e = new AlchemistException(ErrorCode.NO_WORKERS, "only 1 of 2 workers free");
        assertEquals("error 5 (NO_WORKERS): only 1 of 2 workers free", e.getMessage());
        assertEquals("only 1 of 2 workers free", e.detail());
        assertSame(ErrorCode.NO_WORKERS, e.code());
    }
}
