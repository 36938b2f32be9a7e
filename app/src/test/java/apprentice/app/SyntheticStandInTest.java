package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticStandInTest {
    @TempDir
    Path dir;

    @Test
    void synthesisedOnceIntoTheCacheUnderTheSpecHash() throws Exception {
        AppEnvironment env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        Path first = SyntheticStandIn.folder(SyntheticSpec.tiny(), env);
        assertEquals(dir.resolve("cache/synthetic").resolve(SyntheticStandIn.hash(SyntheticSpec.tiny())), first);
        assertTrue(ModelLocator.isModelFolder(first));
        FileTime written = Files.getLastModifiedTime(first.resolve("unet/model.onnx"));
        Thread.sleep(20);
        Path again = SyntheticStandIn.folder(SyntheticSpec.tiny(), env);
        assertEquals(first, again);
        assertEquals(written, Files.getLastModifiedTime(again.resolve("unet/model.onnx")), "not rewritten");
        try (Stream<Path> s = Files.list(dir.resolve("cache/synthetic"))) {
            assertEquals(1, s.count(), "no partial folders left behind");
        }
    }

    @Test
    void differentSpecsGetDifferentFolders() {
        assertEquals(16, SyntheticStandIn.hash(SyntheticSpec.tiny()).length());
        assertEquals(SyntheticStandIn.hash(SyntheticSpec.tiny()), SyntheticStandIn.hash(SyntheticSpec.tiny()));
        assertNotEquals(SyntheticStandIn.hash(SyntheticSpec.tiny()), SyntheticStandIn.hash(SyntheticSpec.tiny().withSeed(5)));
        assertNotEquals(SyntheticStandIn.hash(SyntheticSpec.tiny()), SyntheticStandIn.hash(SyntheticSpec.realisticShape()));
    }

    @Test
    void defaultModelAnnouncesTheStandInInOneLine() {
        AppEnvironment env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        java.io.StringWriter err = new java.io.StringWriter();
        Path folder = new Main(env).defaultModel(new java.io.PrintWriter(err, true));
        assertTrue(ModelLocator.isModelFolder(folder));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("synthetic stand-in"), err.toString());
    }
}
