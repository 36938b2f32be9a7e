package apprentice.core.pipeline;

/** The phases of one generation run, in the order they happen. */
public enum Phase {
    /** Tokenise and encode the prompts and negative prompts. */
    TEXT_ENCODE,
    /** image-to-image only: VAE-encode the input image, sample the posterior, add noise. */
    IMAGE_ENCODE,
    /** The scheduler loop with the UNet. */
    DENOISE,
    /** VAE-decode the final latents to images. */
    DECODE
}
