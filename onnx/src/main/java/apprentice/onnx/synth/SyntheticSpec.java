package apprentice.onnx.synth;

import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.OnnxModelWriter;
import apprentice.onnx.graph.TextEncoderConfig;
import apprentice.onnx.graph.UnetConfig;
import apprentice.onnx.graph.VaeConfig;

/**
 * What {@link SyntheticModelFolder} writes: component shapes, the seed of their random weights,
 * the exported interface variants and the folder's JSON settings.
 *
 * @param seed seed of every random weight (same seed and spec → byte-identical files)
 * @param text the text encoder; its vocabulary is the 514-token byte-level CLIP vocabulary
 * @param unet the UNet; its {@code crossAttentionDim} must equal {@code text.dim()}
 * @param vae the autoencoder; scale factor {@code 2^(levels-1)}
 * @param legacyLatentSample vae_encoder outputs {@code latent_sample} (the mean) instead of {@code latent_parameters}
 * @param scalingFactor {@code scaling_factor} written to the VAE configs
 * @param schedulerClass {@code _class_name} of scheduler_config.json (e.g. PNDMScheduler, DDIMScheduler, LCMScheduler)
 * @param predictionType {@code prediction_type} of scheduler_config.json
 * @param externalDataThreshold initializers of at least this many bytes go to {@code model.onnx_data}
 *                              ({@link OnnxModelWriter#NEVER_EXTERNAL} keeps them inline)
 */
