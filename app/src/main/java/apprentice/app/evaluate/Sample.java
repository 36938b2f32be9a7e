package apprentice.app.evaluate;

/**
 * What evaluation keeps of one generated image (the pixels are dropped once measured, so a run of hundreds of prompts
 * times twenty variants stays small).
 *
 * @param score the gate oracle's score of the image against its prompt
 * @param clipScore the CLIP score of the image against its prompt (NaN when not measured)
 * @param embedding the image's embedding for the Fréchet distance (null when not measured)
 * @param nfe UNet evaluations run to make it (a CFG step with the doubled batch counts once)
 * @param seconds wall time to make it: its share of its batch's time
 * @param psnr editing: PSNR to the input image in dB; NaN for text-to-image
 */
public record Sample(double score, double clipScore, float[] embedding, int nfe, double seconds, double psnr) {
}
