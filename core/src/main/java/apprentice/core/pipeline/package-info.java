/**
 * Text-to-image and image-to-image generation over the model interfaces of {@code apprentice.core.model}.
 *
 * <p>Entry points: build a {@link apprentice.core.pipeline.GenerationRequest} (prompts, seeds, steps, guidance,
 * size, scheduler, optional init image with diffusers' img2img {@code strength}, optional initial latents) and
 * call {@link apprentice.core.pipeline.DiffusionPipeline#generate} on a pipeline made from
 * {@link apprentice.core.pipeline.ModelComponents} (e.g. {@code OnnxModelFolder.load} in the onnx module).
 * The {@link apprentice.core.pipeline.GenerationResult} carries the images in [-1, 1], the final latents, the
 * seed of each image, the timesteps run, the NFE (UNet calls; a CFG-doubled batch is one), and
 * {@link apprentice.core.pipeline.PhaseTimings} including time inside the runtime. A
 * {@link apprentice.core.pipeline.ProgressListener} sees phases and steps; a
 * {@link apprentice.core.pipeline.CancellationToken} stops a run between steps.
 *
 * <p>The order of operations and random draws follows diffusers' Stable Diffusion pipelines with one CPU
 * generator per image; {@code PipelineGoldenTest} replays diffusers' recorded scheduler runs through the pipeline.
 */
package apprentice.core.pipeline;
