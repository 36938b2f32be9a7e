package apprentice.core.pipeline;

import apprentice.core.noise.Seeds;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to generate. Build with {@link #builder()}.
 *
 * <p>Images are ordered as diffusers orders them: all images of prompt 0, then all of prompt 1, ...
 * ({@code imagesPerPrompt} consecutive images per prompt). Image {@code i} draws all of its randomness
 * (initial latents, scheduler noise, img2img posterior sample and noise) from its own generator seeded
 * with {@code seeds().get(i)}, as diffusers does when given a list of {@code torch.Generator}s; an image
 * is therefore the same whether it is generated alone or in a batch.
 *
 * <p><b>Strength convention.</b> {@link #strength()} is diffusers' img2img {@code strength}: the fraction
 * of the scheduler's timesteps that are run. With {@code steps} n, {@code init = min(int(n·strength), n)}
 * steps are run, starting at timestep {@code timesteps[n − init]}, and the input's latent is noised with
 * {@code add_noise(latent, noise, that timestep)}. It is <em>not</em> the noise variance (strength 0.7
 * on SD's schedule starts near t≈700, noise variance ≈0.92). Strength 0 runs no UNet step and returns
 * the VAE reconstruction of the input; strength 1 discards the input except for its latent shape.
 *
 * @param prompts one or more prompts (non-empty list)
 * @param negativePrompts one per prompt; "" where none was given (as diffusers)
 * @param imagesPerPrompt images per prompt (≥ 1)
 * @param seeds one seed per image, {@code prompts.size() · imagesPerPrompt} of them
 * @param steps number of inference steps requested from the scheduler (≥ 1)
 * @param guidanceScale classifier-free guidance weight; ≤ 1 turns CFG off. For a UNet with an LCM
 *                      {@code timestep_cond} input it is embedded instead (w − 1) and CFG is never used
 * @param width image width in pixels, 0 for the model's default
 * @param height image height in pixels, 0 for the model's default
 * @param scheduler scheduler short name, or null for the model folder's scheduler
 * @param initImage {@code [1 or B, 3, H, W]} image in [-1, 1] for image-to-image, or null
 * @param strength image-to-image strength in [0, 1], diffusers' convention (see above); ignored without an init image
 * @param initialLatents diffusers' {@code latents=}: {@code [B, C, h, w]} unit-variance starting noise for
 *                       text-to-image (multiplied by {@code init_noise_sigma}), or null to draw it from the seeds
 * @param controlImage {@code [1 or B, 3, H, W]} ControlNet conditioning image in [0, 1] at the output size (diffusers'
 *                     ControlNet pipelines do not normalise it to [-1, 1]), or null; needs a pipeline with a ControlNet
 * @param controlScale diffusers' {@code controlnet_conditioning_scale} (default 1.0): the weight of the ControlNet's
 *                     residuals; ignored without a control image
 * @param controlStart diffusers' {@code control_guidance_start} (default 0): the ControlNet acts from this fraction of the
 *                     run's steps on
 * @param controlEnd diffusers' {@code control_guidance_end} (default 1): and up to this fraction; on the other steps its
 *                   residuals are weighted 0, as diffusers' {@code controlnet_keep}
 */
public record GenerationRequest(
        List<String> prompts,
        List<String> negativePrompts,
        int imagesPerPrompt,
        List<Long> seeds,
        int steps,
        double guidanceScale,
        int width,
        int height,
        String scheduler,
        Tensor initImage,
        double strength,
        Tensor initialLatents,
        Tensor controlImage,
        double controlScale,
        double controlStart,
        double controlEnd) {

    public static final int DEFAULT_STEPS = 50;
    public static final double DEFAULT_GUIDANCE = 7.5;
    public static final double DEFAULT_STRENGTH = 0.8;
    public static final double DEFAULT_CONTROL_SCALE = 1.0;

    public GenerationRequest {
        Objects.requireNonNull(prompts, "prompts");
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null) {
                throw new IllegalArgumentException("prompt " + i + " is null: use \"\" for an unconditional image");
            }
        }
        Objects.requireNonNull(negativePrompts, "negativePrompts");
        for (int i = 0; i < negativePrompts.size(); i++) {
            if (negativePrompts.get(i) == null) {
                throw new IllegalArgumentException("negative prompt " + i + " is null: use \"\" for none");
            }
        }
        prompts = List.copyOf(prompts);
        negativePrompts = List.copyOf(negativePrompts);
        seeds = List.copyOf(seeds);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompt given: pass at least one prompt (\"\" for an unconditional image)");
        }
        if (negativePrompts.size() != prompts.size()) {
            throw new IllegalArgumentException("got " + negativePrompts.size() + " negative prompts for " + prompts.size()
                    + " prompts: give one negative prompt for all, or exactly one per prompt");
        }
        if (imagesPerPrompt < 1) {
            throw new IllegalArgumentException("imagesPerPrompt is " + imagesPerPrompt + ": it must be at least 1");
        }
        int total = prompts.size() * imagesPerPrompt;
        if (seeds.size() != total) {
            throw new IllegalArgumentException("got " + seeds.size() + " seeds for " + total + " images ("
                    + prompts.size() + " prompts × " + imagesPerPrompt + "): give one seed per image, or a base seed");
        }
        for (long seed : seeds) {
            Seeds.requireValid(seed);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps is " + steps + ": at least 1 inference step is needed");
        }
        if (!Double.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale is " + guidanceScale + ": give a finite number (≤ 1 turns guidance off)");
        }
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("image size " + width + "×" + height + " is negative: give positive sizes, or 0 for the model's default");
        }
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength is " + strength
                    + ": it must be in [0, 1] (diffusers' img2img strength: the fraction of the steps that are run)");
        }
        if (initImage != null && initialLatents != null) {
            throw new IllegalArgumentException("both an init image and initial latents were given: image-to-image starts from the "
                    + "noised image latent, so pass only one of them");
        }
        if (initImage != null && (initImage.rank() != 4 || initImage.dim(1) != 3)) {
            throw new IllegalArgumentException("init image has shape " + Arrays.toString(initImage.shape())
                    + ": expected [1 or B, 3, H, W] with values in [-1, 1]");
        }
        if (controlImage != null && (controlImage.rank() != 4 || controlImage.dim(1) != 3)) {
            throw new IllegalArgumentException("control image has shape " + Arrays.toString(controlImage.shape())
                    + ": expected [1 or B, 3, H, W] with values in [0, 1]");
        }
        if (!Double.isFinite(controlScale)) {
            throw new IllegalArgumentException("ControlNet conditioning scale is " + controlScale + ": give a finite number (1.0 by default)");
        }
        if (!(controlStart >= 0 && controlStart < controlEnd && controlEnd <= 1)) {
            throw new IllegalArgumentException("ControlNet guidance start " + controlStart + " and end " + controlEnd
                    + " must satisfy 0 <= start < end <= 1 (fractions of the steps; default 0 and 1)");
        }
        if (initialLatents != null && initialLatents.rank() != 4) {
            throw new IllegalArgumentException("initial latents have shape " + Arrays.toString(initialLatents.shape())
                    + ": expected [B, C, h, w]");
        }
    }

    /** Total number of images: prompts × imagesPerPrompt. */
    public int batchSize() {
        return prompts.size() * imagesPerPrompt;
    }

    /** The prompt of image {@code i} (diffusers' order). */
    public String promptOfImage(int i) {
        return prompts.get(i / imagesPerPrompt);
    }

    public boolean isImageToImage() {
        return initImage != null;
    }

    /** Whether a ControlNet conditions this request. */
    public boolean isControlled() {
        return controlImage != null;
    }

    /**
     * The ControlNet's weight on step {@code i} of {@code n} that run: {@code controlScale} inside
     * [{@code controlStart}, {@code controlEnd}], else 0 (diffusers' {@code controlnet_keep}: step i is off when
     * {@code i/n < start} or {@code (i+1)/n > end}).
     */
    public double controlScaleAt(int i, int n) {
        boolean off = (double) i / n < controlStart || (double) (i + 1) / n > controlEnd;
        return off ? 0.0 : controlScale;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompts = new ArrayList<>(prompts);
        b.negativePrompts = new ArrayList<>(negativePrompts);
        b.imagesPerPrompt = imagesPerPrompt;
        b.seeds = new ArrayList<>(seeds);
        b.steps = steps;
        b.guidanceScale = guidanceScale;
        b.width = width;
        b.height = height;
        b.scheduler = scheduler;
        b.initImage = initImage;
        b.strength = strength;
        b.initialLatents = initialLatents;
        b.controlImage = controlImage;
        b.controlScale = controlScale;
        b.controlStart = controlStart;
        b.controlEnd = controlEnd;
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with diffusers' defaults: 50 steps, guidance 7.5, strength 0.8, one image per prompt, a random base seed ({@link Seeds#random()}). */
    public static final class Builder {
        private List<String> prompts = new ArrayList<>();
        private List<String> negativePrompts;
        private String negativePrompt;
        private int imagesPerPrompt = 1;
        private List<Long> seeds;
        private Long baseSeed;
        private int steps = DEFAULT_STEPS;
        private double guidanceScale = DEFAULT_GUIDANCE;
        private int width;
        private int height;
        private String scheduler;
        private Tensor initImage;
        private double strength = DEFAULT_STRENGTH;
        private Tensor initialLatents;
        private Tensor controlImage;
        private double controlScale = DEFAULT_CONTROL_SCALE;
        private double controlStart = 0.0;
        private double controlEnd = 1.0;

        private Builder() {
        }

        public Builder prompt(String prompt) {
            this.prompts = new ArrayList<>(List.of(prompt));
            return this;
        }

        public Builder prompts(List<String> prompts) {
            this.prompts = new ArrayList<>(prompts);
            return this;
        }

        /** One negative prompt for every prompt (null: none, i.e. ""). */
        public Builder negativePrompt(String negativePrompt) {
            this.negativePrompt = negativePrompt;
            this.negativePrompts = null;
            return this;
        }

        /** One negative prompt per prompt. */
        public Builder negativePrompts(List<String> negativePrompts) {
            this.negativePrompts = new ArrayList<>(negativePrompts);
            this.negativePrompt = null;
            return this;
        }

        public Builder imagesPerPrompt(int n) {
            this.imagesPerPrompt = n;
            return this;
        }

        /** Explicit seeds, one per image (overrides {@link #seed}). */
        public Builder seeds(List<Long> seeds) {
            this.seeds = new ArrayList<>(seeds);
            return this;
        }

        /** Base seed: image {@code i} gets seed {@code base + i}. */
        public Builder seed(long baseSeed) {
            this.baseSeed = baseSeed;
            this.seeds = null;
            return this;
        }

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder guidanceScale(double guidanceScale) {
            this.guidanceScale = guidanceScale;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder width(int width) {
            this.width = width;
            return this;
        }

        public Builder height(int height) {
            this.height = height;
            return this;
        }

        /** Scheduler short name, or null for the model folder's scheduler. */
        public Builder scheduler(String scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Image-to-image input {@code [1 or B, 3, H, W]} in [-1, 1]. */
        public Builder initImage(Tensor initImage) {
            this.initImage = initImage;
            return this;
        }

        /** diffusers' img2img strength (fraction of steps run), see {@link GenerationRequest}. */
        public Builder strength(double strength) {
            this.strength = strength;
            return this;
        }

        public Builder initialLatents(Tensor initialLatents) {
            this.initialLatents = initialLatents;
            return this;
        }

        /** ControlNet conditioning image, {@code [1 or B, 3, H, W]} in [0, 1]; see {@link GenerationRequest}. */
        public Builder controlImage(Tensor controlImage) {
            this.controlImage = controlImage;
            return this;
        }

        /** diffusers' {@code controlnet_conditioning_scale} (default 1.0). */
        public Builder controlScale(double controlScale) {
            this.controlScale = controlScale;
            return this;
        }

        /** diffusers' {@code control_guidance_start} and {@code control_guidance_end} (defaults 0 and 1). */
        public Builder controlGuidance(double start, double end) {
            this.controlStart = start;
            this.controlEnd = end;
            return this;
        }

        public GenerationRequest build() {
            int n = prompts.size();
            List<String> negatives = new ArrayList<>();
            if (negativePrompts != null) {
                negatives.addAll(negativePrompts);
            } else {
                for (int i = 0; i < n; i++) {
                    negatives.add(negativePrompt == null ? "" : negativePrompt);
                }
            }
            List<Long> s = seeds;
            if (s == null) {
                // image i gets base + i (see Seeds): any image can be regenerated alone from its own seed
                long base = baseSeed != null ? baseSeed : Seeds.random();
                s = new ArrayList<>();
                if (n > 0 && imagesPerPrompt > 0) {
                    for (long seed : Seeds.forBatch(base, n * imagesPerPrompt)) {
                        s.add(seed);
                    }
                }
            }
            return new GenerationRequest(prompts, negatives, imagesPerPrompt, s, steps, guidanceScale, width, height,
                    scheduler, initImage, strength, initialLatents, controlImage, controlScale,
                    controlStart, controlEnd);
        }
    }
}
