package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.PipelineFakes;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptivePipelineTest {
    static final int SIZE = 8;
    final PipelineFakes studentModel = new PipelineFakes(true);
    final PipelineFakes teacherModel = new PipelineFakes(true);
    final ScriptedOracle oracle = new ScriptedOracle();

    StudentSettings student(int bestOf) {
        return StudentSettings.textToImage("student", 4, 1.0, null, SIZE, SIZE).withBestOf(bestOf);
    }

    TeacherSettings teacher() {
        // n = 6 real steps at strength 0.5: the scheduler is asked for int(6/0.5 + 1) = 13, int(13·0.5) = 6 run
        return new TeacherSettings("teacher", 6, 3.0, null, 0.5, "");
    }

    AdaptivePipeline pipeline(int bestOf, AdaptivePipeline.Options options) {
        return new AdaptivePipeline(new StudentStage(studentModel.pipeline(), student(bestOf)),
                new TeacherStage(teacherModel.pipeline(), teacher()), oracle, options);
    }

    static List<Long> seeds(int n, long base) {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(base + i);
        }
        return s;
    }

    @Test
    void draftsAtOrAboveTauAreKeptAndBelowAreAlwaysRefined() {
        List<String> prompts = List.of("a@0.9", "b@0.1", "c@0.502", "d@0.498", "e@0.51", "f@0.0", "g@1.0");
        AdaptiveResult r = pipeline(1, AdaptivePipeline.Options.defaults().withBatches(3, 2))
                .generate(prompts, seeds(prompts.size(), 100), new FixedGate(0.5, Double.NaN, 50, "fixed"));
        List<String> sent = new ArrayList<>();
        for (AdaptiveImage img : r.images()) {
            AdaptiveRecord rec = img.record();
            boolean above = rec.score() >= 0.5;
            assertEquals(above ? Route.KEPT : Route.REFINED, rec.route(), rec.prompt());
            assertEquals(ScriptedOracle.base(rec.prompt()) >= 0.5, above, "the fake's pixel term never crosses τ");
            if (!above) {
                sent.add(rec.prompt());
                assertEquals(DerivedSeeds.teacher(rec.studentSeed()), rec.teacherSeed());
            } else {
                assertNull(rec.teacherSeed());
                assertEquals(0, rec.teacherNfe());
            }
        }
        assertEquals(List.of("b@0.1", "d@0.498", "f@0.0"), sent);
        assertEquals(3, r.count(Route.REFINED));
        assertEquals(4, r.count(Route.KEPT));
        // teacher batches of up to 2: [b, d] then [f] at the end, 6 real steps each
        assertEquals(12, teacherModel.unetCalls());
        assertEquals(List.of(2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1).stream().map(x -> 2 * x).toList(),
                teacherModel.unetBatchSizes(), "teacher guidance 3 doubles the batch (CFG), a step still counts once");
        // student: 3 draft batches (3, 3, 1 images), 4 steps each, guidance 1 → no CFG
        assertEquals(12, studentModel.unetCalls());
        assertEquals(List.of(3, 3, 1), oracle.batchSizes);
    }

    @Test
    void nfeArithmeticAndTeacherStepRequest() {
        List<String> prompts = List.of("a@0.9", "b@0.1", "c@0.2", "d@0.8");
        AdaptiveResult r = pipeline(2, AdaptivePipeline.Options.defaults())
                .generate(prompts, seeds(4, 7), new FixedGate(0.5, Double.NaN, 50, "fixed"));
        for (AdaptiveImage img : r.images()) {
            AdaptiveRecord rec = img.record();
            assertEquals(8, rec.studentNfe(), "4 steps × best-of 2");
            if (rec.sentToTeacher()) {
                assertEquals(13, rec.teacherStepsRequested(), "int(6/0.5 + 1)");
                assertEquals(6, rec.teacherNfe(), "int(13·0.5) steps actually run");
                assertEquals(0.5, rec.teacherStrength());
                assertEquals(14, rec.nfe());
            } else {
                assertEquals(8, rec.nfe());
            }
        }
        assertEquals(50.0, r.realisedShare());
        @SuppressWarnings("unchecked")
        var refined = (java.util.Map<String, Object>) r.byRoute().get("refined");
        assertEquals(2, refined.get("count"));
        assertEquals(14.0, refined.get("mean_nfe"));
        assertNull(refined.get("mean_final_score"), "teacher outputs were not scored");
        assertEquals((8 + 8 + 14 + 14) / 4.0, r.averageNfe());
        assertEquals(r.averageNfe(), Budget.averageNfe(student(2), teacher(), TeacherMode.REFINE, 50, Double.NaN), 1e-12,
                "measured average NFE equals the formula student + k/100 · teacher");
        // the student drew 8 candidates (4 images × 2) in one batch, 4 steps
        assertEquals(List.of(8, 8, 8, 8), studentModel.unetBatchSizes());
    }

    @Test
    void bestOfChoosesTheHighestScoringCandidateAndRecordsAll() {
        List<String> prompts = List.of("a@0.3", "b@0.7");
        AdaptiveResult r = pipeline(3, AdaptivePipeline.Options.defaults())
                .generate(prompts, seeds(2, 40), new FixedGate(0.5, Double.NaN, 50, "fixed"));
        for (AdaptiveImage img : r.images()) {
            AdaptiveRecord rec = img.record();
            assertEquals(3, rec.candidateSeeds().size());
            assertEquals(rec.imageSeed(), rec.candidateSeeds().get(0));
            double max = rec.candidateScores().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertEquals(max, rec.score());
            assertEquals(rec.candidateSeeds().get(rec.candidateScores().indexOf(max)), rec.studentSeed());
            assertEquals(3, rec.candidateSeeds().stream().distinct().count());
        }
    }

    @Test
    void autoModeRegeneratesVeryBadDraftsAndRefinesTheRest() {
        List<String> prompts = List.of("a@0.9", "b@0.4", "c@0.05", "d@0.2");
        AdaptiveResult r = pipeline(1, AdaptivePipeline.Options.defaults().withMode(TeacherMode.AUTO))
                .generate(prompts, seeds(4, 1), new FixedGate(0.5, 0.1, 50, "fixed"));
        assertEquals(List.of(Route.KEPT, Route.REFINED, Route.REGENERATED, Route.REFINED),
                r.images().stream().map(i -> i.record().route()).toList());
        AdaptiveRecord regen = r.images().get(2).record();
        assertEquals(6, regen.teacherStepsRequested(), "regeneration asks for n steps");
        assertEquals(6, regen.teacherNfe());
        assertTrue(Double.isNaN(regen.teacherStrength()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                pipeline(1, AdaptivePipeline.Options.defaults().withMode(TeacherMode.AUTO))
                        .generate(prompts, seeds(4, 1), new FixedGate(0.5, Double.NaN, 50, "fixed")));
        assertTrue(e.getMessage().contains("lower threshold"), e.getMessage());
    }

    @Test
    void everyRouteIsReproducibleFromItsRecordAlone() {
        List<String> prompts = List.of("a@0.9", "b@0.3", "c@0.05", "d@0.7", "e@0.2");
        AdaptivePipeline p = pipeline(2, AdaptivePipeline.Options.defaults().withMode(TeacherMode.AUTO).withBatches(2, 3));
        AdaptiveResult r = p.generate(prompts, seeds(5, 1000), new FixedGate(0.5, 0.1, 50, "fixed"));
        assertEquals(1, r.count(Route.REGENERATED));
        assertEquals(2, r.count(Route.REFINED));
        // a fresh pipeline over fresh (identical) models, fed only the record
        AdaptivePipeline fresh = new AdaptivePipeline(new StudentStage(new PipelineFakes(true).pipeline(), student(2)),
                new TeacherStage(new PipelineFakes(true).pipeline(), teacher()), new ScriptedOracle(),
                AdaptivePipeline.Options.defaults());
        for (AdaptiveImage img : r.images()) {
            Tensor again = fresh.replay(img.record(), null);
            assertArrayEquals(img.image().data(), again.data(), "image " + img.record().index() + " (" + img.record().route() + ")");
        }
        // and the teacher's noise really depends on the recorded teacher seed
        AdaptiveRecord refined = r.images().get(1).record();
        AdaptiveRecord other = refined.withTeacher(refined.teacherSeed() + 1, 13, 6, 0.5, 0, 0);
        assertNotEquals(java.util.Arrays.toString(r.images().get(1).image().data()),
                java.util.Arrays.toString(fresh.replay(other, null).data()));
    }

    @Test
    void onlineGateRunsWithoutCalibrationAndReportsItsState() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            prompts.add("p" + i + "@" + ((i * 37) % 100) / 100.0);
        }
        OnlineGate gate = new OnlineGate(25, Double.NaN, 20);
        AdaptiveResult r = pipeline(1, AdaptivePipeline.Options.defaults().withBatches(8, 8))
                .run(prompts, seeds(40, 5), null, gate, img -> { }, CancellationToken.none());
        assertEquals(40, r.online().seen());
        assertEquals(r.realisedShare(), r.online().realisedShare(), 1e-9);
        assertTrue(Math.abs(r.realisedShare() - 25) <= 5, "share " + r.realisedShare());
        assertEquals("online", r.images().get(0).record().gate());
    }

    @Test
    void badArgumentsGiveClearErrors() {
        AdaptivePipeline p = pipeline(1, AdaptivePipeline.Options.defaults());
        FixedGate g = new FixedGate(0.5, Double.NaN, 50, "fixed");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.generate(List.of("a"), seeds(2, 0), g))
                .getMessage().contains("one seed per image"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TeacherSettings("t", 6, 3, null, 0, ""))
                .getMessage().contains("diffusers img2img strength"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FixedGate(0.5, 0.6, 50, "fixed"))
                .getMessage().contains("above the keep threshold"));
    }

    @Test
    void recordJsonStatesConventionsAndNfeNote() {
        AdaptiveResult r = pipeline(1, AdaptivePipeline.Options.defaults().withScoreTeacherOutputs(true))
                .generate(List.of("a@0.1"), seeds(1, 3), new FixedGate(0.5, Double.NaN, 50, "fixed"));
        var json = r.images().get(0).record().toJson();
        assertEquals("refined", json.get("route"));
        assertEquals(TeacherSettings.STRENGTH_CONVENTION, json.get("teacher_strength_convention"));
        assertEquals(AdaptiveRecord.NFE_NOTE, json.get("nfe_note"));
        assertEquals(10, json.get("nfe"));
        assertTrue(json.get("final_score") instanceof Double, "teacher output scored on request");
        assertEquals(2, oracle.batchSizes.size(), "drafts, then the teacher's output");
    }
}
