package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersSummaryTest {

    @Test
    void formatsLikeA1111() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", "cat");
        m.put("negative_prompt", "");
        m.put("seed", 7);
        m.put("height", 512);
        m.put("model", "teacher: sd15, student: lcm");
        m.put("teacher_steps", 12);
        m.put("width", 768);
        m.put("history", List.of(1, 2));
        m.put("note", null);
        assertEquals("cat\nSeed: 7, Size: 768x512, Model: \"teacher: sd15, student: lcm\", Teacher steps: 12",
                ParametersSummary.format(m));
    }

    @Test
    void withoutPromptOnlyTheFieldsLineRemains() {
        assertEquals("Steps: 2", ParametersSummary.format(Map.of("steps", 2)));
        assertEquals("", ParametersSummary.format(Map.of()));
    }
}
