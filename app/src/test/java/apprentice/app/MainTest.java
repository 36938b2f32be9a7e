package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void versionPrintsTheFilteredPomVersion() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("apprentice 0."), r.toString());
        assertFalse(r.out().contains("${"), "version.properties was not filtered: " + r);
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Exit codes:"), r.toString());
        assertTrue(r.out().contains("bad input"), r.toString());
    }

    @Test
    void unknownOptionIsOneLineWithTheFixAndExitTwo() {
        CliRun r = CliRun.of("--no-such-option");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("--no-such-option") && r.err().contains("--help"), r.toString());
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no command given"), r.toString());
    }
}
