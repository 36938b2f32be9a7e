package apprentice.core.adaptive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import apprentice.core.image.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of calibration: the oracle's scores of student drafts on a prompt set, made with stated student
 * settings. τ(k) is the k-th percentile of those scores (numpy's linear rule), so about k% of drafts made
 * with the same settings score below it and go to the teacher.
 *
 * <p>JSON layout ({@code format} {@value #FORMAT}): {@code student} (model, steps, guidance, scheduler, width,
 * height, negative_prompt, best_of, strength), {@code oracle}, {@code prompts} (count, sha256, source),
 * {@code seeds} (base, rule), {@code n}, {@code percentiles} ("1".."99"), {@code scores} (every score, in prompt
 * order, so any k — not only whole percentiles — is exact), {@code created}.
 *
 * @param student the student settings the drafts were made with
 * @param oracle the oracle's {@link apprentice.core.oracle.Oracle#name()}
 * @param promptCount number of prompts
 * @param promptSha256 hash of the prompt set ({@link PromptFile#sha256})
 * @param promptSource where the prompts came from (a file name), informational
 * @param baseSeed image i's seed is base + i
 * @param scores the best-of-n score of each prompt's draft, in prompt order
 * @param created ISO-8601 time of the calibration, informational
 */
public record CalibrationFile(StudentSettings student, String oracle, int promptCount, String promptSha256,
                              String promptSource, long baseSeed, double[] scores, String created) {
    public static final String FORMAT = "apprentice-calibration/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CalibrationFile {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(oracle, "oracle");
        scores = scores.clone();
        if (scores.length == 0) {
            throw new IllegalArgumentException("a calibration needs at least one score");
        }
        for (double s : scores) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("calibration score " + s + " is not finite: the oracle returned NaN or ∞");
            }
        }
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    public int n() {
        return scores.length;
    }

    /** τ(k): the k-th percentile of the scores, for 0 &lt; k &lt; 100. */
    public double tau(double k) {
        Gate.checkK(k, "k");
        return Percentiles.of(scores, k);
    }

    /** A gate keeping drafts scoring ≥ τ(k), marking those under τ(kLow) for regeneration (kLow NaN: none). */
    public FixedGate gate(double k, double kLow) {
        double tauLow = Double.NaN;
        if (!Double.isNaN(kLow)) {
            Gate.checkK(kLow, "the regenerate percentile");
            if (kLow >= k) {
                throw new IllegalArgumentException("the regenerate percentile " + kLow + " must be below k " + k);
            }
            tauLow = Percentiles.of(scores, kLow);
        }
        return new FixedGate(tau(k), tauLow, k, "calibrated");
    }

    /** Percentiles 1..99. */
    public double[] percentiles() {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double[] p = new double[99];
        for (int q = 1; q <= 99; q++) {
            p[q - 1] = Percentiles.ofSorted(sorted, q);
        }
        return p;
    }

    /**
     * Checks that generation uses the settings this calibration was made with, and the same oracle.
     *
     * @throws IllegalArgumentException naming the first setting that differs, its two values and how to fix it
     */
    public void checkCompatible(StudentSettings generation, String oracleName) {
        List<String> problems = differences(generation, oracleName);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** One message per differing setting (empty when compatible). */
    public List<String> differences(StudentSettings g, String oracleName) {
        List<String> out = new ArrayList<>();
        StudentSettings c = student;
        if (!c.model().equals(g.model())) {
            out.add(mismatch("student model", c.model(), g.model(), "--model " + g.model(), "--model " + c.model()));
        }
        if (c.steps() != g.steps()) {
            out.add(mismatch("student steps", c.steps(), g.steps(), "--steps " + g.steps(), "--steps " + c.steps()));
        }
        if (Double.compare(c.guidanceScale(), g.guidanceScale()) != 0) {
            String cg = StudentSettings.number(c.guidanceScale());
            String gg = StudentSettings.number(g.guidanceScale());
            out.add(mismatch("student guidance", cg, gg, "--guidance " + gg, "--guidance " + cg));
        }
        if (!Objects.equals(c.scheduler(), g.scheduler())) {
            out.add(mismatch("student scheduler", c.schedulerLabel(), g.schedulerLabel(),
                    g.scheduler() == null ? "no --scheduler" : "--scheduler " + g.scheduler(),
                    c.scheduler() == null ? "no --scheduler" : "--scheduler " + c.scheduler()));
        }
        if (c.width() != g.width() || c.height() != g.height()) {
            String cs = c.width() + "x" + c.height();
            String gs = g.width() + "x" + g.height();
            out.add(mismatch("image size", cs, gs, "--size " + gs, "--size " + cs));
        }
        if (!c.negativePrompt().equals(g.negativePrompt())) {
            out.add(mismatch("negative prompt", "'" + c.negativePrompt() + "'", "'" + g.negativePrompt() + "'",
                    "--negative-prompt '" + g.negativePrompt() + "'", "--negative-prompt '" + c.negativePrompt() + "'"));
        }
        if (c.bestOf() != g.bestOf()) {
            out.add(mismatch("best-of", c.bestOf(), g.bestOf(), "--best-of " + g.bestOf(), "--best-of " + c.bestOf()));
        }
        if (Double.compare(c.strength(), g.strength()) != 0) {
            String cs = c.isEdit() ? "edit strength " + c.strength() : "text-to-image";
            String gs = g.isEdit() ? "edit strength " + g.strength() : "text-to-image";
            out.add("calibration was made for " + cs + " but generation uses " + gs
                    + ": calibrate with the same mode and strength as generation");
        }
        if (!oracle.equals(oracleName)) {
            out.add(mismatch("oracle", oracle, oracleName, "--oracle <the folder of " + oracleName + ">",
                    "--oracle <the folder of " + oracle + ">"));
        }
        return out;
    }

    private static String mismatch(String what, Object calibrated, Object generating, String recalibrate, String instead) {
        return "calibration was made with " + what + " " + calibrated + " but generation uses " + generating
                + ": recalibrate with `apprentice calibrate " + recalibrate + "` or generate with " + instead;
    }

    // ---- JSON ----

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("created", created);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", student.model());
        s.put("steps", student.steps());
        s.put("guidance", student.guidanceScale());
        s.put("scheduler", student.scheduler());
        s.put("width", student.width());
        s.put("height", student.height());
        s.put("negative_prompt", student.negativePrompt());
        s.put("best_of", student.bestOf());
        s.put("strength", student.isEdit() ? student.strength() : null);
        s.put("strength_convention", student.isEdit() ? TeacherSettings.STRENGTH_CONVENTION : null);
        m.put("student", s);
        m.put("oracle", oracle);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", promptCount);
        p.put("sha256", promptSha256);
        p.put("source", promptSource);
        m.put("prompts", p);
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("base", baseSeed);
        seeds.put("rule", "prompt i uses seed base + i; best-of candidates j > 0 use DerivedSeeds.candidate(seed, j)");
        m.put("seeds", seeds);
        m.put("n", scores.length);
        Map<String, Object> pct = new LinkedHashMap<>();
        double[] ps = percentiles();
        for (int q = 1; q <= 99; q++) {
            pct.put(Integer.toString(q), ps[q - 1]);
        }
        m.put("percentiles", pct);
        m.put("scores", scores);
        return m;
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            byte[] json = JSON.writeValueAsBytes(toJson());
            // the shared atomic writer: temp file + fsync + rename, cleaned up on failure, readable permissions
            AtomicFiles.write(file, out -> out.write(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write calibration file " + file + ": " + e.getMessage(), e);
        }
    }

    public static CalibrationFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("calibration file " + file + " does not exist: make one with `apprentice calibrate`");
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("calibration file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not an apprentice calibration file (format '"
                    + (n == null ? "" : n.path("format").asText()) + "', expected '" + FORMAT + "'): make one with `apprentice calibrate`");
        }
        try {
            JsonNode s = require(n, "student", file);
            JsonNode sched = s.get("scheduler");
            JsonNode strength = s.get("strength");
            StudentSettings student = new StudentSettings(require(s, "model", file).asText(), require(s, "steps", file).asInt(),
                    require(s, "guidance", file).asDouble(), sched == null || sched.isNull() ? null : sched.asText(),
                    require(s, "width", file).asInt(), require(s, "height", file).asInt(),
                    s.path("negative_prompt").asText(""), s.path("best_of").asInt(1),
                    strength == null || strength.isNull() ? Double.NaN : strength.asDouble());
            JsonNode scoresNode = require(n, "scores", file);
            double[] scores = new double[scoresNode.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = scoresNode.get(i).asDouble();
            }
            JsonNode prompts = n.path("prompts");
            return new CalibrationFile(student, require(n, "oracle", file).asText(), prompts.path("count").asInt(scores.length),
                    prompts.path("sha256").asText(""), prompts.path("source").asText(""), n.path("seeds").path("base").asLong(0),
                    scores, n.path("created").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("calibration file " + file + " is invalid: " + e.getMessage(), e);
        }
    }

    private static JsonNode require(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationFile c && student.equals(c.student) && oracle.equals(c.oracle)
                && promptCount == c.promptCount && Objects.equals(promptSha256, c.promptSha256) && baseSeed == c.baseSeed
                && Arrays.equals(scores, c.scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(student, oracle, promptCount, promptSha256, baseSeed, Arrays.hashCode(scores));
    }
}
