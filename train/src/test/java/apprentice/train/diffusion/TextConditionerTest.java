package apprentice.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import apprentice.train.clip.CaptionTokens;
import apprentice.train.clip.ClipConfig;
import apprentice.train.clip.TextTransformer;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text tower a teacher trains with ({@code --train-text-encoder}) starts from the CLIP stage's weights, receives
 * the loss's gradient, and is the one the student, the probe and the export read back from the teacher's checkpoint.
 */
class TextConditionerTest {
    static final String[] CAPTIONS = {"red heart", "cat face", ""};
    @TempDir
    Path tmp;
    Path clipDir;

    /** A CLIP stage: the shipped family's tokenizer and a randomly initialised text tower, saved as a checkpoint. */
    @BeforeEach
    void clipStage() throws IOException {
        clipDir = tmp.resolve("clip");
        Path tok = Files.createDirectories(clipDir.resolve("tokenizer"));
        Path shipped = Path.of("..", "models", "emoji", "teacher", "tokenizer");
        for (String f : new String[] {"vocab.json", "merges.txt"}) {
            Files.copy(shipped.resolve(f), tok.resolve(f));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 11);
            new TextTransformer(ps, ClipConfig.emoji(new CaptionTokens(tok).vocabSize()).text());
            Checkpoint.save(clipDir, Checkpoint.collect(ps, null, null), Checkpoint.newState());
        }
    }

    @Test
    void trainableTowerStartsAsTheClipTowerAndReceivesGradients() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] frozen = new TextConditioner(m, clipDir).encode(m, CAPTIONS).toFloatArray();
            ParamStore ps = new ParamStore(m, 99);
            ps.constant("unet_stand_in", new ai.djl.ndarray.types.Shape(2), 1f);
            TextConditioner joint = TextConditioner.trainable(ps, clipDir);
            NDArray states;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                states = joint.encode(m, CAPTIONS);
                gc.backward(states.square().sum());
            }
            assertArrayEquals(frozen, states.toFloatArray(), 1e-6f, "same weights as the CLIP stage at the start");
            NDArray grad = ps.get("text_model.embeddings.token_embedding.weight").getGradient();
            assertTrue(grad.abs().sum().getFloat() > 0, "the diffusion loss reaches the text tower");
            assertTrue(ps.all().keySet().stream().filter(n -> n.startsWith("text_model.")).count() > 10);
        }
    }

    @Test
    void teacherWithItsOwnTowerConditionsOnItsEmaWeights() throws IOException {
        Path teacherDir = tmp.resolve("teacher");
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 5);
            TextConditioner.trainable(ps, clipDir);
            // live weights and EMA weights that differ from the CLIP stage and from each other
            Map<String, NDArray> tensors = new java.util.LinkedHashMap<>();
            Random r = new Random(3);
            ps.all().forEach((name, p) -> {
                tensors.put("param." + name, p.add(1f));
                float[] v = p.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) r.nextGaussian() * 0.05f;
                }
                tensors.put("ema." + name, m.create(v, p.getShape()));
            });
            ObjectNode state = Checkpoint.newState();
            TextConditioner.record(state, true);
            Checkpoint.save(teacherDir, tensors, state);

            Checkpoint.Loaded teacher = Checkpoint.require(teacherDir);
            float[] own = TextConditioner.ofTeacher(m, clipDir, teacher, teacherDir).encode(m, CAPTIONS).toFloatArray();
            float[] clip = new TextConditioner(m, clipDir).encode(m, CAPTIONS).toFloatArray();
            Map<String, NDArray> emaOnly = new java.util.LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith("ema.")) {
                    emaOnly.put("param." + k.substring(4), v);
                }
            });
            Path emaDir = tmp.resolve("ema-as-clip");
            Checkpoint.save(emaDir, emaOnly, Checkpoint.newState());
            Files.createDirectories(emaDir.resolve("tokenizer"));
            try (Stream<Path> files = Files.list(clipDir.resolve("tokenizer"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, emaDir.resolve("tokenizer").resolve(f.getFileName()));
                }
            }
            float[] fromEma = new TextConditioner(m, emaDir).encode(m, CAPTIONS).toFloatArray();
            assertArrayEquals(fromEma, own, 1e-6f, "the teacher's EMA tower, not its live weights");
            assertFalse(java.util.Arrays.equals(clip, own), "not the CLIP stage's tower");

            // the same checkpoint without the flag: the CLIP stage's tower, as for every teacher before
            TextConditioner.record(teacher.state(), false);
            float[] plain = TextConditioner.ofTeacher(m, clipDir, teacher, teacherDir).encode(m, CAPTIONS).toFloatArray();
            assertArrayEquals(clip, plain, 0f);
            assertThrows(IOException.class,
                    () -> TextConditioner.teacherTower(new ParamStore(m, 0), ClipConfig.emoji(10).text(), teacher, teacherDir));
        }
    }
}
