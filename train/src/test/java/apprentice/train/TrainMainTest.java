package apprentice.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainMainTest {
    @TempDir
    Path tmp;

    @Test
    void badInputPrintsOneLineWithoutAStackTrace() {
        CommandLine cli = TrainMain.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("reference-set", "--data", tmp.resolve("none").toString(), "--label", "sun",
                "--out", tmp.resolve("out").toString());
        assertEquals(TrainMain.BAD_INPUT, code);
        String text = err.toString();
        assertTrue(text.startsWith("error: no dataset in ") && text.contains("train/run.sh dataset"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        assertEquals(1, text.strip().lines().count(), text);
    }
}
