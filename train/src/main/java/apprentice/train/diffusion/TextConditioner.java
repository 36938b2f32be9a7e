package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import apprentice.onnx.graph.TextEncoderConfig;
import apprentice.train.clip.CaptionTokens;
import apprentice.train.clip.ClipConfig;
import apprentice.train.clip.TextTransformer;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The text tower whose per-token states condition the UNets: captions → last_hidden_state [B, 77, D].
 *
 * <p>By default it is the trained CLIP's text tower, frozen. A teacher trained with {@code --train-text-encoder}
 * carries its own copy of the tower in its checkpoint (parameters {@code text_model.…}, started from the CLIP's and
 * trained with the UNet by the diffusion loss, as in latent diffusion's text-to-image models): a contrastive tower
 * only has to tell images apart, and ours placed many captions the UNet must separate close together ("cat face" and
 * the empty caption at cosine 0.82). {@link #ofTeacher} gives whichever tower a teacher was trained with, so the
 * student, the probe and the export condition on what the teacher saw. The CLIP's own tower stays the oracle's.
 */
public final class TextConditioner {
    /** Checkpoint state key: true when the teacher's checkpoint holds its own, jointly trained text tower. */
    public static final String TRAINED_KEY = "textEncoderTrained";
    private static final String PREFIX = "text_model.";

    public final CaptionTokens tokens;
    public final TextTransformer text;

    private TextConditioner(CaptionTokens tokens, TextTransformer text) {
        this.tokens = tokens;
        this.text = text;
    }

    /** The CLIP stage's text tower, frozen. */
    public TextConditioner(NDManager manager, Path clipDir) throws IOException {
        this.tokens = new CaptionTokens(clipDir.resolve("tokenizer"));
        ParamStore ps = new ParamStore(manager, 0);
        this.text = new TextTransformer(ps, ClipConfig.emoji(tokens.vocabSize()).text());
        Checkpoint.loadWeights(clipDir, ps, false);
        freeze(ps);
    }

    /**
     * The tower a teacher was trained with, frozen: its own (EMA weights) when its checkpoint says it trained one,
     * else the CLIP stage's. The tokenizer is always the CLIP stage's.
     */
    public static TextConditioner ofTeacher(NDManager manager, Path clipDir, Checkpoint.Loaded teacher, Path teacherDir)
            throws IOException {
        if (!trainedWith(teacher.state())) {
            return new TextConditioner(manager, clipDir);
        }
        CaptionTokens tokens = new CaptionTokens(clipDir.resolve("tokenizer"));
        ParamStore ps = new ParamStore(manager, 0);
        TextTransformer t = teacherTower(ps, ClipConfig.emoji(tokens.vocabSize()).text(), teacher, teacherDir);
        freeze(ps);
        return new TextConditioner(tokens, t);
    }

    /** Adds a tower to {@code ps} holding a jointly trained teacher's text weights (EMA), for training or export. */
    public static TextTransformer teacherTower(ParamStore ps, TextEncoderConfig config, Checkpoint.Loaded teacher,
            Path teacherDir) throws IOException {
        if (!trainedWith(teacher.state())) {
            throw new IOException("the teacher in " + teacherDir + " has no text tower of its own: use the CLIP stage's");
        }
        TextTransformer t = new TextTransformer(ps, config);
        setTower(ps, name -> teacher.tensors().getOrDefault("ema." + name, teacher.tensors().get("param." + name)),
                "the teacher checkpoint in " + teacherDir);
        return t;
    }

    /**
     * A trainable tower whose parameters are added to {@code ps} (the teacher's store, so that its optimiser, EMA and
     * checkpoint cover them), started from the CLIP stage's weights.
     */
    public static TextConditioner trainable(ParamStore ps, Path clipDir) throws IOException {
        CaptionTokens tokens = new CaptionTokens(clipDir.resolve("tokenizer"));
        TextTransformer t = new TextTransformer(ps, ClipConfig.emoji(tokens.vocabSize()).text());
        Checkpoint.Loaded clip = Checkpoint.require(clipDir);
        setTower(ps, name -> clip.tensors().get("param." + name), "the CLIP checkpoint in " + clipDir);
        return new TextConditioner(tokens, t);
    }

    /** Sets every text-tower parameter of {@code ps} ({@code text_model.…}) from {@code values}; the rest are untouched. */
    private static void setTower(ParamStore ps, java.util.function.Function<String, float[]> values, String source)
            throws IOException {
        for (String name : ps.all().keySet()) {
            if (name.startsWith(PREFIX)) {
                float[] v = values.apply(name);
                if (v == null) {
                    throw new IOException(source + " lacks '" + name + "'");
                }
                ps.set(name, v);
            }
        }
    }

    /** Whether a teacher checkpoint's state says it holds its own text tower. */
    public static boolean trainedWith(JsonNode state) {
        return state != null && state.path(TRAINED_KEY).asBoolean(false);
    }

    public static void record(ObjectNode state, boolean trained) {
        state.put(TRAINED_KEY, trained);
    }

    /** The width of the text states for a CLIP stage's tokenizer (the UNet's cross-attention width). */
    public static int dim(Path clipDir) {
        return ClipConfig.emoji(new CaptionTokens(clipDir.resolve("tokenizer")).vocabSize()).text().dim();
    }

    public int dim() {
        return text.config.dim();
    }

    /**
     * Encodes captions. For a frozen tower call it outside a gradient collector; for a {@link #trainable} one, inside,
     * so that the diffusion loss reaches the tower.
     */
    public NDArray encode(NDManager m, String[] captions) {
        int[][] ids = new int[captions.length][];
        for (int i = 0; i < captions.length; i++) {
            ids[i] = tokens.ids(captions[i]);
        }
        return text.forward(TextTransformer.ids(m, ids));
    }

    private static void freeze(ParamStore ps) {
        for (NDArray p : ps.all().values()) {
            p.setRequiresGradient(false);
        }
    }
}
