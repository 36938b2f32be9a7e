package apprentice.train.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import apprentice.onnx.graph.MapWeights;
import apprentice.onnx.graph.OnnxModelWriter;
import apprentice.onnx.graph.TextEncoderGraph;
import apprentice.onnx.graph.UnetConfig;
import apprentice.onnx.graph.Float16Weights;
import apprentice.onnx.graph.UnetGraph;
import apprentice.train.ae.AutoencoderConfig;
import apprentice.train.ae.AutoencoderModel;
import apprentice.train.ae.ReconstructionPsnr;
import apprentice.train.clip.CaptionTokens;
import apprentice.train.clip.ClipConfig;
import apprentice.train.clip.ClipModel;
import apprentice.train.data.EmojiDataset;
import apprentice.train.diffusion.NoiseSchedule;
import apprentice.train.diffusion.DistilledFrom;
import apprentice.train.diffusion.TextConditioner;
import apprentice.train.diffusion.UnetConfigs;
import apprentice.train.diffusion.UnetShape;
import apprentice.train.diffusion.UnetModel;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the trained stages as diffusers/Optimum ONNX model folders:
 * {@code teacher/} and {@code student/} (model_index.json, scheduler, tokenizer, text_encoder,
 * unet, vae_encoder, vae_decoder; the small shared parts are copied so each folder loads on its
 * own) and {@code oracle/} (Optimum clip layout).
 */
