package apprentice.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import apprentice.core.eval.ValidationSet;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationSetWriterTest {
    @TempDir
    Path tmp;

    /** A dataset folder of 25 random-noise images; every third one is held out (9 validation images). */
    private EmojiDataset dataset(int count) throws IOException {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        byte[] pixels = new byte[count * 64 * 64 * 3];
        new SplittableRandom(5).nextBytes(pixels);
        StringBuilder rows = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < count; i++) {
            List<String> caps = new ArrayList<>(List.of("emoji " + i, "emoji " + i + ", tag", "emoji " + i + ", google style"));
            if (i != 3) {
                caps.add("絵文字" + i);
                caps.add("絵文字" + i + "、タグ");
            }
            rows.append(json.writeValueAsString(new EmojiRecord(i % 2 == 0 ? "google" : "twitter", "1F6" + (10 + i),
                    "1F6" + (10 + i), "x.png", caps, i % 3 == 0))).append('\n');
        }
        Files.write(dir.resolve(EmojiDataset.IMAGES), pixels);
        Files.writeString(dir.resolve(EmojiDataset.ENTRIES), rows);
        return EmojiDataset.load(dir);
    }

    @Test
    void writesWhatTheCoreLoaderReadsBackExactly() throws IOException {
        EmojiDataset data = dataset(25);
        Path out = tmp.resolve("validation");
        assertEquals(9, ValidationSetWriter.write(data, out));
        ValidationSet v = ValidationSet.load(out);
        assertEquals(9, v.size());
        assertEquals(new ValidationSet.Layout(64, 9, 9), v.layout());
        int[] held = data.indices(true);
        float[] expected = new float[3 * 64 * 64];
        for (int i = 0; i < held.length; i++) {
            data.imageChw(held[i], expected, 0);
            float[] got = v.images(i, i + 1).data();
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], got[k], 1e-6f, "image " + i + " value " + k);
            }
            assertEquals(data.record(held[i]).label(), v.entry(i).label());
            assertEquals(data.record(held[i]).captions(), v.entry(i).captions());
        }
        assertEquals("絵文字0", v.entry(0).labelJa());
        assertNull(v.entry(1).labelJa(), "emoji 3 has no Japanese caption");
        byte[] first = Files.readAllBytes(out.resolve(ValidationSet.IMAGES));
        ValidationSetWriter.write(data, out);
        assertEquals(java.util.Arrays.hashCode(first), java.util.Arrays.hashCode(Files.readAllBytes(out.resolve(ValidationSet.IMAGES))),
                "a rewrite gives the same atlas bytes");
    }

    @Test
    void datasetWithoutHeldOutImagesIsRefused() throws IOException {
        Path dir = tmp.resolve("d2");
        Files.createDirectories(dir);
        Files.write(dir.resolve(EmojiDataset.IMAGES), new byte[64 * 64 * 3]);
        Files.writeString(dir.resolve(EmojiDataset.ENTRIES), new ObjectMapper().writeValueAsString(
                new EmojiRecord("google", "1F600", "1F600", "x.png", List.of("a", "a", "a"), false)) + "\n");
        IOException e = assertThrows(IOException.class, () -> ValidationSetWriter.write(EmojiDataset.load(dir), tmp.resolve("o")));
        assertEquals(true, e.getMessage().contains("no validation images"), e.getMessage());
    }

    @Test
    void referenceSetHoldsTheTrainingImagesOfTheLabelsInDatasetOrder() throws IOException {
        EmojiDataset data = dataset(25);
        Path out = tmp.resolve("reference");
        // emoji 7 and 2 are trained (7 % 3 != 0); a repeated label counts once; order follows the dataset, not the list
        assertEquals(2, ReferenceSetWriter.write(data, List.of("emoji 7", "emoji 2", "emoji 7"), out, "train/run.sh reference-set"));
        ValidationSet v = ValidationSet.load(out);
        assertEquals(List.of("emoji 2", "emoji 7"), v.labels());
        float[] expected = new float[3 * 64 * 64];
        data.imageChw(7, expected, 0);
        float[] got = v.images(1, 2).data();
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-6f, "value " + k);
        }
        String readme = Files.readString(out.resolve("README.md"));
        assertEquals(true, readme.contains("train/run.sh reference-set") && readme.contains("CC-BY 4.0"), readme);
    }

    @Test
    void referenceSetRefusesHeldOutAndUnknownLabelsNamingThem() throws IOException {
        EmojiDataset data = dataset(25);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceSetWriter.write(data, List.of("emoji 1", "emoji 3", "no such emoji"), tmp.resolve("r2"), "x"));
        assertEquals(true, e.getMessage().contains("[emoji 3, no such emoji]"), e.getMessage());
        assertEquals(false, Files.exists(tmp.resolve("r2")), "nothing written");
    }
}
