package apprentice.core.pipeline;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.ControlNet;
import apprentice.core.model.ControlResiduals;
import apprentice.core.model.Denoiser;
import apprentice.core.model.LatentDistribution;
import apprentice.core.model.TextEncoder;
import apprentice.core.noise.NoiseSource;
import apprentice.core.noise.TorchGenerator;
import apprentice.core.scheduler.Img2ImgTimesteps;
import apprentice.core.scheduler.LcmScheduler;
import apprentice.core.scheduler.Scheduler;
import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.Schedulers;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Text-to-image and image-to-image (SDEdit) generation over a tokenizer, text encoder, UNet, VAE and a
 * scheduler, composed rather than subclassed per model family.
 *
 * <p>The order of operations and of random draws follows diffusers' {@code StableDiffusionPipeline.__call__}
 * and {@code StableDiffusionImg2ImgPipeline.__call__} with a list of CPU generators (one per image), so the
 * same seeds and weights give diffusers' latents:
 * <ol>
 *   <li>tokenise prompts and negative prompts ("" when none) padded to the encoder's length; encode;</li>
 *   <li>classifier-free guidance when {@code guidance > 1} and the UNet has no LCM {@code timestep_cond}
 *       input: the UNet sees the batch {@code [uncond, cond]} in one call, combined as
 *       {@code uncond + g·(cond − uncond)}; otherwise a single batch. A UNet with {@code timestep_cond}
 *       gets diffusers' guidance-scale embedding of {@code g − 1};</li>
 *   <li>text-to-image: image {@code i}'s initial latents are {@code randn([1, C, h, w])} from its own
 *       generator (or the caller's {@code initialLatents}), times {@code init_noise_sigma};
 *       image-to-image: VAE-encode the image, <em>sample</em> the posterior with the image's generator
 *       (diffusers' {@code retrieve_latents} default), multiply by {@code scaling_factor}, draw noise from
 *       the same generator and {@code add_noise} at the first retained timestep;</li>
 *   <li>the scheduler loop, stochastic schedulers drawing each image's step noise from its generator;</li>
 *   <li>decode {@code latents / scaling_factor}, one image at a time (as diffusers' ONNX pipelines do).</li>
 * </ol>
 *
 * <p>Image-to-image timesteps: diffusers' {@code get_timesteps} (see {@link Img2ImgTimesteps}); for a true LCM
 * model (LCM scheduler and a UNet with {@code timestep_cond}) LCM's own {@code set_timesteps(n, strength)}, as
 * {@code LatentConsistencyModelImg2ImgPipeline} does. Strength 0, or so few steps that {@code int(steps·strength)}
 * is 0, runs no UNet evaluation and returns the VAE reconstruction of the input (posterior sample, no noise
 * added); diffusers raises an error there instead.
 *
 * <p>ControlNet ({@link #withControlNet}): as diffusers' {@code StableDiffusionControlNetPipeline} (no guess mode;
 * {@code control_guidance_start/end} as {@link GenerationRequest#controlScaleAt}): each step the ControlNet sees the
 * UNet's own input (the CFG-doubled batch, with the control image repeated for both halves) and its residuals,
 * weighted by {@code controlScale}, go into that step's UNet call. The control image is taken as given, in [0, 1] at
 * the output size.
 *
 * <p>A pipeline holds no per-run state; runs on one pipeline may overlap if its components allow it.
 */
public final class DiffusionPipeline {
    private final PromptTokenizer tokenizer;
    private final TextEncoder textEncoder;
    private final Denoiser unet;
    private final Autoencoder vae;
    private final SchedulerConfig schedulerConfig;
    private final int defaultImageSize;
    private final SchedulerFactory schedulers;
    private final SeededNoise noise;
    private final ControlNet controlNet;

    /**
     * The standard pipeline: schedulers from {@link Schedulers} (a request's short name, else the folder's
     * {@code _class_name}) and torch's CPU generator per image ({@link TorchGenerator}), as diffusers.
     */
    public DiffusionPipeline(ModelComponents components) {
        this(components, DiffusionPipeline::standardScheduler);
    }

    /** The scheduler named {@code shortName}, or the config's own class when it is null. */
    public static Scheduler standardScheduler(String shortName, SchedulerConfig base) {
        return shortName == null ? Schedulers.create(base) : Schedulers.create(shortName, base);
    }

    /** A pipeline whose per-image noise is torch's CPU generator ({@link TorchGenerator}), as in diffusers. */
    public DiffusionPipeline(ModelComponents components, SchedulerFactory schedulers) {
        this(components, schedulers, TorchGenerator::new);
    }

    public DiffusionPipeline(ModelComponents components, SchedulerFactory schedulers, SeededNoise noise) {
        this.tokenizer = Objects.requireNonNull(components.tokenizer(), "tokenizer");
        this.textEncoder = Objects.requireNonNull(components.textEncoder(), "textEncoder");
        this.unet = Objects.requireNonNull(components.unet(), "unet");
        this.vae = Objects.requireNonNull(components.vae(), "vae");
        this.schedulerConfig = Objects.requireNonNull(components.schedulerConfig(), "schedulerConfig");
        this.defaultImageSize = components.defaultImageSize();
        this.schedulers = Objects.requireNonNull(schedulers, "schedulers");
        this.noise = Objects.requireNonNull(noise, "noise");
        this.controlNet = null;
    }

    private DiffusionPipeline(DiffusionPipeline base, ControlNet controlNet) {
        this.tokenizer = base.tokenizer;
        this.textEncoder = base.textEncoder;
        this.unet = base.unet;
        this.vae = base.vae;
        this.schedulerConfig = base.schedulerConfig;
        this.defaultImageSize = base.defaultImageSize;
        this.schedulers = base.schedulers;
        this.noise = base.noise;
        this.controlNet = controlNet;
    }

    /**
     * The same pipeline with a ControlNet for requests that carry a control image. The UNet must be exported with
     * as many residual inputs as the ControlNet gives ({@link Denoiser#controlResidualInputs()}). The caller keeps
     * ownership of the ControlNet (closing the model components does not close it).
     */
    public DiffusionPipeline withControlNet(ControlNet controlNet) {
        Objects.requireNonNull(controlNet, "controlNet");
        if (unet.controlResidualInputs() != controlNet.downResiduals()) {
            throw new IllegalArgumentException(unet.controlResidualInputs() == 0
                    ? "this UNet takes no ControlNet residuals: use a UNet exported with down_block_N_additional_residual and "
                            + "mid_block_additional_residual inputs (a ControlNet-ready export of the same model)"
                    : "the UNet takes " + unet.controlResidualInputs() + " down-block residuals but the ControlNet gives "
                            + controlNet.downResiduals() + ": they belong to different base models");
        }
        return new DiffusionPipeline(this, controlNet);
    }

    /** Whether this pipeline has a ControlNet. */
    public boolean hasControlNet() {
        return controlNet != null;
    }

    public GenerationResult generate(GenerationRequest request) {
        return generate(request, ProgressListener.NONE, CancellationToken.none());
    }

    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancel) {
        return new Run(request, listener == null ? ProgressListener.NONE : listener,
                cancel == null ? CancellationToken.none() : cancel).execute();
    }

    /** Whether a request with this guidance scale uses the doubled CFG batch on this UNet. */
    public boolean usesClassifierFreeGuidance(double guidanceScale) {
        return guidanceScale > 1.0 && unet.timestepCondDim() == 0;
    }

    /** One generation: holds the per-run state (timers, generators). */
    private final class Run {
        private final GenerationRequest req;
        private final ProgressListener listener;
        private final CancellationToken cancel;
        private final long start = System.nanoTime();
        private long modelCallNanos;
        private long runtimeNanos;
        private final long[] phaseNanos = new long[Phase.values().length];
        private final List<String> truncated = new ArrayList<>();

        Run(GenerationRequest req, ProgressListener listener, CancellationToken cancel) {
            this.req = req;
            this.listener = listener;
            this.cancel = cancel;
        }

        GenerationResult execute() {
            int batch = req.batchSize();
            int factor = vae.downscaleFactor();
            int[] size = resolveSize(factor);
            int width = size[0];
            int height = size[1];
            int channels = unet.latentChannels();
            int[] latentShape = {batch, channels, height / factor, width / factor};
            boolean cfg = usesClassifierFreeGuidance(req.guidanceScale());

            List<NoiseSource> gens = new ArrayList<>(batch);
            for (long seed : req.seeds()) {
                gens.add(noise.forSeed(seed));
            }
            PerImageNoise perImage = new PerImageNoise(gens);

            // everything that can reject the request happens before the first model call
            Scheduler scheduler = schedulers.create(req.scheduler(), schedulerConfig);
            if (req.isImageToImage()) {
                initImageIndex(0, batch);
            }
            Tensor control = controlImages(batch, width, height, cfg);

            cancel.throwIfCancelled("before text encoding");
            Tensor hidden = timed(Phase.TEXT_ENCODE, () -> encodePrompts(cfg));
            Tensor timestepCond = unet.timestepCondDim() > 0
                    ? GuidanceEmbedding.of(req.guidanceScale() - 1.0, unet.timestepCondDim(), batch)
                    : null;

            double[] timesteps;
            Tensor latents;
            cancel.throwIfCancelled("before preparing latents");
            if (req.isImageToImage()) {
                timesteps = img2imgTimesteps(scheduler).timesteps();
                double[] ts = timesteps;
                latents = timed(Phase.IMAGE_ENCODE, () -> imageLatents(scheduler, ts, perImage, latentShape));
            } else {
                scheduler.setTimesteps(req.steps());
                timesteps = scheduler.timesteps();
                latents = initialLatents(scheduler, perImage, latentShape);
            }

            Tensor start = latents;
            Tensor finalLatents = timed(Phase.DENOISE,
                    () -> denoise(scheduler, timesteps, start, hidden, timestepCond, cfg, perImage, control));
            cancel.throwIfCancelled("before decoding");
            Tensor images = timed(Phase.DECODE, () -> decode(finalLatents));

            long total = System.nanoTime() - this.start;
            PhaseTimings timings = new PhaseTimings(phaseNanos[Phase.TEXT_ENCODE.ordinal()],
                    phaseNanos[Phase.IMAGE_ENCODE.ordinal()], phaseNanos[Phase.DENOISE.ordinal()],
                    phaseNanos[Phase.DECODE.ordinal()], total, modelCallNanos, runtimeNanos);
            String schedulerName = scheduler.config() != null && scheduler.config().className() != null
                    ? scheduler.config().className() : scheduler.getClass().getSimpleName();
            return new GenerationResult(images, finalLatents, req.seeds(), timesteps.clone(), timesteps.length, cfg,
                    schedulerName, req.isImageToImage() ? req.strength() : Double.NaN, timings, truncated);
        }

        /**
         * The control image per row of the UNet batch ({@code [img…; img…]} under CFG, as diffusers'
         * {@code torch.cat([image] * 2)}), or null for an uncontrolled request; checks every ControlNet precondition.
         */
        private Tensor controlImages(int batch, int width, int height, boolean cfg) {
            if (!req.isControlled()) {
                if (unet.controlResidualInputs() > 0) {
                    throw new IllegalArgumentException("this UNet is a ControlNet-ready export (it takes "
                            + unet.controlResidualInputs() + " down-block residuals): give a ControlNet and a control image");
                }
                return null;
            }
            if (controlNet == null) {
                throw new IllegalArgumentException("a control image was given but the pipeline has no ControlNet: "
                        + "load one and use DiffusionPipeline.withControlNet");
            }
            Tensor img = req.controlImage();
            if (img.dim(2) != height || img.dim(3) != width) {
                throw new IllegalArgumentException("the control image is " + img.dim(3) + "×" + img.dim(2)
                        + " but the output is " + width + "×" + height + ": resize the control image to the output size");
            }
            if (img.dim(0) != 1 && img.dim(0) != batch) {
                throw new IllegalArgumentException("got " + img.dim(0) + " control images for " + batch
                        + " images: give one for all, or one per image");
            }
            Tensor[] rows = new Tensor[cfg ? 2 * batch : batch];
            for (int i = 0; i < rows.length; i++) {
                int k = i % batch;
                rows[i] = img.dim(0) == 1 ? img : img.slice(k, k + 1);
            }
            return rows.length == 1 ? img : Tensor.concat(rows);
        }

        /**
         * A true LCM model (LCM scheduler and a UNet with {@code timestep_cond}) starts where diffusers'
         * {@code LatentConsistencyModelImg2ImgPipeline} does: {@code set_timesteps(n, strength)}, all n steps
         * run. Every other combination uses {@code StableDiffusionImg2ImgPipeline.get_timesteps}.
         */
        private Img2ImgTimesteps img2imgTimesteps(Scheduler scheduler) {
            if (scheduler instanceof LcmScheduler lcm && unet.timestepCondDim() > 0) {
                return Img2ImgTimesteps.prepareLcm(lcm, req.steps(), req.strength());
            }
            return Img2ImgTimesteps.prepare(scheduler, req.steps(), req.strength());
        }

        private int[] resolveSize(int factor) {
            int w = req.width();
            int h = req.height();
            if (req.initImage() != null) {
                int iw = req.initImage().dim(3);
                int ih = req.initImage().dim(2);
                if ((w != 0 && w != iw) || (h != 0 && h != ih)) {
                    throw new IllegalArgumentException("requested size " + w + "×" + h + " differs from the init image's "
                            + iw + "×" + ih + ": resize the image first, or leave the size unset");
                }
                w = iw;
                h = ih;
            } else if (req.initialLatents() != null) {
                w = w == 0 ? req.initialLatents().dim(3) * factor : w;
                h = h == 0 ? req.initialLatents().dim(2) * factor : h;
            }
            if (w == 0) {
                w = defaultImageSize;
            }
            if (h == 0) {
                h = defaultImageSize;
            }
            if (w <= 0 || h <= 0) {
                throw new IllegalArgumentException("no image size given and the model declares no default: set width and height");
            }
            if (w % factor != 0 || h % factor != 0) {
                throw new IllegalArgumentException("image size " + w + "×" + h + " is not divisible by the VAE's factor "
                        + factor + ": use multiples of " + factor + " (e.g. " + (w / factor) * factor + "×"
                        + (h / factor) * factor + ")");
            }
            return new int[] {w, h};
        }

        /** {@code [uncond…; cond…]} (CFG) or {@code [cond…]}, one row per image (each prompt repeated n times). */
        private Tensor encodePrompts(boolean cfg) {
            List<String> texts = new ArrayList<>();
            if (cfg) {
                texts.addAll(req.negativePrompts());
            }
            texts.addAll(req.prompts());
            int[][] ids = tokenizer.tokenizeBatch(texts);
            for (String t : new java.util.LinkedHashSet<>(texts)) {
                if (tokenizer.isTruncated(t)) {
                    truncated.add(t);
                }
            }
            int expected = textEncoder.sequenceLength();
            for (int[] row : ids) {
                if (expected > 0 && row.length != expected) {
                    throw new IllegalStateException("the tokenizer gave " + row.length + " ids but the text encoder takes "
                            + expected + ": the tokenizer must pad/truncate to the encoder's sequence length");
                }
            }
            Tensor encoded = callModel(textEncoder, () -> textEncoder.encode(ids));
            // each prompt's row is repeated imagesPerPrompt times, as diffusers' repeat + view does
            int n = req.imagesPerPrompt();
            int rows = encoded.dim(0);
            Tensor[] parts = new Tensor[rows * n];
            for (int r = 0; r < rows; r++) {
                Tensor row = encoded.slice(r, r + 1);
                for (int k = 0; k < n; k++) {
                    parts[r * n + k] = row;
                }
            }
            return n == 1 ? encoded : Tensor.concat(parts);
        }

        private Tensor initialLatents(Scheduler scheduler, PerImageNoise perImage, int[] shape) {
            Tensor base;
            if (req.initialLatents() != null) {
                if (!Arrays.equals(req.initialLatents().shape(), shape)) {
                    throw new IllegalArgumentException("initial latents have shape " + Arrays.toString(req.initialLatents().shape())
                            + " but this request needs " + Arrays.toString(shape) + " (batch, UNet channels, height/"
                            + vae.downscaleFactor() + ", width/" + vae.downscaleFactor() + ")");
                }
                base = req.initialLatents();
            } else {
                base = perImage.randn(shape);
            }
            return scale(base, (float) scheduler.initNoiseSigma());
        }

        /**
         * Which init image output image {@code i} starts from: the only one, its own, or its prompt's. (diffusers
         * tiles a per-prompt image list instead, pairing images with the wrong prompts when imagesPerPrompt > 1.)
         */
        private int initImageIndex(int i, int batch) {
            int given = req.initImage().dim(0);
            int prompts = req.prompts().size();
            if (given != 1 && given != batch && given != prompts) {
                throw new IllegalArgumentException("got " + given + " init images for " + prompts + " prompts × "
                        + req.imagesPerPrompt() + " images: give 1 image, one per prompt, or one per output image");
            }
            return given == 1 ? 0 : given == batch ? i : i / req.imagesPerPrompt();
        }

        /** img2img: encode, sample the posterior per image, × scaling_factor, add noise at the first retained timestep. */
        private Tensor imageLatents(Scheduler scheduler, double[] timesteps, PerImageNoise perImage, int[] shape) {
            Tensor image = req.initImage();
            int batch = shape[0];
            Map<Integer, LatentDistribution> posteriors = new HashMap<>();
            float sf = vae.scalingFactor();
            Tensor[] parts = new Tensor[batch];
            for (int i = 0; i < batch; i++) {
                int src = initImageIndex(i, batch);
                LatentDistribution dist = posteriors.computeIfAbsent(src,
                        k -> callModel(vae, () -> vae.encode(image.slice(k, k + 1))));
                Tensor sample = dist.sample(perImage.generator(i));
                parts[i] = scale(sample, sf);
            }
            Tensor init = Tensor.concat(parts);
            if (!Arrays.equals(init.shape(), shape)) {
                throw new IllegalStateException("the VAE encoder gave latents of shape " + Arrays.toString(init.shape())
                        + " but the UNet expects " + Arrays.toString(shape) + ": the VAE and UNet do not belong together");
            }
            if (timesteps.length == 0) {
                return init; // strength 0: nothing to denoise, no noise added
            }
            Tensor eps = perImage.randn(shape);
            return scheduler.addNoise(init, eps, timesteps[0]);
        }

        private Tensor denoise(Scheduler scheduler, double[] timesteps, Tensor latents, Tensor hidden,
                               Tensor timestepCond, boolean cfg, PerImageNoise perImage, Tensor control) {
            float g = (float) req.guidanceScale();
            for (int i = 0; i < timesteps.length; i++) {
                cancel.throwIfCancelled("before step " + (i + 1) + " of " + timesteps.length);
                double t = timesteps[i];
                int step = i;
                // scale_model_input is element-wise, so scaling once and doubling equals diffusers' doubling first
                Tensor in = scheduler.scaleModelInput(latents, t);
                Tensor unetIn = cfg ? Tensor.concat(in, in) : in;
                ControlResiduals residuals = control == null ? null
                        : callModel(controlNet, () -> controlNet.residuals(unetIn, t, hidden, control,
                                req.controlScaleAt(step, timesteps.length)));
                Tensor out = callModel(unet, () -> residuals == null
                        ? unet.predict(unetIn, t, hidden, timestepCond)
                        : unet.predict(unetIn, t, hidden, timestepCond, residuals));
                if (!Arrays.equals(out.shape(), unetIn.shape())) {
                    throw new IllegalStateException("the UNet returned shape " + Arrays.toString(out.shape())
                            + " for input " + Arrays.toString(unetIn.shape()));
                }
                Tensor pred = cfg ? guide(out, g) : out;
                latents = scheduler.step(pred, t, latents, perImage).prevSample();
                listener.stepFinished(new StepEvent(i + 1, timesteps.length, t, System.nanoTime() - start));
            }
            return latents;
        }

        private Tensor decode(Tensor latents) {
            float sf = vae.scalingFactor();
            int batch = latents.dim(0);
            Tensor[] images = new Tensor[batch];
            for (int i = 0; i < batch; i++) {
                if (i > 0) {
                    cancel.throwIfCancelled("before decoding image " + (i + 1) + " of " + batch);
                }
                float[] src = latents.slice(i, i + 1).data();
                float[] scaled = new float[src.length];
                for (int k = 0; k < src.length; k++) {
                    scaled[k] = src[k] / sf; // diffusers divides (not × 1/sf): keep the same rounding
                }
                int[] s = latents.shape();
                s[0] = 1;
                Tensor one = new Tensor(s, scaled);
                images[i] = callModel(vae, () -> vae.decode(one));
            }
            // one image: hand the decoder's array over instead of copying a full-size image again
            return batch == 1 ? images[0] : Tensor.concat(images);
        }

        private <T> T timed(Phase phase, java.util.function.Supplier<T> body) {
            listener.phaseStarted(phase);
            long t0 = System.nanoTime();
            T out = body.get();
            long dt = System.nanoTime() - t0;
            phaseNanos[phase.ordinal()] += dt;
            listener.phaseFinished(phase, dt);
            return out;
        }

        private <T> T callModel(Object component, java.util.function.Supplier<T> call) {
            long rt0 = component instanceof TimedComponent tc ? tc.runtimeNanos() : 0;
            long t0 = System.nanoTime();
            T out = call.get();
            long dt = System.nanoTime() - t0;
            modelCallNanos += dt;
            runtimeNanos += component instanceof TimedComponent tc ? tc.runtimeNanos() - rt0 : dt;
            return out;
        }
    }

    /** {@code uncond + g·(cond − uncond)} over the two halves of a CFG batch, in float32 as torch does. */
    static Tensor guide(Tensor doubled, float g) {
        int[] shape = doubled.shape();
        int half = shape[0] / 2;
        shape[0] = half;
        float[] d = doubled.data();
        int n = d.length / 2;
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            float uncond = d[k];
            float text = d[n + k];
            out[k] = uncond + g * (text - uncond);
        }
        return new Tensor(shape, out);
    }

    private static Tensor scale(Tensor t, float factor) {
        float[] src = t.data();
        float[] out = new float[src.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = src[i] * factor;
        }
        return new Tensor(t.shape(), out);
    }
}
