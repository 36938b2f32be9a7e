package apprentice.train.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import apprentice.train.nn.Linear;
import apprentice.train.nn.ParamStore;

/**
 * CLIP-style dual encoder with transformers' CLIPModel names: {@code text_model.*},
 * {@code text_projection} (no bias), {@code vision_model.*}, {@code visual_projection} (no bias),
 * {@code logit_scale}.
 */
public final class ClipModel {
    public final ClipConfig config;
    public final TextTransformer text;
    public final ImageTower vision;
    public final Linear textProjection;
    public final Linear visualProjection;
    public final NDArray logitScale;

    public ClipModel(ParamStore ps, ClipConfig c) {
        this.config = c;
        text = new TextTransformer(ps, c.text());
        vision = new ImageTower(ps, "vision_model", c.imageChannels(), c.groups());
        textProjection = new Linear(ps, "text_projection", c.text().dim(), c.projectionDim(), false);
        visualProjection = new Linear(ps, "visual_projection", c.imageChannels(), c.projectionDim(), false);
        logitScale = ps.constant("logit_scale", new Shape(1), (float) Math.log(1 / 0.07));
    }

    /** L2-normalised text embeddings [B, P] from token ids. */
    public NDArray textEmbeds(NDArray ids, int[][] idRows) {
        NDArray pooled = TextTransformer.pool(text.forward(ids), idRows);
        return normalize(textProjection.forward(pooled));
    }

    /** L2-normalised image embeddings [B, P] from pixel values in the oracle's normalisation. */
    public NDArray imageEmbeds(NDArray pixels) {
        return normalize(visualProjection.forward(vision.forward(pixels)));
    }

    static NDArray normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).sqrt().add(1e-12f));
    }
}
