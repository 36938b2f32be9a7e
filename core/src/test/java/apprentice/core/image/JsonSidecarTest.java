package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSidecarTest {
    @TempDir
    Path dir;

    @Test
    void sidecarSitsNextToTheImageWithTheSameStem() {
        assertEquals(dir.resolve("fox_0.json"), JsonSidecar.pathFor(dir.resolve("fox_0.png")));
        assertEquals(dir.resolve("a.b.json"), JsonSidecar.pathFor(dir.resolve("a.b.png")));
        assertEquals(dir.resolve("noext.json"), JsonSidecar.pathFor(dir.resolve("noext")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonSidecar.pathFor(dir.resolve("x.json")));
        assertTrue(e.getMessage().contains(".png"), e.getMessage());
    }

    @Test
    void writesPrettyUtf8JsonInInsertionOrderAndReplacesAtomically() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", "zürich at night 🌃");
        m.put("seed", 123L);
        m.put("nfe", List.of(4, 12));
        Path written = JsonSidecar.write(dir.resolve("city.png"), m);
        assertEquals(dir.resolve("city.json"), written);
        String text = Files.readString(written);
        assertTrue(text.indexOf("\"prompt\"") < text.indexOf("\"seed\""), text);
        assertTrue(text.contains("\n  \"seed\" : 123"), text);
        JsonNode node = new ObjectMapper().readTree(text);
        assertEquals("zürich at night 🌃", node.get("prompt").asText());
        assertEquals(12, node.get("nfe").get(1).asInt());

        m.put("seed", 124L);
        JsonSidecar.write(dir.resolve("city.png"), m);
        assertEquals(124, new ObjectMapper().readTree(written.toFile()).get("seed").asInt());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
