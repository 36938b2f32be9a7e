package apprentice.app;

import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.PhaseTimings;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record written into every image's PNG text chunks and JSON sidecar: every parameter needed to
 * make the image again, plus what the run measured. Keys are snake_case and stable; scripts read them.
 */
public final class ImageMetadata {
    /** Stated in every output so nobody mistakes strength for a noise variance (see DESIGN.md). */
    public static final String STRENGTH_CONVENTION = "diffusers img2img strength: the fraction of the scheduler's "
            + "timesteps that are run (init = min(int(steps*strength), steps), starting at timesteps[steps - init]); "
            + "not the noise variance";
    public static final String NFE_CONVENTION = "UNet evaluations actually run; a classifier-free-guidance call on the "
            + "doubled [uncond, cond] batch counts as one";

    private ImageMetadata() {
    }

    /** What the user asked for, fixed before the run: the same for every run with the same inputs. */
    public record Inputs(String prompt, String negativePrompt, long seed, String modelName, Path modelPath,
                         String schedulerRequested, int steps, double guidance, int width, int height,
                         Path initImage, double strength, Path latentsFile, int imageIndex, int imageCount,
                         String runtime, Path controlNet, Path controlImage) {
    }

    /**
     * @param withWallClock include timings and the creation time; leave them out for byte-reproducible PNGs
     */
    public static Map<String, Object> build(Inputs in, GenerationRequest request, GenerationResult result,
                                            boolean withWallClock) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", in.prompt());
        m.put("negative_prompt", in.negativePrompt());
        m.put("seed", in.seed());
        m.put("model", in.modelName());
        m.put("model_path", in.modelPath().toAbsolutePath().normalize().toString());
        m.put("scheduler", result.scheduler());
        m.put("scheduler_requested", in.schedulerRequested() == null ? "model default" : in.schedulerRequested());
        m.put("steps", in.steps());
        m.put("guidance_scale", in.guidance());
        m.put("guidance_applied", result.guidanceApplied());
        m.put("width", in.width());
        m.put("height", in.height());
        m.put("mode", request.isImageToImage() ? "image-to-image" : "text-to-image");
        if (request.isImageToImage()) {
            m.put("init_image", in.initImage().toAbsolutePath().normalize().toString());
            m.put("strength", in.strength());
            m.put("strength_convention", STRENGTH_CONVENTION);
        }
        if (request.isControlled()) {
            m.put("controlnet_path", in.controlNet().toAbsolutePath().normalize().toString());
            m.put("control_image", in.controlImage().toAbsolutePath().normalize().toString());
            m.put("controlnet_conditioning_scale", request.controlScale());
            m.put("control_guidance_start", request.controlStart());
            m.put("control_guidance_end", request.controlEnd());
        }
        if (in.latentsFile() != null) {
            m.put("latents_file", in.latentsFile().toAbsolutePath().normalize().toString());
        }
        m.put("nfe", result.nfe());
        m.put("nfe_convention", NFE_CONVENTION);
        m.put("timesteps", result.timesteps());
        m.put("image_index", in.imageIndex());
        m.put("image_count", in.imageCount());
        m.put("runtime", in.runtime());
        m.put("apprentice_version", VersionProvider.version());
        if (withWallClock) {
            m.put("timings", timings(result.timings()));
            m.put("created", OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        return m;
    }

    static Map<String, Object> timings(PhaseTimings t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_ms", ms(t.totalNanos()));
        m.put("text_encode_ms", ms(t.textEncodeNanos()));
        m.put("image_encode_ms", ms(t.imageEncodeNanos()));
        m.put("denoise_ms", ms(t.denoiseNanos()));
        m.put("decode_ms", ms(t.decodeNanos()));
        m.put("model_calls_ms", ms(t.modelCallNanos()));
        m.put("inside_onnx_runtime_ms", ms(t.runtimeNanos()));
        m.put("outside_onnx_runtime_share", Math.round(t.outsideRuntimeShare() * 10000) / 10000.0);
        return m;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
