package apprentice.onnx.oracle;

import apprentice.core.image.Images;
import apprentice.core.image.Resampler;
import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns pipeline images into an oracle's {@code pixel_values} as transformers' {@code CLIPImageProcessor} does:
 * the image as its 8-bit PNG would be (diffusers' rounding), resize so the shortest edge is {@code shortestEdge}
 * (bicubic, PIL's kernel; the long edge {@code int(shortest · long / short)}), center-crop to
 * {@code cropHeight × cropWidth} (top-left offset {@code (size − crop) // 2}), rescale to [0, 1], normalise with the
 * per-channel mean and std.
 *
 * @param shortestEdge target of the shortest edge, or 0 to resize straight to the crop size
 */
record ImagePreprocessor(int shortestEdge, int cropHeight, int cropWidth, float[] mean, float[] std) {
    /** OpenAI CLIP's normalisation, transformers' defaults for CLIPImageProcessor. */
    static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    ImagePreprocessor {
        if (cropHeight < 1 || cropWidth < 1 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image preprocessing needs a positive crop size and 3 means and stds, got crop "
                    + cropWidth + "x" + cropHeight + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std));
        }
    }

    /** From a {@code preprocessor_config.json} (CLIPImageProcessor / CLIPFeatureExtractor keys). */
    static ImagePreprocessor fromConfig(JsonNode c) {
        int shortest = 0;
        JsonNode size = c.get("size");
        if (size != null && size.isInt()) {
            shortest = size.asInt();
        } else if (size != null && size.has("shortest_edge")) {
            shortest = size.get("shortest_edge").asInt();
        } else if (size != null && size.has("height")) {
            shortest = Math.min(size.get("height").asInt(), size.path("width").asInt(size.get("height").asInt()));
        }
        if (c.has("do_resize") && !c.get("do_resize").asBoolean()) {
            shortest = 0;
        }
        JsonNode crop = c.get("crop_size");
        int ch;
        int cw;
        if (crop == null || crop.isNull()) {
            if (shortest <= 0) {
                throw new IllegalArgumentException("neither size nor crop_size is given");
            }
            ch = cw = shortest;
        } else if (crop.isInt()) {
            ch = cw = crop.asInt();
        } else {
            ch = crop.path("height").asInt();
            cw = crop.path("width").asInt(ch);
        }
        return new ImagePreprocessor(shortest, ch, cw, floats(c.get("image_mean"), CLIP_MEAN), floats(c.get("image_std"), CLIP_STD));
    }

    private static float[] floats(JsonNode n, float[] dflt) {
        if (n == null || n.isNull()) {
            return dflt.clone();
        }
        if (n.isNumber()) {
            return new float[] {n.floatValue(), n.floatValue(), n.floatValue()};
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).floatValue();
        }
        return out;
    }

    /** {@code [B, 3, H, W]} in [-1, 1] → {@code [B, 3, cropH, cropW]} normalised. */
    float[] apply(Tensor images) {
        int batch = images.dim(0);
        int plane = cropHeight * cropWidth;
        float[] out = new float[batch * 3 * plane];
        for (int b = 0; b < batch; b++) {
            BufferedImage img = Images.toImage(images, b);
            int w = img.getWidth();
            int h = img.getHeight();
            int rw = w;
            int rh = h;
            if (shortestEdge > 0) {
                if (w <= h) {
                    rw = shortestEdge;
                    rh = (int) ((long) shortestEdge * h / w);
                } else {
                    rh = shortestEdge;
                    rw = (int) ((long) shortestEdge * w / h);
                }
            } else {
                rw = cropWidth;
                rh = cropHeight;
            }
            if (rw != w || rh != h) {
                img = Resampler.resize(img, rw, rh, Resampler.Filter.BICUBIC);
            }
            if (rw < cropWidth || rh < cropHeight) {
                throw new IllegalArgumentException("image of " + rw + "x" + rh + " after resizing is smaller than the crop "
                        + cropWidth + "x" + cropHeight + ": the preprocessor config's size and crop_size disagree");
            }
            int top = (rh - cropHeight) / 2;
            int left = (rw - cropWidth) / 2;
            int[] rgb = img.getRGB(left, top, cropWidth, cropHeight, null, 0, cropWidth);
            int base = b * 3 * plane;
            for (int i = 0; i < plane; i++) {
                int p = rgb[i];
                out[base + i] = (((p >> 16) & 255) / 255f - mean[0]) / std[0];
                out[base + plane + i] = (((p >> 8) & 255) / 255f - mean[1]) / std[1];
                out[base + 2 * plane + i] = ((p & 255) / 255f - mean[2]) / std[2];
            }
        }
        return out;
    }
}
