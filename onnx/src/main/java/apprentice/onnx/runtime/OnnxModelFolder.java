package apprentice.onnx.runtime;

import apprentice.core.pipeline.ModelComponents;
import apprentice.core.pipeline.PromptTokenizer;
import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.tokenizer.ClipTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads a diffusers / Optimum ONNX model folder:
 * <pre>
 * model_index.json
 * scheduler/scheduler_config.json
 * tokenizer/vocab.json, merges.txt            (+ tokenizer_config.json)
 * text_encoder/model.onnx                     (+ config.json, external data)
 * unet/model.onnx                             (+ config.json, external data)
 * vae_decoder/model.onnx                      (+ config.json)
 * vae_encoder/model.onnx                      optional: only image-to-image needs it
 * </pre>
 * The folder is checked completely before any session is created, so a broken folder gives one message
 * listing everything missing. The VAE's {@code scaling_factor} comes from {@code vae_decoder/config.json},
 * else {@code vae_encoder/config.json}, else Stable Diffusion 1.x's 0.18215; its down-sampling factor from
 * {@code vae_decoder/config.json}'s {@code block_out_channels} (2^(levels−1)), else 8; the default image size is the UNet's {@code sample_size}
 * times that factor, else 512.
 */
public final class OnnxModelFolder {
    /** Stable Diffusion 1.x/2.x's VAE scaling factor, used when no VAE config says otherwise. */
    public static final float DEFAULT_SCALING_FACTOR = 0.18215f;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPORT_HINT = "export with `optimum-cli export onnx --model <model id or path> <dir>` "
            + "or pass the folder that contains model_index.json";

    private OnnxModelFolder() {
    }

    /** Loads the folder's components; the caller closes the returned record (it owns the sessions). */
    public static ModelComponents load(Path dir, RuntimeOptions options) {
        validate(dir);
        SchedulerConfig scheduler = SchedulerConfig.read(dir.resolve("scheduler/scheduler_config.json"));
        ClipTokenizer clip = ClipTokenizer.load(dir.resolve("tokenizer"));
        PromptTokenizer tokenizer = new PromptTokenizer() {
            @Override
            public int[][] tokenizeBatch(List<String> texts) {
                return clip.tokenizeBatch(texts);
            }

            @Override
            public boolean isTruncated(String text) {
                return clip.tokenize(text).truncated();
            }
        };

        List<AutoCloseable> opened = new ArrayList<>();
        try {
            OnnxTextEncoder text = track(opened, OnnxTextEncoder.open(dir.resolve("text_encoder"), options));
            if (text.sequenceLength() != clip.maxLength()) {
                throw new IllegalArgumentException(dir + ": the tokenizer pads to " + clip.maxLength()
                        + " tokens but text_encoder/model.onnx takes " + text.sequenceLength()
                        + "; the tokenizer and text encoder do not belong together");
            }
            OnnxUnet unet = track(opened, OnnxUnet.open(dir.resolve("unet"), options));
            OnnxVaeDecoder decoder = track(opened, OnnxVaeDecoder.open(dir.resolve("vae_decoder"), options));
            OnnxVaeEncoder encoder = Files.isRegularFile(dir.resolve("vae_encoder/model.onnx"))
                    ? track(opened, OnnxVaeEncoder.open(dir.resolve("vae_encoder"), options)) : null;
            if (decoder.latentChannels() != unet.latentChannels()) {
                throw new IllegalArgumentException(dir + ": the UNet works on " + unet.latentChannels()
                        + " latent channels but the VAE decoder takes " + decoder.latentChannels());
            }
            ComponentConfig decoderConfig = ComponentConfig.read(dir.resolve("vae_decoder"));
            ComponentConfig encoderConfig = ComponentConfig.read(dir.resolve("vae_encoder"));
            float scaling = (float) (decoderConfig.has("scaling_factor") ? decoderConfig.getDouble("scaling_factor", 0)
                    : encoderConfig.getDouble("scaling_factor", DEFAULT_SCALING_FACTOR));
            int factor = decoder.scaleFactor();
            OnnxAutoencoder vae = new OnnxAutoencoder(encoder, decoder, scaling, factor, dir);
            int sampleSize = ComponentConfig.read(dir.resolve("unet")).getInt("sample_size", -1);
            int defaultSize = sampleSize > 0 ? sampleSize * factor : 512;
            return new ModelComponents(tokenizer, text, unet, vae, scheduler, folderName(dir), defaultSize);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T c) {
        opened.add(c);
        return c;
    }

    private static String folderName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }

    /**
     * Checks the layout without loading anything.
     *
     * @throws IllegalArgumentException naming the folder and every missing part
     */
    public static void validate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory: pass a diffusers ONNX model folder "
                    + "(the folder that contains model_index.json)");
        }
        if (!Files.isRegularFile(dir.resolve("model_index.json"))) {
            String nested = nestedModelFolder(dir);
            throw new IllegalArgumentException(dir + " is not a diffusers ONNX model folder: missing model_index.json; "
                    + (nested != null ? "did you mean " + nested + "? " : "") + EXPORT_HINT);
        }
        readModelIndex(dir.resolve("model_index.json"));
        List<String> missing = new ArrayList<>();
        for (String f : List.of("scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        for (String component : List.of("text_encoder", "unet", "vae_decoder", "vae_encoder")) {
            Path model = dir.resolve(component).resolve("model.onnx");
            if (Files.isRegularFile(model)) {
                Set<String> lost = ExternalDataCheck.missingFiles(model);
                lost.forEach(f -> missing.add(component + "/" + f + " (external data of " + component + "/model.onnx)"));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not a diffusers ONNX model folder: missing "
                    + String.join(", ", missing) + "; " + EXPORT_HINT);
        }
    }

    private static JsonNode readModelIndex(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object; " + EXPORT_HINT);
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A direct sub-folder holding model_index.json (a common mistake: passing the parent), or null. */
    private static String nestedModelFolder(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("model_index.json")))
                    .map(Path::toString).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
