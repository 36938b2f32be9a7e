package apprentice.app.evaluate;

import apprentice.core.adaptive.DerivedSeeds;
import apprentice.core.adaptive.ImageSimilarity;
import apprentice.core.adaptive.PixelImages;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.StudentStage;
import apprentice.core.adaptive.TeacherSettings;
import apprentice.core.adaptive.TeacherStage;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Computes every image the evaluation needs, once per prompt, in batches: student drafts at each step count and the
 * best-of candidates, the teacher's refinements of the draft (one per refine step count) and of the best-of choice,
 * the teacher's regeneration from the draft's own initial noise, and the teacher's DDIM and DPM-Solver++ samples from
 * that same noise. Each image is measured ({@link ImageMeasures}) and only the measurements are kept.
 *
 * <p>Wall time per image is its batch's call time divided by the batch size (model calls only; measuring is not counted).
 */
public final class SampleGenerator {
    private final DiffusionPipeline student;
    private final DiffusionPipeline teacher;
    private final ImageMeasures measures;
    private final EvalSettings s;
    private final CancellationToken cancel;

    public SampleGenerator(DiffusionPipeline student, DiffusionPipeline teacher, ImageMeasures measures, EvalSettings settings,
                           CancellationToken cancel) {
        this.student = student;
        this.teacher = teacher;
        this.measures = measures;
        this.s = settings;
        this.cancel = cancel == null ? CancellationToken.none() : cancel;
    }

    /** Progress after each batch: images done of the total. */
    public interface Progress {
        void done(int prompts, int total);
    }

    /** Text-to-image: fills the bank for every prompt. */
    public void generate(SampleBank bank, Progress progress) {
        long oracleNanos = 0;
        int n = bank.size();
        for (int start = 0; start < n; start += s.batch()) {
            int end = Math.min(n, start + s.batch());
            oracleNanos += generateBatch(bank, start, end);
            if (progress != null) {
                progress.done(end, n);
            }
        }
        bank.oracleSecondsPerImage(oracleNanos / 1e9 / n);
    }

    private long generateBatch(SampleBank bank, int start, int end) {
        List<String> prompts = bank.prompts().subList(start, end);
        List<Long> seeds = new ArrayList<>();
        for (int i = start; i < end; i++) {
            seeds.add(s.seed() + i);
        }
        StudentSettings st = s.student();
        Tensor drafts = null;
        for (int steps : s.studentStepCurve()) {
            StudentStage stage = new StudentStage(student, stepsOf(st, steps));
            Timed t = timed(() -> stage.draw(prompts, seeds, null, cancel));
            record(bank, Variants.student(steps), start, prompts, t, null);
            if (steps == st.steps()) {
                drafts = t.result.images();
            }
        }
        // the gate's own cost: one oracle call on the drafts (the measures call it again for every image; this one is timed)
        long o0 = System.nanoTime();
        measures.oracleScores(prompts, drafts);
        long oracleNanos = System.nanoTime() - o0;

        // best-of candidates j >= 1, and which candidate each prompt would choose (first on ties, as DraftRound)
        List<Tensor> candidates = new ArrayList<>();
        candidates.add(drafts);
        List<List<Long>> candidateSeeds = new ArrayList<>();
        candidateSeeds.add(seeds);
        for (int j = 1; j < s.bestOf(); j++) {
            List<Long> cs = new ArrayList<>();
            for (long seed : seeds) {
                cs.add(DerivedSeeds.candidate(seed, j));
            }
            StudentStage stage = new StudentStage(student, st);
            Timed t = timed(() -> stage.draw(prompts, cs, null, cancel));
            record(bank, Variants.candidate(j), start, prompts, t, null);
            candidates.add(t.result.images());
            candidateSeeds.add(cs);
        }

        List<Long> teacherSeeds = seeds.stream().map(DerivedSeeds::teacher).toList();
        Tensor quantised = PixelImages.quantise(drafts);
        for (int n : s.refineSteps()) {
            TeacherStage stage = new TeacherStage(teacher, teacherSteps(n));
            Timed t = timed(() -> stage.refine(prompts, quantised, teacherSeeds, cancel));
            record(bank, Variants.refine(n), start, prompts, t, null);
        }
        if (s.bestOf() > 1) {
            refineBestOf(bank, start, end, prompts, candidates, candidateSeeds);
        }
        TeacherStage regen = new TeacherStage(teacher, s.teacher());
        record(bank, Variants.REGENERATE, start, prompts,
                timed(() -> regen.regenerate(prompts, seeds, st.width(), st.height(), cancel)), null);
        for (int n : s.ddimSteps()) {
            TeacherStage stage = new TeacherStage(teacher, sampler(n, "ddim"));
            record(bank, Variants.ddim(n), start, prompts, timed(() -> stage.regenerate(prompts, seeds, st.width(), st.height(), cancel)), null);
        }
        for (int n : s.dpmSteps()) {
            TeacherStage stage = new TeacherStage(teacher, sampler(n, "dpm++2m"));
            record(bank, Variants.dpm(n), start, prompts, timed(() -> stage.regenerate(prompts, seeds, st.width(), st.height(), cancel)), null);
        }
        return oracleNanos;
    }

