package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import apprentice.train.clip.CaptionTokens;
import apprentice.train.clip.ClipConfig;
import apprentice.train.clip.TextTransformer;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import java.io.IOException;
import java.nio.file.Path;

/** The frozen text tower of the trained CLIP: captions → last_hidden_state [B, 77, D]. */
public final class TextConditioner {
    public final CaptionTokens tokens;
    public final TextTransformer text;
    public final ParamStore ps;

    public TextConditioner(NDManager manager, Path clipDir) throws IOException {
        tokens = new CaptionTokens(clipDir.resolve("tokenizer"));
        ps = new ParamStore(manager, 0);
        text = new TextTransformer(ps, ClipConfig.emoji(tokens.vocabSize()).text());
        Checkpoint.loadWeights(clipDir, ps, false);
        for (NDArray p : ps.all().values()) {
            p.setRequiresGradient(false);
        }
    }

    public int dim() {
        return text.config.dim();
    }

    /** Must be called outside a gradient collector (the tower is frozen). */
    public NDArray encode(NDManager m, String[] captions) {
        int[][] ids = new int[captions.length][];
        for (int i = 0; i < captions.length; i++) {
            ids[i] = tokens.ids(captions[i]);
        }
        return text.forward(TextTransformer.ids(m, ids));
    }
}