public record SyntheticSpec(long seed, TextEncoderConfig text, UnetConfig unet, VaeConfig vae,
                            boolean legacyLatentSample, float scalingFactor, String schedulerClass,
                            String predictionType, long externalDataThreshold) {
    /** Size of the byte-level vocabulary written to tokenizer/ (256 bytes, 256 word-final bytes, 2 specials). */
    public static final int VOCAB_SIZE = 514;

    public SyntheticSpec {
        if (unet.crossAttentionDim() != text.dim()) {
            throw new IllegalArgumentException("UNet crossAttentionDim " + unet.crossAttentionDim()
                    + " must equal the text encoder's dim " + text.dim());
        }
        if (text.vocabSize() != VOCAB_SIZE) {
            throw new IllegalArgumentException("text vocabSize must be " + VOCAB_SIZE
                    + " (the byte-level vocabulary written to tokenizer/), got " + text.vocabSize());
        }
        if (unet.inChannels() != vae.latentChannels() || unet.outChannels() != vae.latentChannels()) {
            throw new IllegalArgumentException("UNet channels " + unet.inChannels() + "/" + unet.outChannels()
                    + " must equal the VAE's latent channels " + vae.latentChannels());
        }
        if (schedulerClass == null || schedulerClass.isBlank() || predictionType == null || predictionType.isBlank()) {
            throw new IllegalArgumentException("schedulerClass and predictionType must be set");
        }
    }

    /**
     * The default: tiny and fast. Text D=32 (2 layers, 2 heads, 77 tokens); UNet channels
     * [32, 64], cross-attention on both levels, 2 heads, 8 groups; VAE [8, 16, 16, 16] (factor 8,
     * like SD); int64 scalar timestep; PNDMScheduler, epsilon; everything inline. Meant for
     * 64×64 images (8×8 latents); any multiple of 16 pixels works.
     */
    public static SyntheticSpec tiny() {
        return new SyntheticSpec(1234,
                new TextEncoderConfig(VOCAB_SIZE, 77, 32, 2, 2, 128),
                new UnetConfig(4, 4, new int[] {32, 64}, 1, 0, 2, 8, 32, ElementType.INT64, true, 0, 8),
                new VaeConfig(3, 4, new int[] {8, 16, 16, 16}, 1, 4, true),
                false, 0.18215f, "PNDMScheduler", "epsilon", OnnxModelWriter.NEVER_EXTERNAL);
    }

    /**
     * Sized for benchmarks of per-call overhead at SD resolution: 512×512 images, 64×64×4 latents.
     * UNet channels [32, 64, 128], one resnet per level, cross-attention transformers (4 heads)
     * from the 32×32 level down (none at 64×64, as in SDXL), mid block; text D=128 (2 layers);
     * VAE [16, 32, 64, 64] (factor 8) with mid attention; weights in {@code model.onnx_data}
     * (threshold 1 KiB) like large exports. The UNet has 4.22 M parameters (16.9 MB float32) and
     * costs 5.13 GFLOPs per call at batch 1, 64×64 latents, 77 tokens (Conv 2.89 + MatMul 2.24;
     * a multiply-add is 2 FLOPs; elementwise ops not counted), counted from ONNX Runtime's profile
     * of the graph by {@code RealisticShapeTest}. Classifier-free guidance doubles it per step.
     * (SD 1.5's UNet needs hundreds of GFLOPs per call at that size: this preset has SD's shapes and
     * call pattern, not its workload.)
     */
    public static SyntheticSpec realisticShape() {
        return new SyntheticSpec(1234,
                new TextEncoderConfig(VOCAB_SIZE, 77, 128, 2, 4, 512),
                new UnetConfig(4, 4, new int[] {32, 64, 128}, 1, 1, 4, 8, 128, ElementType.INT64, true, 0, 64),
                new VaeConfig(3, 4, new int[] {16, 32, 64, 64}, 1, 8, true),
                false, 0.18215f, "PNDMScheduler", "epsilon", 1024);
    }

    /**
     * The built-in ("emoji") family's interface shape: 64×64 images, 16×16×4 latents, VAE factor 4
     * ([32, 64, 64]); UNet [64, 128, 128] on 16×16 / 8×8 / 4×4 with cross-attention on the two lower
     * levels, 4 heads; text D=128; DDIMScheduler.
     * A stand-in for the trained models' shapes, not their exact sizes.
     */
    public static SyntheticSpec builtInFamilyShape() {
        return new SyntheticSpec(1234,
                new TextEncoderConfig(VOCAB_SIZE, 77, 128, 2, 4, 512),
                new UnetConfig(4, 4, new int[] {64, 128, 128}, 1, 1, 4, 16, 128, ElementType.INT64, true, 0, 16),
                new VaeConfig(3, 4, new int[] {32, 64, 64}, 1, 16, true),
                false, 0.18215f, "DDIMScheduler", "epsilon", OnnxModelWriter.NEVER_EXTERNAL);
    }

    public SyntheticSpec withSeed(long newSeed) {
        return new SyntheticSpec(newSeed, text, unet, vae, legacyLatentSample, scalingFactor, schedulerClass,
                predictionType, externalDataThreshold);
    }

    /** The UNet's {@code timestep} input as {@code type}, scalar {@code []} or {@code [batch_size]}. */
    public SyntheticSpec withTimestep(ElementType type, boolean scalar) {
        return withUnet(new UnetConfig(unet.inChannels(), unet.outChannels(), unet.blockChannels(), unet.layersPerBlock(),
                unet.attentionFromLevel(), unet.heads(), unet.normGroups(), unet.crossAttentionDim(), type, scalar,
                unet.timestepCondDim(), unet.sampleSize()));
    }

    /** Adds LCM's {@code timestep_cond [batch_size, dim]} input (0 removes it). */
    public SyntheticSpec withTimestepCond(int dim) {
        return withUnet(new UnetConfig(unet.inChannels(), unet.outChannels(), unet.blockChannels(), unet.layersPerBlock(),
                unet.attentionFromLevel(), unet.heads(), unet.normGroups(), unet.crossAttentionDim(), unet.timestepType(),
                unet.timestepScalar(), dim, unet.sampleSize()));
    }

    public SyntheticSpec withUnet(UnetConfig newUnet) {
        return new SyntheticSpec(seed, text, newUnet, vae, legacyLatentSample, scalingFactor, schedulerClass,
                predictionType, externalDataThreshold);
    }

    public SyntheticSpec withVae(VaeConfig newVae) {
        return new SyntheticSpec(seed, text, unet, newVae, legacyLatentSample, scalingFactor, schedulerClass,
                predictionType, externalDataThreshold);
    }

    public SyntheticSpec withLegacyLatentSample(boolean legacy) {
        return new SyntheticSpec(seed, text, unet, vae, legacy, scalingFactor, schedulerClass,
                predictionType, externalDataThreshold);
    }

    public SyntheticSpec withScheduler(String className, String prediction) {
        return new SyntheticSpec(seed, text, unet, vae, legacyLatentSample, scalingFactor, className,
                prediction, externalDataThreshold);
    }

    public SyntheticSpec withScalingFactor(float factor) {
        return new SyntheticSpec(seed, text, unet, vae, legacyLatentSample, factor, schedulerClass,
                predictionType, externalDataThreshold);
    }

    public SyntheticSpec withExternalDataThreshold(long bytes) {
        return new SyntheticSpec(seed, text, unet, vae, legacyLatentSample, scalingFactor, schedulerClass,
                predictionType, bytes);
    }

    /** Default image side in pixels: the UNet's sample size times the VAE factor. */
    public int imageSize() {
        return unet.sampleSize() * vae.scaleFactor();
    }
}
