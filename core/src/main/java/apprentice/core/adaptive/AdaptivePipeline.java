package apprentice.core.adaptive;

import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Adaptive teacher–student generation (Starodubcev et al., CVPR 2024, extended): per image the student draws a
 * draft (best of n seeds), the oracle scores it, the {@link Gate} keeps it when the score is ≥ τ, otherwise the
 * teacher refines it (SDEdit from the draft, {@link TeacherSettings} for the strength convention) or regenerates it
 * from fresh noise ({@link TeacherMode}).
 *
 * <p><b>Batching.</b> Drafts are drawn {@code draftBatch} images at a time (all best-of candidates of those images in
 * one student call) and scored in one oracle call; rejected drafts queue up across draft batches and the teacher runs
 * once {@code teacherBatch} are waiting (refinements and regenerations in separate calls), and once more at the end.
 * Every component call is per-image seeded, so an image does not depend on the batch it was in.
 *
 * <p><b>Seeds.</b> Image i has seed s_i. Its best-of candidate j draws from {@link DerivedSeeds#candidate}(s_i, j)
 * (s_i itself for j = 0); the teacher's noise (refinement's posterior sample and re-noising, or regeneration's initial
 * noise) from {@link DerivedSeeds#teacher} of the chosen candidate's seed. All are recorded, and
 * {@link #replay} rebuilds an image from its record alone.
 *
 * <p><b>Cost.</b> Every record counts UNet evaluations actually run (NFE), a CFG step counting once.
 */
public final class AdaptivePipeline {
    private final StudentStage student;
    private final TeacherStage teacher;
    private final Oracle oracle;
    private final Options options;

    /**
     * @param mode what the teacher does with rejected drafts
     * @param draftBatch images per student call (their best-of candidates go in the same call)
     * @param teacherBatch rejected images per teacher call
     * @param scoreTeacherOutputs also score the teacher's outputs (one more oracle call per teacher batch; fills
     *                            {@link AdaptiveRecord#finalScore()}, which evaluation compares per route)
     */
    public record Options(TeacherMode mode, int draftBatch, int teacherBatch, boolean scoreTeacherOutputs) {
        public Options {
            Objects.requireNonNull(mode, "mode");
            if (draftBatch < 1 || teacherBatch < 1) {
                throw new IllegalArgumentException("batch sizes must be at least 1, got draft " + draftBatch + ", teacher " + teacherBatch);
            }
        }

        public static Options defaults() {
            return new Options(TeacherMode.REFINE, 4, 4, false);
        }

        public Options withMode(TeacherMode m) {
            return new Options(m, draftBatch, teacherBatch, scoreTeacherOutputs);
        }

        public Options withBatches(int draft, int teacherImages) {
            return new Options(mode, draft, teacherImages, scoreTeacherOutputs);
        }

        public Options withScoreTeacherOutputs(boolean score) {
            return new Options(mode, draftBatch, teacherBatch, score);
        }
    }

    public AdaptivePipeline(StudentStage student, TeacherStage teacher, Oracle oracle, Options options) {
        this.student = Objects.requireNonNull(student, "student");
        this.teacher = Objects.requireNonNull(teacher, "teacher");
        this.oracle = Objects.requireNonNull(oracle, "oracle");
        this.options = Objects.requireNonNull(options, "options");
        if (student.settings().width() <= 0 || student.settings().height() <= 0) {
            throw new IllegalArgumentException("the student settings need a resolved image size");
        }
    }

    public StudentSettings studentSettings() {
        return student.settings();
    }

    public TeacherSettings teacherSettings() {
        return teacher.settings();
    }

    public Options options() {
        return options;
    }

    public Oracle oracle() {
        return oracle;
    }

    /** Text-to-image for one prompt per image, seeds one per image. */
    public AdaptiveResult generate(List<String> prompts, List<Long> seeds, Gate gate) {
        return run(prompts, seeds, null, gate, img -> { }, CancellationToken.none());
    }

    /**
     * The adaptive loop.
     *
     * @param prompts one prompt per image
     * @param seeds one seed per image
     * @param input editing: the user's image {@code [1, 3, H, W]} (the student settings then carry the edit strength); null for text-to-image
     * @param gate decides in image order; an online gate learns as it goes
     * @param finished called for every finished image (teacher outputs may finish after later kept drafts)
     */
    public AdaptiveResult run(List<String> prompts, List<Long> seeds, Tensor input, Gate gate, Consumer<AdaptiveImage> finished,
                              CancellationToken cancel) {
        Objects.requireNonNull(gate, "gate");
        if (prompts.size() != seeds.size()) {
            throw new IllegalArgumentException("got " + seeds.size() + " seeds for " + prompts.size() + " images: give one seed per image");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompt given: pass at least one prompt");
        }
        if (options.mode() == TeacherMode.AUTO && !gate.hasLowerThreshold()) {
            throw new IllegalArgumentException("teacher mode auto needs a second, lower threshold (the regenerate percentile, "
                    + "e.g. --regenerate-below 10): without it use mode refine or regenerate");
        }
        cancel = cancel == null ? CancellationToken.none() : cancel;
        Run run = new Run(prompts, seeds, input, gate, finished, cancel);
        run.execute();
        return new AdaptiveResult(Arrays.asList(run.done), student.settings(), teacher.settings(), options.mode(), oracle.name(),
                gate instanceof OnlineGate og ? og.state() : null);
    }

    /** A rejected draft waiting for the teacher. */
    private record Pending(AdaptiveRecord record, Tensor draft) {
    }

    private final class Run {
        final List<String> prompts;
        final List<Long> seeds;
        final Tensor input;
        final Gate gate;
        final Consumer<AdaptiveImage> finished;
        final CancellationToken cancel;
        final AdaptiveImage[] done;
        final List<Pending> queue = new ArrayList<>();

        Run(List<String> prompts, List<Long> seeds, Tensor input, Gate gate, Consumer<AdaptiveImage> finished, CancellationToken cancel) {
            this.prompts = prompts;
            this.seeds = seeds;
            this.input = input;
            this.gate = gate;
            this.finished = finished == null ? img -> { } : finished;
            this.cancel = cancel;
            this.done = new AdaptiveImage[prompts.size()];
        }

        void execute() {
            int n = prompts.size();
            for (int start = 0; start < n; start += options.draftBatch()) {
                int end = Math.min(n, start + options.draftBatch());
                DraftRound round = DraftRound.run(student, oracle, prompts, seeds, start, end, input, cancel);
                for (DraftRound.Chosen c : round.chosen) {
                    Gate.Decision d = gate.decide(c.score());
                    Route route = route(d);
                    AdaptiveRecord rec = new AdaptiveRecord(c.index(), prompts.get(c.index()), route, gate.kind(), c.score(),
                            d.tau(), d.tauLow(), d.k(), seeds.get(c.index()), c.candidateSeeds(), c.candidateScores(), c.seed(),
                            null, round.nfePerImage, 0, 0, Double.NaN, route == Route.KEPT ? c.score() : Double.NaN, Double.NaN,
                            round.studentNanos, round.oracleNanos, 0);
                    if (route == Route.KEPT) {
                        finish(c.draft(), rec);
                    } else {
                        queue.add(new Pending(rec, c.draft()));
                        if (queue.size() >= options.teacherBatch()) {
                            flush();
                        }
                    }
                }
            }
            flush();
        }

        private Route route(Gate.Decision d) {
            if (!d.toTeacher()) {
                return Route.KEPT;
            }
            return switch (options.mode()) {
                case REFINE -> Route.REFINED;
                case REGENERATE -> Route.REGENERATED;
                case AUTO -> d.verdict() == Gate.Verdict.TEACHER_LOW ? Route.REGENERATED : Route.REFINED;
            };
        }

        private void flush() {
            List<Pending> batch = new ArrayList<>(queue);
            queue.clear();
            teach(batch.stream().filter(p -> p.record().route() == Route.REFINED).toList(), Route.REFINED);
            teach(batch.stream().filter(p -> p.record().route() == Route.REGENERATED).toList(), Route.REGENERATED);
        }

        private void teach(List<Pending> group, Route route) {
            if (group.isEmpty()) {
                return;
            }
            cancel.throwIfCancelled("before the teacher");
            List<String> ps = new ArrayList<>();
            List<Long> ts = new ArrayList<>();
            for (Pending p : group) {
                ps.add(p.record().prompt());
                ts.add(DerivedSeeds.teacher(p.record().studentSeed()));
            }
            long t0 = System.nanoTime();
            TeacherOutput out = runTeacher(route, ps, ts, group.stream().map(Pending::draft).toArray(Tensor[]::new));
            long t1 = System.nanoTime();
            float[] finals = null;
            if (options.scoreTeacherOutputs()) {
                finals = oracle.score(ps, out.result().images());
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < group.size(); i++) {
                AdaptiveRecord rec = group.get(i).record().withTeacher(ts.get(i), out.requestedSteps(), out.result().nfe(),
                        out.strength(), (t1 - t0) / group.size(), (t2 - t1) / group.size());
                if (finals != null) {
                    rec = rec.withFinalScore(finals[i]);
                }
                finish(out.result().image(i), rec);
            }
        }

        private void finish(Tensor image, AdaptiveRecord rec) {
            if (input != null) {
                rec = rec.withPsnr(ImageSimilarity.psnr(image, 0, input, 0));
            }
            AdaptiveImage img = new AdaptiveImage(image, rec);
            done[rec.index()] = img;
            finished.accept(img);
        }

        private TeacherOutput runTeacher(Route route, List<String> ps, List<Long> ts, Tensor[] drafts) {
            return AdaptivePipeline.this.runTeacher(route, ps, ts, drafts, input, cancel);
        }
    }

    private record TeacherOutput(GenerationResult result, int requestedSteps, double strength) {
    }

    private TeacherOutput runTeacher(Route route, List<String> prompts, List<Long> teacherSeeds, Tensor[] drafts, Tensor input,
                                     CancellationToken cancel) {
        TeacherSettings t = teacher.settings();
        if (route == Route.REFINED) {
            Tensor init = PixelImages.quantise(Tensor.concat(drafts));
            return new TeacherOutput(teacher.refine(prompts, init, teacherSeeds, cancel), t.refineRequestedSteps(), t.refineStrength());
        }
        if (input != null) {
            double s = student.settings().strength();
            return new TeacherOutput(teacher.regenerateEdit(prompts, input, teacherSeeds, s, cancel),
                    TeacherSettings.requestedSteps(t.steps(), s), s);
        }
        StudentSettings s = student.settings();
        return new TeacherOutput(teacher.regenerate(prompts, teacherSeeds, s.width(), s.height(), cancel), t.steps(), Double.NaN);
    }

    /**
     * Rebuilds an image from its record alone (no oracle, no gate): the student draft from the chosen candidate's seed,
     * then, unless it was kept, the teacher with the recorded route and teacher seed. Gives the same pixels as the run
     * that wrote the record, with the same settings and models.
     *
     * @param input editing: the same input image; null for text-to-image
     */
    public Tensor replay(AdaptiveRecord record, Tensor input) {
        CancellationToken none = CancellationToken.none();
        Tensor draft = student.draw(List.of(record.prompt()), List.of(record.studentSeed()), input, none).image(0);
        if (record.route() == Route.KEPT) {
            return draft;
        }
        if (record.teacherSeed() == null) {
            throw new IllegalArgumentException("record " + record.index() + " was sent to the teacher but has no teacher seed");
        }
        return runTeacher(record.route(), List.of(record.prompt()), List.of(record.teacherSeed()), new Tensor[] {draft}, input, none)
                .result().image(0);
    }
}
