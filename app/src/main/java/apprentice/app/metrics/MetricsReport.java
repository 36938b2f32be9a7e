package apprentice.app.metrics;

import apprentice.core.image.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the metrics as {@code family.json} (everything, machine-readable) and {@code family.md} (tables and explanations). */
public final class MetricsReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Context of a run, recorded beside the numbers.
     *
     * @param command the command line that produced the report
     * @param models the family folder
     * @param validationFolder the validation set folder
     * @param validationSize images in the whole validation set
     * @param machine a one-line description of the machine and runtime
     * @param wallSeconds the whole run's wall time
     * @param gridRows the grid's rows (their prompts are listed in family.md)
     */
    /** @param referenceFolder the reference set of trained emoji's real images as shown, or null when none was used */
    public record Context(String command, String models, String validationFolder, int validationSize, String machine,
                          double wallSeconds, List<SampleGrid.GridRow> gridRows, List<SamplerSpec> samplers,
                          String referenceFolder) {
    }

    private MetricsReport() {
    }

    public static JsonNode json(FamilyMetrics.Result result, Context context) {
        ObjectNode root = JSON.createObjectNode();
        root.put("command", context.command());
        root.put("models", context.models());
        root.put("validation", context.validationFolder());
        root.put("validationImages", context.validationSize());
        root.put("reference", context.referenceFolder());
        root.put("machine", context.machine());
        root.put("wallSeconds", context.wallSeconds());
        ObjectNode body = JSON.valueToTree(result);
        root.setAll(body);
        ArrayNode grid = root.putArray("grid");
        for (SampleGrid.GridRow r : context.gridRows()) {
            grid.add(JSON.valueToTree(r));
        }
        return finiteOrNull(root);
    }

    /** JSON has no NaN or infinity: such values (e.g. the PSNR of a perfect reconstruction) are written as null. */
    static JsonNode finiteOrNull(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isFloatingPointNumber() && !Double.isFinite(e.getValue().asDouble())) {
                    e.setValue(o.nullNode());
                } else {
                    finiteOrNull(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isFloatingPointNumber() && !Double.isFinite(a.get(i).asDouble())) {
                    a.set(i, a.nullNode());
                } else {
                    finiteOrNull(a.get(i));
                }
            }
        }
        return node;
    }

    public static String markdown(FamilyMetrics.Result r, Context c) {
        StringBuilder md = new StringBuilder();
        md.append("# Metrics of the built-in model family\n\n");
        md.append("Regenerate with (from the repository root):\n\n```\n").append(c.command()).append("\n```\n\n");
        String which = r.images() == c.validationSize() ? "all " + r.images() : "the first " + r.images() + " of the " + c.validationSize();
        md.append(String.format(Locale.ROOT, "Models: `%s`. Real images: %s held-out validation images in `%s` "
                + "(both vendors' renderings of emoji no model was trained on). Seed %d: validation image i is drawn with seed %d + i "
                + "by every sampler, from its label as the prompt. Wall time of the run: %.0f s (a quick check: add `--limit 32`).%n%n",
                c.models(), which, c.validationFolder(), r.seed(), r.seed(), c.wallSeconds()));
        md.append("Machine: ").append(c.machine()).append("\n\n");
        FamilyMetrics.AutoencoderResult ae = r.autoencoder();
        md.append("## Autoencoder and oracle\n\n| metric | value |\n|---|---|\n");
        md.append(String.format(Locale.ROOT, "| autoencoder PSNR (%s VAE, encode mean → decode, %d images) | %s dB mean per image, %s dB pooled, worst image %s dB |%n",
                ae.model(), ae.images(), f2(ae.meanPsnrDb()), f2(ae.pooledPsnrDb()), f2(ae.worstPsnrDb())));
        for (FamilyMetrics.ZeroShotResult z : r.zeroShot()) {
            md.append(String.format(Locale.ROOT, "| oracle zero-shot image → %s label (%d images, %d labels) | top-1 %.1f %%, top-5 %.1f %% |%n",
                    z.language().equals("en") ? "English" : "Japanese", z.images(), z.classes(), 100 * z.top1(), 100 * z.top5()));
        }
        if (r.vendorFrechetDistance() != null) {
            md.append(String.format(Locale.ROOT, "| FD between the two vendors' real renderings (Noto vs Twemoji) | %.3f |%n", r.vendorFrechetDistance()));
        }
        md.append("\n## Samplers against the real validation images\n\n");
        md.append("| images from | prompts | images | CLIP score ↑ | FD to real ↓ | recognised top-1 / top-5 ↑ | UNet evals / image | median s / image (batch) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (FamilyMetrics.Row row : r.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %s | %.1f %% / %.1f %% | %s | %s |%n", row.name(),
                    row.language().equals("en") ? "English labels" : "Japanese labels", row.images(), row.clipScore(),
                    row.frechetDistance() == null ? (row.model() == null ? "0 (reference)" : "n/a") : String.format(Locale.ROOT, "%.3f", row.frechetDistance()),
                    100 * row.recognitionTop1(), 100 * row.recognitionTop5(),
                    row.nfe() == null ? "—" : row.nfe() + (Boolean.TRUE.equals(row.classifierFreeGuidance()) ? " (CFG: ×2 batch)" : ""),
                    row.medianSecondsPerImage() == null ? "—" : String.format(Locale.ROOT, "%.4f (%d)", row.medianSecondsPerImage(), row.batch())));
        }
        if (!r.trained().isEmpty()) {
            trainedSection(md, r, c);
        }
        md.append("\nSamplers: ");
        for (int i = 0; i < c.samplers().size(); i++) {
            SamplerSpec s = c.samplers().get(i);
            md.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s = `%s` model, %s scheduler, %d steps, guidance %s",
                    s.name(), s.role(), s.scheduler(), s.steps(), trim(s.guidance())));
        }
        md.append(".\n\n## What the numbers mean\n\n");
        md.append("""
                * **Autoencoder PSNR**: each real image is encoded (posterior mean), decoded and compared in [0, 1] pixel units:
                  10·log10(1 / MSE). Mean of per-image values; *pooled* is the PSNR of the mean MSE. Higher is better; it bounds
                  how sharp any generated image can be.
                * **Oracle zero-shot accuracy**: each real image's oracle embedding is compared (cosine) with the embeddings of
                  every distinct validation label; top-k = share of images whose own label is among the k most similar.
                  Measures how well the oracle (which scores drafts in adaptive generation) ties images to text.
                * **CLIP score** (torchmetrics' definition): 100 · max(cos(image embedding, text embedding), 0), averaged over
                  images, each against its own prompt, in the family's own oracle (not OpenAI CLIP, so values are not comparable
                  with published CLIP scores). The *real validation images* row is the same score for the real images with
                  their labels: the level a perfect generator would reach in this oracle's eyes.
                * **FD to real**: Fréchet distance between Gaussians fitted to the oracle's (unit-length) image embeddings of
                  the generated images and of the real images of the same prompts: |μ₁−μ₂|² + Tr(Σ₁+Σ₂−2(Σ₁^½Σ₂Σ₁^½)^½), the FID
                  formula in the oracle's embedding space (not Inception's, so not comparable with published FID). Lower is
                  closer to the real distribution; the vendor-to-vendor FD above gives a scale for two real sets.
                * **Recognised top-1 / top-5**: the zero-shot test above applied to the generated images: the share whose
                  own prompt is the oracle's first (top-1) or among its five best labels of the same label set. For the real
                  images it is the oracle's zero-shot accuracy, the level a perfect generator would reach; it asks "which
                  emoji is this?", where the CLIP score only asks how well the image matches its own prompt.
                * **UNet evals / image**: UNet evaluations per image as the pipeline counts them (classifier-free guidance
                  runs a doubled batch but counts once). **Median s / image**: wall time of each pipeline call (text encoding,
                  denoising, VAE decoding) divided by the images in it, median over the calls; the oracle's time is excluded.
                * Generated images are quantised to 8 bits (as saved PNGs) before the oracle sees them, like the real images.
                """);
        md.append("\n## Sample grid\n\n![sample grid](grid.png)\n\n");
        md.append("Rows of `grid.png`, top to bottom. *Held out*: validation emoji the family never trained on (the real"
                + " column shows the validation image with that label). *Trained*: popular emoji of the training split,"
                + " chosen for variety, not for how well they come out ("
                + (c.referenceFolder() != null ? "the real column shows a training image from `" + c.referenceFolder() + "`"
                        : "no real image shown: no reference set was given") + "). Row r of each section and language uses seed ")
                .append(r.seed()).append(" + r.\n\n");
        for (int i = 0; i < c.gridRows().size(); i++) {
            SampleGrid.GridRow g = c.gridRows().get(i);
            md.append(i + 1).append(". [").append(g.language()).append(", ").append(g.section()).append("] ")
                    .append(g.prompt()).append('\n');
        }
        return md.toString();
    }

    private static void trainedSection(StringBuilder md, FamilyMetrics.Result r, Context c) {
        FamilyMetrics.TrainedRow last = r.trained().get(r.trained().size() - 1);
        boolean nearest = last.nearestRealImages() != null;
        md.append(String.format(Locale.ROOT, "%n## Samplers on trained emoji%n%nOne image per label of %d trained emoji"
                + " (English, the family's calibration prompts unless `--trained-prompts` says otherwise), image i with"
                + " seed %d + i; recognised = the oracle's text tower puts the prompted label first (top-1) or among its 5 best"
                + " (top-5) of these %d labels; chance is %.1f %% / %.1f %%.",
                last.classes(), r.seed(), last.classes(), 100.0 / last.classes(), 500.0 / last.classes()));
        if (nearest) {
            md.append(String.format(Locale.ROOT, " *Nearest real*: the same question asked image to image, without the text"
                    + " tower (whose copy conditions the family's UNets and so may favour its own wording): is the real"
                    + " training image most similar to the generated one (oracle image embedding, cosine) a rendering of the"
                    + " prompted emoji? Real images: `%s`, every vendor's rendering of each label; the real row matches each"
                    + " real image with the others (leave one out), so it asks whether the two vendors' drawings of an emoji"
                    + " are each other's nearest.", c.referenceFolder()));
        }
        md.append(" Too few images per label for an FD.\n\n");
        md.append(nearest ? "| images from | images | CLIP score ↑ | recognised top-1 / top-5 ↑ | nearest real top-1 / top-5 ↑ |\n|---|---|---|---|---|\n"
                : "| images from | images | CLIP score ↑ | recognised top-1 / top-5 ↑ |\n|---|---|---|---|\n");
        for (FamilyMetrics.TrainedRow row : r.trained()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f %% / %.1f %% |", row.name(), row.images(),
                    row.clipScore(), 100 * row.recognitionTop1(), 100 * row.recognitionTop5()));
            if (nearest) {
                md.append(row.nearestRealTop1() == null ? " n/a |" : String.format(Locale.ROOT, " %.1f %% / %.1f %% (%d images) |",
                        100 * row.nearestRealTop1(), 100 * row.nearestRealTop5(), row.nearestRealImages()));
            }
            md.append('\n');
        }
    }

    public static void write(Path folder, FamilyMetrics.Result result, Context context) throws IOException {
        String json = JSON.writeValueAsString(json(result, context)) + "\n";
        AtomicFiles.write(folder.resolve("family.json"), o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
        String md = markdown(result, context);
        AtomicFiles.write(folder.resolve("family.md"), o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
    }

    private static String f2(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : (v > 0 ? "∞ (identical)" : "n/a");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
