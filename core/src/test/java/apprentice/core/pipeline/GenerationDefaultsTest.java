package apprentice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationDefaultsTest {
    @TempDir
    Path dir;

    private void write(String json) throws Exception {
        Files.writeString(dir.resolve(GenerationDefaults.FILE), json);
    }

    @Test
    void aFolderWithoutTheFileFallsBackToDiffusersGuidance() {
        assertNull(GenerationDefaults.read(dir).guidanceScale());
        assertEquals(7.5, GenerationDefaults.read(dir).guidance());
        assertEquals(7.5, GenerationDefaults.guidance(null, null));
    }

    @Test
    void theFolderRecommendationIsUsedUnlessTheUserGaveOne() throws Exception {
        write("{\"guidance_scale\": 3.0, \"comment\": \"other keys are ignored\"}");
        assertEquals(3.0, GenerationDefaults.guidance(null, dir));
        assertEquals(1.0, GenerationDefaults.guidance(1.0, dir));
    }

    @Test
    void aNullGuidanceMeansNoRecommendation() throws Exception {
        write("{\"guidance_scale\": null}");
        assertEquals(7.5, GenerationDefaults.guidance(null, dir));
    }

    @Test
    void aGuidanceThatIsNotANumberNamesTheFileAndTheFix() throws Exception {
        write("{\"guidance_scale\": \"three\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GenerationDefaults.read(dir));
        assertTrue(e.getMessage().contains(GenerationDefaults.FILE) && e.getMessage().contains("e.g. 3.0"), e.getMessage());
    }

    @Test
    void brokenJsonNamesTheFile() throws Exception {
        write("{\"guidance_scale\": 3.0");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> GenerationDefaults.read(dir));
        assertTrue(e.getMessage().contains(GenerationDefaults.FILE), e.getMessage());
    }

    @Test
    void anArrayIsRejected() throws Exception {
        write("[3.0]");
        assertThrows(IllegalArgumentException.class, () -> GenerationDefaults.read(dir));
    }
}
