package apprentice.core.pipeline;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.Denoiser;
import apprentice.core.model.TextEncoder;
import apprentice.core.scheduler.SchedulerConfig;

/**
 * The parts of one text-to-image model, as a model folder provides them. Closing it closes the
 * text encoder, UNet and VAE (and, with them, their runtime sessions).
 *
 * @param tokenizer prompt text to padded ids
 * @param textEncoder ids to hidden states
 * @param unet the denoiser
 * @param vae the autoencoder (its encoder may be absent when the folder has none; then img2img fails clearly)
 * @param schedulerConfig the folder's {@code scheduler/scheduler_config.json}
 * @param name a display name (the folder's name)
 * @param defaultImageSize image side in pixels used when a request gives none (UNet {@code sample_size} × VAE factor)
 */
public record ModelComponents(
        PromptTokenizer tokenizer,
        TextEncoder textEncoder,
        Denoiser unet,
        Autoencoder vae,
        SchedulerConfig schedulerConfig,
        String name,
        int defaultImageSize) implements AutoCloseable {

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : new AutoCloseable[] {textEncoder, unet, vae}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException("closing " + name + " failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
