package apprentice.onnx.synth;

import ai.onnx.proto.OnnxMl.ModelProto;
import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.onnx.graph.OnnxModelWriter;
import apprentice.onnx.graph.SeededWeights;
import apprentice.onnx.graph.TextEncoderGraph;
import apprentice.onnx.graph.UnetGraph;
import apprentice.onnx.graph.VaeGraphs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a complete diffusers / Optimum ONNX model folder with small deterministic random
 * weights, for tests and benchmarks of everything that loads and runs such folders:
 * <pre>
 * model_index.json
 * scheduler/scheduler_config.json
 * tokenizer/vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json
 * text_encoder/model.onnx, config.json
 * unet/model.onnx, config.json
 * vae_encoder/model.onnx, config.json
 * vae_decoder/model.onnx, config.json
 * </pre>
 * (plus {@code model.onnx_data} beside a model when the spec's external-data threshold is met).
 * The same spec always gives byte-identical files. The models compute real, finite, but
 * meaningless functions: images come out as structured noise.
 */
public final class SyntheticModelFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DIFFUSERS_VERSION = "0.35.0";

    private SyntheticModelFolder() {
    }

    /** Writes the folder (creating {@code dir} if needed, replacing files of the same names). */
    public static void write(Path dir, SyntheticSpec spec) {
        try {
            Files.createDirectories(dir);
            writeJson(dir.resolve("model_index.json"), modelIndex(spec));
            writeJson(dir.resolve("scheduler/scheduler_config.json"), schedulerConfig(spec));
            writeTokenizer(dir.resolve("tokenizer"), spec);

            save(TextEncoderGraph.build(spec.text(), weightsFor(spec, Component.TEXT_ENCODER)), dir.resolve("text_encoder"), spec);
            writeJson(dir.resolve("text_encoder/config.json"), textConfig(spec));
            save(UnetGraph.build(spec.unet(), weightsFor(spec, Component.UNET)), dir.resolve("unet"), spec);
            writeJson(dir.resolve("unet/config.json"), unetConfig(spec));
            SeededWeights vae = weightsFor(spec, Component.VAE);
            save(VaeGraphs.encoder(spec.vae(), vae, spec.legacyLatentSample()), dir.resolve("vae_encoder"), spec);
            writeJson(dir.resolve("vae_encoder/config.json"), vaeConfig(spec));
            save(VaeGraphs.decoder(spec.vae(), vae), dir.resolve("vae_decoder"), spec);
            writeJson(dir.resolve("vae_decoder/config.json"), vaeConfig(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic model folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The model folder's parts that carry weights. */
    public enum Component { TEXT_ENCODER, UNET, VAE }

    /**
     * The random weights {@link #write} uses for a component (the VAE's two halves share one source;
     * their parameter names are disjoint), so a test can rebuild one model with the same weights.
     */
    public static SeededWeights weightsFor(SyntheticSpec spec, Component component) {
        return new SeededWeights(spec.seed() * 1_000_003L + component.ordinal() + 1);
    }

    private static void save(ModelProto model, Path componentDir, SyntheticSpec spec) throws IOException {
        Files.createDirectories(componentDir);
        ModelProto tagged = model.toBuilder()
                .addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("apprentice.synthetic_seed").setValue(Long.toString(spec.seed())))
                .build();
        OnnxModelWriter.save(tagged, componentDir.resolve("model.onnx"), spec.externalDataThreshold());
    }

    private static void writeJson(Path file, Map<String, Object> content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, JSON.writeValueAsBytes(content));
    }

    private static Map<String, Object> modelIndex(SyntheticSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean lcm = spec.unet().timestepCondDim() > 0;
        m.put("_class_name", lcm ? "LatentConsistencyModelPipeline" : "StableDiffusionPipeline");
        m.put("_diffusers_version", DIFFUSERS_VERSION);
        m.put("feature_extractor", Arrays.asList(null, null));
        m.put("requires_safety_checker", false);
        m.put("safety_checker", Arrays.asList(null, null));
        m.put("scheduler", List.of("diffusers", spec.schedulerClass()));
        m.put("text_encoder", List.of("diffusers", "OnnxRuntimeModel"));
        m.put("tokenizer", List.of("transformers", "CLIPTokenizer"));
        m.put("unet", List.of("diffusers", "OnnxRuntimeModel"));
        m.put("vae_decoder", List.of("diffusers", "OnnxRuntimeModel"));
        m.put("vae_encoder", List.of("diffusers", "OnnxRuntimeModel"));
        return m;
    }

    /** SD 1.x's training schedule (scaled_linear 0.00085..0.012 over 1000 steps) under the chosen class. */
    private static Map<String, Object> schedulerConfig(SyntheticSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_class_name", spec.schedulerClass());
        m.put("_diffusers_version", DIFFUSERS_VERSION);
        m.put("beta_end", 0.012);
        m.put("beta_schedule", "scaled_linear");
        m.put("beta_start", 0.00085);
        m.put("clip_sample", false);
        m.put("num_train_timesteps", 1000);
        m.put("prediction_type", spec.predictionType());
        m.put("set_alpha_to_one", false);
        m.put("skip_prk_steps", true);
        m.put("steps_offset", 1);
        m.put("timestep_spacing", "leading");
        m.put("trained_betas", null);
        if (spec.schedulerClass().equals("LCMScheduler")) {
            m.put("original_inference_steps", 50);
            m.put("timestep_scaling", 10.0);
        }
        return m;
    }

    private static void writeTokenizer(Path dir, SyntheticSpec spec) throws IOException {
        ClipTokenizer.writeByteLevelVocabulary(dir);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "CLIPTokenizer");
        config.put("model_max_length", spec.text().maxPositions());
        config.put("bos_token", "<|startoftext|>");
        config.put("eos_token", "<|endoftext|>");
        config.put("pad_token", "<|endoftext|>");
        config.put("unk_token", "<|endoftext|>");
        config.put("do_lower_case", true);
        writeJson(dir.resolve("tokenizer_config.json"), config);
        Map<String, Object> special = new LinkedHashMap<>();
        special.put("bos_token", "<|startoftext|>");
        special.put("eos_token", "<|endoftext|>");
        special.put("pad_token", "<|endoftext|>");
        special.put("unk_token", "<|endoftext|>");
        writeJson(dir.resolve("special_tokens_map.json"), special);
    }

    private static Map<String, Object> textConfig(SyntheticSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("CLIPTextModel"));
        m.put("model_type", "clip_text_model");
        m.put("vocab_size", spec.text().vocabSize());
        m.put("hidden_size", spec.text().dim());
        m.put("intermediate_size", spec.text().mlpDim());
        m.put("num_hidden_layers", spec.text().layers());
        m.put("num_attention_heads", spec.text().heads());
        m.put("max_position_embeddings", spec.text().maxPositions());
        m.put("hidden_act", "gelu");
        m.put("layer_norm_eps", 1e-5);
        m.put("bos_token_id", 512);
        m.put("eos_token_id", 513);
        m.put("pad_token_id", 513);
        return m;
    }

    private static Map<String, Object> unetConfig(SyntheticSpec spec) {
        var u = spec.unet();
        int levels = u.blockChannels().length;
        List<String> down = new ArrayList<>();
        List<String> up = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            down.add(i >= u.attentionFromLevel() ? "CrossAttnDownBlock2D" : "DownBlock2D");
            int level = levels - 1 - i;
            up.add(level >= u.attentionFromLevel() ? "CrossAttnUpBlock2D" : "UpBlock2D");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_class_name", "UNet2DConditionModel");
        m.put("_diffusers_version", DIFFUSERS_VERSION);
        m.put("sample_size", u.sampleSize());
        m.put("in_channels", u.inChannels());
        m.put("out_channels", u.outChannels());
        m.put("block_out_channels", u.blockChannels());
        m.put("down_block_types", down);
        m.put("mid_block_type", "UNetMidBlock2DCrossAttn");
        m.put("up_block_types", up);
        m.put("layers_per_block", u.layersPerBlock());
        m.put("attention_head_dim", u.heads()); // diffusers' historical name: it holds the number of heads
        m.put("norm_num_groups", u.normGroups());
        m.put("cross_attention_dim", u.crossAttentionDim());
        m.put("use_linear_projection", true);
        m.put("flip_sin_to_cos", true);
        m.put("freq_shift", 0);
        m.put("time_cond_proj_dim", u.timestepCondDim() > 0 ? u.timestepCondDim() : null);
        return m;
    }

    private static Map<String, Object> vaeConfig(SyntheticSpec spec) {
        var v = spec.vae();
        int levels = v.blockChannels().length;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_class_name", "AutoencoderKL");
        m.put("_diffusers_version", DIFFUSERS_VERSION);
        m.put("in_channels", v.imageChannels());
        m.put("out_channels", v.imageChannels());
        m.put("latent_channels", v.latentChannels());
        m.put("block_out_channels", v.blockChannels());
        m.put("down_block_types", java.util.Collections.nCopies(levels, "DownEncoderBlock2D"));
        m.put("up_block_types", java.util.Collections.nCopies(levels, "UpDecoderBlock2D"));
        m.put("layers_per_block", v.layersPerBlock());
        m.put("norm_num_groups", v.normGroups());
        m.put("mid_block_add_attention", v.midAttention());
        m.put("sample_size", spec.imageSize());
        m.put("scaling_factor", (double) spec.scalingFactor());
        return m;
    }
}