    /** The teacher refines each prompt's best-scoring candidate; where that is candidate 0 the refinement already exists. */
    private void refineBestOf(SampleBank bank, int start, int end, List<String> prompts, List<Tensor> candidates,
                              List<List<Long>> candidateSeeds) {
        List<Integer> todo = new ArrayList<>();
        List<Tensor> images = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (int i = start; i < end; i++) {
            int best = 0;
            double bestScore = bank.get(Variants.student(s.student().steps()), i).score();
            for (int j = 1; j < s.bestOf(); j++) {
                double sc = bank.get(Variants.candidate(j), i).score();
                if (sc > bestScore) {
                    best = j;
                    bestScore = sc;
                }
            }
            if (best == 0) {
                bank.put(Variants.REFINE_BEST, i, bank.get(Variants.refine(s.teacher().steps()), i));
            } else {
                todo.add(i);
                images.add(candidates.get(best).slice(i - start, i - start + 1));
                seeds.add(DerivedSeeds.teacher(candidateSeeds.get(best).get(i - start)));
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        List<String> ps = todo.stream().map(i -> bank.prompts().get(i)).toList();
        Tensor init = PixelImages.quantise(Tensor.concat(images.toArray(Tensor[]::new)));
        TeacherStage stage = new TeacherStage(teacher, s.teacher());
        Timed t = timed(() -> stage.refine(ps, init, seeds, cancel));
        float[] scores = measures.oracleScores(ps, t.result.images());
        float[] clip = measures.clipScores(ps, t.result.images());
        float[][] emb = measures.embeddings(t.result.images());
        for (int r = 0; r < todo.size(); r++) {
            bank.put(Variants.REFINE_BEST, todo.get(r), sample(scores[r], clip[r], emb[r], t.result.nfe(), t.seconds / todo.size(), Double.NaN));
        }
    }

    /** An edit case: the input image {@code [1, 3, H, W]} in [-1, 1] and the edit prompt. */
    public record EditCase(Tensor input, String prompt, String source) {
    }

    /**
     * Editing: the student's SDEdit of each input at the edit strength, the teacher's own SDEdit at that strength from the
     * same noise, and the teacher's refinement of the student's edit. PSNR to the input is recorded for each.
     */
    public void edit(SampleBank bank, List<EditCase> cases, Progress progress) {
        if (cases.size() != bank.size()) {
            throw new IllegalArgumentException(cases.size() + " edit cases for " + bank.size() + " prompts");
        }
        long oracleNanos = 0;
        StudentSettings st = s.student().withStrength(s.editStrength());
        for (int start = 0; start < cases.size(); start += s.batch()) {
            int end = Math.min(cases.size(), start + s.batch());
            List<String> prompts = bank.prompts().subList(start, end);
            Tensor inputs = Tensor.concat(cases.subList(start, end).stream().map(EditCase::input).toArray(Tensor[]::new));
            List<Long> seeds = new ArrayList<>();
            for (int i = start; i < end; i++) {
                seeds.add(s.seed() + i);
            }
            List<Long> teacherSeeds = seeds.stream().map(DerivedSeeds::teacher).toList();
            StudentStage stage = new StudentStage(student, st);
            Timed d = timed(() -> stage.draw(prompts, seeds, inputs, cancel));
            record(bank, Variants.EDIT_STUDENT, start, prompts, d, inputs);
            long o0 = System.nanoTime();
            measures.oracleScores(prompts, d.result.images());
            oracleNanos += System.nanoTime() - o0;
            TeacherStage t = new TeacherStage(teacher, s.teacher());
            record(bank, Variants.EDIT_TEACHER, start, prompts,
                    timed(() -> t.regenerateEdit(prompts, inputs, seeds, s.editStrength(), cancel)), inputs);
            Tensor quantised = PixelImages.quantise(d.result.images());
            record(bank, Variants.EDIT_REFINE, start, prompts, timed(() -> t.refine(prompts, quantised, teacherSeeds, cancel)), inputs);
            if (progress != null) {
                progress.done(end, cases.size());
            }
        }
        bank.oracleSecondsPerImage(oracleNanos / 1e9 / cases.size());
    }

    private record Timed(GenerationResult result, double seconds) {
    }

    private Timed timed(Supplier<GenerationResult> call) {
        cancel.throwIfCancelled("evaluation");
        long t0 = System.nanoTime();
        GenerationResult r = call.get();
        return new Timed(r, (System.nanoTime() - t0) / 1e9);
    }

    private void record(SampleBank bank, String variant, int start, List<String> prompts, Timed t, Tensor inputs) {
        Tensor images = t.result.images();
        float[] scores = measures.oracleScores(prompts, images);
        float[] clip = measures.clipScores(prompts, images);
        float[][] emb = measures.embeddings(images);
        int b = prompts.size();
        for (int r = 0; r < b; r++) {
            double psnr = inputs == null ? Double.NaN : ImageSimilarity.psnr(images, r, inputs, r);
            bank.put(variant, start + r, sample(scores[r], clip[r], emb[r], t.result.nfe(), t.seconds / b, psnr));
        }
    }

    /**
     * Scores kept to 4 decimals and times to the microsecond: float32 scores hold no more, and records.jsonl (thousands of
     * lines) stays small; every summary is computed from these same rounded values, so the report matches the file.
     */
    static Sample sample(double score, double clip, float[] embedding, int nfe, double seconds, double psnr) {
        return new Sample(round(score, 1e4), round(clip, 1e4), embedding, nfe, round(seconds, 1e6), round(psnr, 1e4));
    }

    static double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : v;
    }

    private static StudentSettings stepsOf(StudentSettings st, int steps) {
        return new StudentSettings(st.model(), steps, st.guidanceScale(), st.scheduler(), st.width(), st.height(), st.negativePrompt(),
                1, Double.NaN);
    }

    private TeacherSettings teacherSteps(int n) {
        TeacherSettings t = s.teacher();
        return new TeacherSettings(t.model(), n, t.guidanceScale(), t.scheduler(), t.refineStrength(), t.negativePrompt());
    }

    private TeacherSettings sampler(int n, String scheduler) {
        TeacherSettings t = s.teacher();
        return new TeacherSettings(t.model(), n, t.guidanceScale(), scheduler, t.refineStrength(), t.negativePrompt());
    }
}