public final class ModelExporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path stages;
    private final Path aeDir;
    private final Path oracleDir;
    private final PrintStream log;

    /** @param aeDir the autoencoder stage (usually stages/ae; a decoder fine-tune holds the whole autoencoder too) */
    public ModelExporter(Path stages, Path aeDir, PrintStream log) {
        this(stages, aeDir, stages.resolve("clip"), log);
    }

    /**
     * @param oracleDir the CLIP checkpoint exported as the oracle. The pipelines' text encoder always comes from
     *     stages/clip (the UNets were trained on its token states); the oracle may be a longer-trained copy of it
     *     with the same tokenizer, since nothing else depends on its weights.
     */
    public ModelExporter(Path stages, Path aeDir, Path oracleDir, PrintStream log) {
        this.stages = stages;
        this.aeDir = aeDir;
        this.oracleDir = oracleDir;
        this.log = log;
    }

    public void export(Path out, EmojiDataset data, boolean withStudent) throws IOException {
        export(out, data, withStudent, false);
    }

    /**
     * @param float16Unets store the UNets' weights as float16 ({@link Float16Weights}: half the bytes, float32
     *     arithmetic, outputs within float16 rounding), for a family that would otherwise outgrow its size budget
     */
    public void export(Path out, EmojiDataset data, boolean withStudent, boolean float16Unets) throws IOException {
        Path clipDir = stages.resolve("clip");
        Path latentsJson = aeDir.resolve("latents.json");
        if (!Files.exists(latentsJson)) {
            throw new IOException("no latents.json (the latent scaling factor) in " + aeDir
                    + ": point --ae-dir at a trained autoencoder whose latents the teacher was trained on");
        }
        JsonNode latents = JSON.readTree(latentsJson.toFile());
        float scaling = (float) latents.get("scaling_factor").asDouble();
        Path tok = clipDir.resolve("tokenizer");
        CaptionTokens tokens = new CaptionTokens(tok);
        ClipConfig clipConfig = ClipConfig.emoji(tokens.vocabSize());
        try (NDManager root = NDManager.newBaseManager()) {
            ParamStore aePs = new ParamStore(root, 0);
            AutoencoderModel ae = new AutoencoderModel(aePs, AutoencoderConfig.emoji());
            Checkpoint.loadWeights(aeDir, aePs, true);
            ObjectNode aeMetrics = validationPsnr(ae, data, root);
            JSON.writeValue(aeDir.resolve("metrics.json").toFile(), aeMetrics);
            log.println("autoencoder validation: " + aeMetrics);

            ParamStore clipPs = new ParamStore(root, 0);
            new ClipModel(clipPs, clipConfig);
            Checkpoint.loadWeights(clipDir, clipPs, false);
            float ls = clipPs.values("logit_scale")[0];
            clipPs.set("logit_scale", new float[] {(float) Math.min(ls, Math.log(100))});

            ParamStore textPs = pipelineTextTower(root, clipPs, clipConfig);
            if (withStudent) {
                // the student must have learnt the text tower shipped with it (the teacher's own, if it trained one)
                DistilledFrom.requireSameTeacher(Checkpoint.requireState(stages.resolve("student")),
                        stages.resolve("student"), Checkpoint.requireState(stages.resolve("teacher")),
                        stages.resolve("teacher"));
            }
            for (String kind : withStudent ? new String[] {"teacher", "student"} : new String[] {"teacher"}) {
                Path dir = out.resolve(kind);
                writePipelineCommon(dir, aePs, textPs, clipConfig, tok, scaling, kind);
                Checkpoint.Loaded unetCheckpoint = Checkpoint.require(stages.resolve(kind));
                UnetShape shape = UnetShape.of(unetCheckpoint.state());
                UnetConfig uc = kind.equals("teacher") ? UnetConfigs.teacher(clipConfig.text().dim(), shape)
                        : UnetConfigs.student(clipConfig.text().dim(), shape);
                ParamStore unetPs = new ParamStore(root, 0);
                new UnetModel(unetPs, uc);
                Checkpoint.loadWeights(unetCheckpoint, stages.resolve(kind), unetPs, true);
                MapWeights w = Weights.of(unetPs, null);
                ModelProto unetGraph = UnetGraph.build(uc, w);
                save(float16Unets ? Float16Weights.convert(unetGraph, 64) : unetGraph, dir.resolve("unet/model.onnx"));
                Weights.requireAllUsed(w, kind + " unet");
                JSON.writeValue(dir.resolve("unet/config.json").toFile(), unetConfigJson(uc));
                log.printf("%s: %d UNet parameters → %s%n", kind, unetPs.count(), dir);
            }
            Path oracle = out.resolve("oracle");
            ParamStore oraclePs = clipPs;
            if (!oracleDir.toAbsolutePath().normalize().equals(clipDir.toAbsolutePath().normalize())) {
                if (new CaptionTokens(oracleDir.resolve("tokenizer")).vocabSize() != tokens.vocabSize()) {
                    throw new IOException("the oracle checkpoint " + oracleDir + " has another tokenizer than " + clipDir
                            + ": continue training from a copy of the clip stage so both share one vocabulary");
                }
                oraclePs = new ParamStore(root, 0);
                new ClipModel(oraclePs, clipConfig);
                Checkpoint.loadWeights(oracleDir, oraclePs, false);
                float ols = oraclePs.values("logit_scale")[0];
                oraclePs.set("logit_scale", new float[] {(float) Math.min(ols, Math.log(100))});
                log.println("oracle weights from " + oracleDir);
            }
            MapWeights ow = Weights.of(oraclePs, null);
            save(OracleGraph.build(clipConfig, ow), oracle.resolve("model.onnx"));
            Weights.requireAllUsed(ow, "oracle");
            copyTokenizer(tok, oracle);
            ObjectNode pre = JSON.createObjectNode();
            pre.put("image_processor_type", "CLIPImageProcessor");
            pre.put("do_resize", true);
            pre.putObject("size").put("shortest_edge", data.size());
            pre.put("do_center_crop", true);
            pre.putObject("crop_size").put("height", data.size()).put("width", data.size());
            pre.put("do_rescale", true);
            pre.put("rescale_factor", 1.0 / 255);
            pre.put("do_normalize", true);
            pre.putArray("image_mean").add(0.5).add(0.5).add(0.5);
            pre.putArray("image_std").add(0.5).add(0.5).add(0.5);
            JSON.writeValue(oracle.resolve("preprocessor_config.json").toFile(), pre);
            ObjectNode oc = JSON.createObjectNode();
            oc.put("model_type", "clip");
            oc.put("projection_dim", clipConfig.projectionDim());
            oc.putObject("text_config").put("hidden_size", clipConfig.text().dim()).put("num_hidden_layers", clipConfig.text().layers())
                    .put("num_attention_heads", clipConfig.text().heads()).put("intermediate_size", clipConfig.text().mlpDim())
                    .put("max_position_embeddings", 77).put("vocab_size", tokens.vocabSize()).put("hidden_act", "gelu");
            oc.putObject("vision_config").put("image_size", data.size()).put("architecture", "pixel-unshuffle(4) conv tower")
                    .put("hidden_size", clipConfig.imageChannels());
            JSON.writeValue(oracle.resolve("config.json").toFile(), oc);
            log.printf("oracle: %d parameters → %s%n", clipPs.count(), oracle);
        }
    }

    /**
     * The text encoder both pipelines ship: the teacher's own tower (EMA weights) when it trained one with the UNet
     * ({@link TextConditioner#trainedWith}), which its student was distilled with too; else the CLIP stage's.
     */
    private ParamStore pipelineTextTower(NDManager root, ParamStore clipPs, ClipConfig clipConfig) throws IOException {
        Path teacherDir = stages.resolve("teacher");
        Checkpoint.Loaded teacher = Checkpoint.require(teacherDir);
        if (!TextConditioner.trainedWith(teacher.state())) {
            return clipPs;
        }
        ParamStore textPs = new ParamStore(root, 0);
        TextConditioner.teacherTower(textPs, clipConfig.text(), teacher, teacherDir);
        log.println("text encoder: the teacher's own tower from " + teacherDir + " (the oracle keeps the CLIP's)");
        return textPs;
    }

    private void writePipelineCommon(Path dir, ParamStore aePs, ParamStore clipPs, ClipConfig cc, Path tok, float scaling,
            String kind) throws IOException {
        AutoencoderConfig ac = AutoencoderConfig.emoji();
        MapWeights enc = Weights.of(aePs, "encoder.");
        save(AutoencoderGraphs.encoder(ac, enc), dir.resolve("vae_encoder/model.onnx"));
        Weights.requireAllUsed(enc, "vae encoder");
        MapWeights dec = Weights.of(aePs, "decoder.");
        save(AutoencoderGraphs.decoder(ac, dec), dir.resolve("vae_decoder/model.onnx"));
        Weights.requireAllUsed(dec, "vae decoder");
        for (String part : new String[] {"vae_encoder", "vae_decoder"}) {
            ObjectNode vc = JSON.createObjectNode();
            vc.put("_class_name", "AutoencoderKL");
            vc.put("scaling_factor", scaling);
            vc.put("latent_channels", ac.latentChannels());
            vc.put("in_channels", 3);
            vc.put("out_channels", 3);
            vc.put("sample_size", 64);
            // three entries: the loader reads the down-sampling factor as 2^(levels-1) = 4
            vc.putArray("block_out_channels").add(ac.base()).add(ac.base()).add(ac.mid());
            vc.put("norm_num_groups", ac.groups());
            vc.put("architecture", "emoji VAE: pixel-unshuffle(2), 32x32 and 16x16 levels (see MODEL_CARD.md)");
            JSON.writeValue(dir.resolve(part + "/config.json").toFile(), vc);
        }
        MapWeights tw = Weights.of(clipPs, "text_model.");
        save(TextEncoderGraph.build(cc.text(), tw), dir.resolve("text_encoder/model.onnx"));
        Weights.requireAllUsed(tw, "text encoder");
        ObjectNode tc = JSON.createObjectNode();
        tc.put("model_type", "clip_text_model");
        tc.put("hidden_size", cc.text().dim());
        tc.put("num_hidden_layers", cc.text().layers());
        tc.put("num_attention_heads", cc.text().heads());
        tc.put("intermediate_size", cc.text().mlpDim());
        tc.put("max_position_embeddings", 77);
        tc.put("vocab_size", cc.text().vocabSize());
        tc.put("hidden_act", "gelu");
        JSON.writeValue(dir.resolve("text_encoder/config.json").toFile(), tc);
        copyTokenizer(tok, dir.resolve("tokenizer"));
        Files.createDirectories(dir.resolve("scheduler"));
        JSON.writeValue(dir.resolve("scheduler/scheduler_config.json").toFile(), schedulerConfig(kind));
        ObjectNode index = JSON.createObjectNode();
        index.put("_class_name", kind.equals("teacher") ? "OnnxStableDiffusionPipeline" : "LatentConsistencyModelPipeline");
        index.put("_diffusers_version", "0.30.0");
        index.putArray("scheduler").add("diffusers").add(kind.equals("teacher") ? "DDIMScheduler" : "LCMScheduler");
        index.putArray("text_encoder").add("diffusers").add("OnnxRuntimeModel");
        index.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
        index.putArray("unet").add("diffusers").add("OnnxRuntimeModel");
        index.putArray("vae_encoder").add("diffusers").add("OnnxRuntimeModel");
        index.putArray("vae_decoder").add("diffusers").add("OnnxRuntimeModel");
        JSON.writeValue(dir.resolve("model_index.json").toFile(), index);
    }

    static ObjectNode schedulerConfig(String kind) {
        ObjectNode s = JSON.createObjectNode();
        s.put("_class_name", kind.equals("teacher") ? "DDIMScheduler" : "LCMScheduler");
        s.put("num_train_timesteps", NoiseSchedule.STEPS);
        s.put("beta_start", NoiseSchedule.BETA_START);
        s.put("beta_end", NoiseSchedule.BETA_END);
        s.put("beta_schedule", "scaled_linear");
        s.put("prediction_type", "epsilon");
        s.put("clip_sample", false);
        s.put("steps_offset", 1);
        s.put("timestep_spacing", "leading");
        if (kind.equals("teacher")) {
            s.put("set_alpha_to_one", false);
        } else {
            s.put("set_alpha_to_one", true);
            s.put("original_inference_steps", 50);
            s.put("timestep_scaling", 10.0);
        }
        return s;
    }

    static ObjectNode unetConfigJson(UnetConfig uc) {
        ObjectNode u = JSON.createObjectNode();
        u.put("_class_name", "UNet2DConditionModel");
        u.put("sample_size", uc.sampleSize());
        u.put("in_channels", uc.inChannels());
        u.put("out_channels", uc.outChannels());
        ArrayNode boc = u.putArray("block_out_channels");
        for (int c : uc.blockChannels()) {
            boc.add(c);
        }
        u.put("layers_per_block", uc.layersPerBlock());
        u.put("cross_attention_dim", uc.crossAttentionDim());
        u.put("attention_head_dim", uc.blockChannels()[uc.blockChannels().length - 1] / uc.heads());
        u.put("norm_num_groups", uc.normGroups());
        u.put("use_linear_projection", true);
        u.put("flip_sin_to_cos", true);
        u.put("freq_shift", 0);
        if (uc.timestepCondDim() > 0) {
            u.put("time_cond_proj_dim", uc.timestepCondDim());
        } else {
            u.putNull("time_cond_proj_dim");
        }
        // not diffusers keys: this project's two additions (UnetConfig), recorded so a reader knows the graph has them
        if (uc.textTimeEmbedding()) {
            u.put("apprentice_text_time_embedding", "mean_tokens");
        }
        if (uc.positionEmbedding()) {
            u.put("apprentice_position_map", "conv_in");
        }
        return u;
    }

    private static void copyTokenizer(Path tok, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(tok.resolve("vocab.json"), dir.resolve("vocab.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tok.resolve("merges.txt"), dir.resolve("merges.txt"), StandardCopyOption.REPLACE_EXISTING);
        ObjectNode tc = JSON.createObjectNode();
        tc.put("tokenizer_class", "CLIPTokenizer");
        tc.put("model_max_length", 77);
        tc.put("bos_token", "<|startoftext|>");
        tc.put("eos_token", "<|endoftext|>");
        tc.put("pad_token", "<|endoftext|>");
        tc.put("unk_token", "<|endoftext|>");
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), tc);
    }

    private static void save(ModelProto model, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        OnnxModelWriter.save(model, file);
    }

    /** Mean per-image PSNR (and PSNR of the pooled MSE) of validation images through encode(mean) → decode. */
    static ObjectNode validationPsnr(AutoencoderModel ae, EmojiDataset data, NDManager root) {
        int[] val = data.indices(true);
        int size = data.size();
        int pixels = 3 * size * size;
        ReconstructionPsnr psnr = new ReconstructionPsnr();
        for (int start = 0; start < val.length; start += 64) {
            int n = Math.min(64, val.length - start);
            try (NDManager sub = root.newSubManager()) {
                float[] x = new float[n * pixels];
                for (int i = 0; i < n; i++) {
                    data.imageChw(val[start + i], x, i * pixels);
                }
                NDArray img = sub.create(x, new Shape(n, 3, size, size));
                psnr.add(ae.decode(ae.meanLogvar(ae.encode(img)).get(0)), img);
            }
        }
        return psnr.toJson();
    }
}
