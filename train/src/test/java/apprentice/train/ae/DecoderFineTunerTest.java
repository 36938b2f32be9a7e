package apprentice.train.ae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import apprentice.train.data.EmojiDataset;
import apprentice.train.data.SyntheticDataset;
import apprentice.train.diffusion.LatentCache;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.Ema;
import apprentice.train.nn.ParamStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderFineTunerTest {
    /** Channel widths 4, 8 and 12 only: libtorch's CPU conv is exact for them (docs/training.md). */
    private static final AutoencoderConfig TINY = new AutoencoderConfig(8, 8, 4, 2);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    /** A "trained" tiny autoencoder whose EMA differs from its raw parameters, as after a real run. */
    private static Map<String, float[]> writeSourceAutoencoder(Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 7);
            new AutoencoderModel(ps, TINY);
            Ema ema = new Ema(ps);
            for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
                float[] v = e.getValue().toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += 0.01f;
                }
                ps.set(e.getKey(), v);
            }
            Checkpoint.save(dir, Checkpoint.collect(ps, null, ema), Checkpoint.newState());
            Map<String, float[]> emaValues = new HashMap<>();
            ema.tensors().forEach((k, v) -> emaValues.put(k, v.toFloatArray()));
            return emaValues;
        }
    }

    private static Map<String, float[]> weights(Path dir, boolean preferEma) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 0);
            new AutoencoderModel(ps, TINY);
            Checkpoint.loadWeights(dir, ps, preferEma);
            Map<String, float[]> out = new HashMap<>();
            ps.all().forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    private static DecoderFineTuner.Settings settings(long steps) {
        return new DecoderFineTuner.Settings(steps, 2, 1e-2f, 0.5f, 3, 100_000, 2);
    }

    @Test
    void onlyTheDecoderChangesAndTheFolderExportsAsAWholeAutoencoder() throws IOException {
        EmojiDataset data = SyntheticDataset.write(tmp.resolve("data"), 6, 2);
        Path source = tmp.resolve("ae");
        Map<String, float[]> sourceEma = writeSourceAutoencoder(source);
        Path out = tmp.resolve("ae-decoder");

        new DecoderFineTuner(data, source, out, TINY, settings(3), QUIET).run();

        for (boolean preferEma : new boolean[] {true, false}) {
            Map<String, float[]> tuned = weights(out, preferEma);
            int decoderChanged = 0;
            for (Map.Entry<String, float[]> e : tuned.entrySet()) {
                float[] before = sourceEma.get(e.getKey());
                if (e.getKey().startsWith("encoder.")) {
                    assertArrayEquals(before, e.getValue(), 0f, e.getKey() + " must be the source's EMA encoder, bit for bit");
                } else if (!Arrays.equals(before, e.getValue())) {
                    decoderChanged++;
                }
            }
            assertTrue(decoderChanged > 10, "decoder tensors changed: " + decoderChanged + " (preferEma " + preferEma + ")");
        }
        JsonNode state = new ObjectMapper().readTree(out.resolve(Checkpoint.JSON_FILE).toFile());
        assertEquals(DecoderFineTuner.STAGE, state.get("stage").asText());
        assertEquals(3, state.get("step").asLong());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("step").asLong());
        assertEquals(2, metrics.get("validationImages").asInt());
        assertTrue(Double.isFinite(metrics.get("meanPsnrDb").asDouble()), metrics.toString());
        assertEquals(3, state.get("validation").size(), "validated at steps 0, 2 and 3");
        assertTrue(Files.exists(out.resolve("latents.json")), "the scaling factor travels with the checkpoint for the export");
    }

    @Test
    void theSourceLatentCacheIsReadNotRewrittenAndItsScalingFactorIsKept() throws IOException {
        EmojiDataset data = SyntheticDataset.write(tmp.resolve("data"), 6, 2);
        Path source = tmp.resolve("ae");
        writeSourceAutoencoder(source);
        LatentCache.load(data, source, TINY, source.resolve("latents.bin"), QUIET);
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(source.resolve("latents.bin"), old);
        byte[] checkpoint = Files.readAllBytes(source.resolve(Checkpoint.BIN));
        Path out = tmp.resolve("ae-decoder");

        new DecoderFineTuner(data, source, out, TINY, settings(2), QUIET).run();

        assertEquals(old, Files.getLastModifiedTime(source.resolve("latents.bin")));
        assertArrayEquals(checkpoint, Files.readAllBytes(source.resolve(Checkpoint.BIN)));
        assertEquals(Files.readString(source.resolve("latents.json")), Files.readString(out.resolve("latents.json")));
        assertFalse(Files.exists(out.resolve("latents.bin")), "the source's cache is used, not a new one");
    }

    /**
     * libtorch 2.7.1's CPU convolution backward sporadically returns NaN on the development machine (docs/training.md),
     * which skips an update in one run and not in the other; so the pair is repeated (fresh folders) up to three
     * times and one exact match is required. A real resume bug fails every attempt.
     */
    @Test
    void anInterruptedAndResumedFineTuneEqualsAnUninterruptedOne() throws IOException {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                interruptedAndResumedEqualsUninterrupted(tmp.resolve("attempt" + attempt));
                return;
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    private static void interruptedAndResumedEqualsUninterrupted(Path tmp) throws IOException {
        EmojiDataset data = SyntheticDataset.write(tmp.resolve("data"), 6, 2);
        Path source = tmp.resolve("ae");
        writeSourceAutoencoder(source);
        Path whole = tmp.resolve("whole");
        new DecoderFineTuner(data, source, whole, TINY, settings(4), QUIET).run();

        Path resumed = tmp.resolve("resumed");
        // killed right after the checkpoint of step 2 (validation steps save), then started again with the same command
        PrintStream killAfterStep2 = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8) {
            @Override
            public PrintStream printf(String format, Object... args) {
                if (format.startsWith("checkpoint saved") && args[0].equals(2L)) {
                    throw new IllegalStateException("simulated kill");
                }
                return this;
            }
        };
        assertThrows(IllegalStateException.class, () -> new DecoderFineTuner(data, source, resumed, TINY, settings(4), killAfterStep2).run());
        assertEquals(2, new ObjectMapper().readTree(resumed.resolve(Checkpoint.JSON_FILE).toFile()).get("step").asLong());
        new DecoderFineTuner(data, source, resumed, TINY, settings(4), QUIET).run();

        Map<String, float[]> a = Checkpoint.load(whole).tensors();
        Map<String, float[]> b = Checkpoint.load(resumed).tensors();
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("adam.m.decoder.")), "Adam moments are checkpointed");
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), 1e-6f, k);
        }
    }

    @Test
    void theSourceFolderCannotBeTheOutput() throws IOException {
        EmojiDataset data = SyntheticDataset.write(tmp.resolve("data"), 4, 1);
        Path source = tmp.resolve("ae");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecoderFineTuner(data, source, source.resolve("."), TINY, settings(1), QUIET));
        assertTrue(e.getMessage().contains("--dir must differ from --init-from"), e.getMessage());
    }

}
