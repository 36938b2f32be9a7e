package apprentice.app.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.TeacherSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The curves derived from one bank of per-prompt images: routing, shares, NFE and time arithmetic, student wins. */
class MethodsTest {
    static final int N = 20;
    static EvalSettings settings;
    static SampleBank bank;
    static List<EvalRecord> records;
    static List<MethodSummary> summaries;
    static double[] draftScores = new double[N];

    static Sample sample(double score, int nfe, double seconds) {
        return new Sample(score, score + 0.5, new float[] {(float) score, 1f}, nfe, seconds, Double.NaN);
    }

    @BeforeAll
    static void derive() {
        settings = new EvalSettings(StudentSettings.textToImage("student", 4, 7.5, null, 64, 64), List.of(1, 2),
                new TeacherSettings("teacher", 12, 7.5, null, 0.7, ""), EvalSettings.refineCurve(12), List.of(5, 50), List.of(5), 2,
                List.of(90.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0), 0.6, 0, 8, 500);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            prompts.add("prompt " + i);
        }
        bank = new SampleBank(prompts);
        bank.oracleSecondsPerImage(0.001);
        for (int i = 0; i < N; i++) {
            // prompt i's draft scores i: the gate sends the low indices
            draftScores[i] = i;
            for (int s : List.of(1, 2)) {
                bank.put(Variants.student(s), i, sample(i - 1, s, 0.01 * s));
            }
            bank.put(Variants.student(4), i, sample(i, 4, 0.04));
            bank.put(Variants.candidate(1), i, sample(19 - i, 4, 0.04));
            for (int n : settings.refineSteps()) {
                bank.put(Variants.refine(n), i, sample(100 + n, n, 0.1 * n));
            }
            bank.put(Variants.REFINE_BEST, i, sample(300, 12, 1.2));
            bank.put(Variants.REGENERATE, i, sample(200, 12, 1.5));
            bank.put(Variants.ddim(5), i, sample(5, 5, 0.5));
            bank.put(Variants.ddim(50), i, sample(10, 50, 5));
            bank.put(Variants.dpm(5), i, sample(6, 5, 0.5));
        }
        Thresholds t = new Thresholds(Thresholds.percentilesOf(draftScores), k -> 10.0, "in-sample, for the test");
        records = Methods.generation(bank, settings, t);
        summaries = MethodSummary.of(records, null);
    }

    static MethodSummary summary(String method, double param) {
        return summaries.stream().filter(s -> s.method().equals(method) && s.param() == param).findFirst().orElseThrow();
    }

    static List<EvalRecord> records(String method, double param) {
        return records.stream().filter(r -> r.method().equals(method) && r.param() == param).toList();
    }

    @Test
    void theAdaptiveCurveIsMonotoneInTheTeacherShareAndTheShareIsTheRoutedCount() {
        double previous = -1;
        for (double k : settings.ks()) {
            List<EvalRecord> rs = records(Methods.ADAPTIVE, k);
            assertEquals(N, rs.size());
            long routed = rs.stream().filter(r -> r.route().equals("refined")).count();
            long below = java.util.Arrays.stream(draftScores).filter(s -> s < Thresholds.percentilesOf(draftScores).applyAsDouble(k)).count();
            assertEquals(below, routed, "k = " + k + ": every draft under τ(k) is refined, no other");
            MethodSummary s = summary(Methods.ADAPTIVE, k);
            assertEquals(100.0 * routed / N, s.teacherShare(), 1e-12);
            assertTrue(s.teacherShare() >= previous, "share must not fall as k grows: k = " + k);
            previous = s.teacherShare();
        }
        assertEquals(50.0, summary(Methods.ADAPTIVE, 50).teacherShare(), 1e-12, "in-sample τ(50) sends exactly half");
    }

    @Test
    void averageNfeIsStudentStepsPlusShareTimesTeacherSteps() {
        for (double k : settings.ks()) {
            MethodSummary s = summary(Methods.ADAPTIVE, k);
            assertEquals(4 + s.teacherShare() / 100 * 12, s.avgNfe(), 1e-9, "adaptive refine, k = " + k);
            MethodSummary r = summary(Methods.ADAPTIVE_REGENERATE, k);
            assertEquals(4 + r.teacherShare() / 100 * 12, r.avgNfe(), 1e-9, "regenerate, k = " + k);
            MethodSummary b = summary(Methods.ADAPTIVE_BEST_OF + "-2", k);
            assertEquals(2 * 4 + b.teacherShare() / 100 * 12, b.avgNfe(), 1e-9, "best-of-2 counts both drafts, k = " + k);
            for (EvalRecord rec : records(Methods.ADAPTIVE, k)) {
                assertEquals(rec.route().equals("kept") ? 4 : 16, rec.nfe(), rec.toString());
                double seconds = 0.04 + 0.001 + (rec.route().equals("kept") ? 0 : 1.2);
                assertEquals(seconds, rec.seconds(), 1e-12, "wall time adds the stages the image went through");
            }
        }
        assertEquals(4 + 6, summary(Methods.REFINE_ALL, 6).avgNfe(), 1e-12);
        assertEquals(100.0, summary(Methods.REFINE_ALL, 6).teacherShare(), 1e-12);
        assertEquals(50, summary(Methods.DDIM, 50).avgNfe(), 1e-12);
    }

    @Test
    void routedImagesAreTheComputedOnes() {
        for (EvalRecord r : records(Methods.ADAPTIVE, 50)) {
            assertEquals(r.route().equals("kept") ? r.prompt() : 112, r.score(), 1e-12, r.toString());
        }
        for (EvalRecord r : records(Methods.ADAPTIVE_REGENERATE, 50)) {
            assertEquals(r.route().equals("kept") ? r.prompt() : 200, r.score(), 1e-12, r.toString());
        }
        // auto at k = 60: under τ(30) regenerated, between τ(30) and τ(60) refined
        double lo = Thresholds.percentilesOf(draftScores).applyAsDouble(30);
        double hi = Thresholds.percentilesOf(draftScores).applyAsDouble(60);
        for (EvalRecord r : records(Methods.ADAPTIVE_AUTO, 60)) {
            String expected = r.prompt() < lo ? "regenerated" : r.prompt() < hi ? "refined" : "kept";
            assertEquals(expected, r.route(), r.toString());
        }
        // best-of-2: the better of i and 19 - i is gated against τ = 10 (the test's best-of calibration)
        for (EvalRecord r : records(Methods.ADAPTIVE_BEST_OF + "-2", 50)) {
            double best = Math.max(r.prompt(), 19 - r.prompt());
            assertEquals(best < 10 ? "refined" : "kept", r.route(), r.toString());
            assertEquals(best < 10 ? 300 : best, r.score(), 1e-12);
        }
    }

    @Test
    void theOnlineGateRoutesAsAFreshGateFedTheDraftsInPromptOrder() {
        for (double k : settings.ks()) {
            apprentice.core.adaptive.OnlineGate gate = new apprentice.core.adaptive.OnlineGate(k, Double.NaN, 500);
            List<EvalRecord> rs = records(Methods.ADAPTIVE_ONLINE, k);
            assertEquals(N, rs.size());
            for (EvalRecord r : rs) {
                boolean sent = gate.decide(draftScores[r.prompt()]).toTeacher();
                assertEquals(sent ? "refined" : "kept", r.route(), "k = " + k + ", prompt " + r.prompt());
                assertEquals(sent ? 16 : 4, r.nfe());
            }
        }
    }

    @Test
    void studentWinShareIsCountedFromTheRecords() {
        Claims claims = new Claims(records, summaries, settings, false);
        Paired p = claims.studentWins(EvalRecord::score);
        List<EvalRecord> student = records(Methods.STUDENT, 4);
        List<EvalRecord> teacher = records(Methods.DDIM, 50);
        int wins = 0;
        for (int i = 0; i < N; i++) {
            wins += student.get(i).score() > teacher.get(i).score() ? 1 : 0;
        }
        assertEquals(9, wins, "draft i beats the teacher's 10 for i = 11..19");
        assertEquals(wins, p.aWins());
        assertEquals(1, p.ties());
        assertEquals(45.0, p.winShare(), 1e-12);
        double[] ci = p.winShareInterval();
        assertTrue(ci[0] < 45 && 45 < ci[1]);
    }

    @Test
    void claimsNameTheirVerdictAndNumbers() {
        List<Claims.Claim> cs = new Claims(records, summaries, settings, false).check();
        assertEquals(3, cs.size());
        // the teacher (10) beats the kept drafts on average? adaptive at 10 NFE: half kept (10..19), half refined (112)
        Claims.Claim vsTeacher = cs.get(1);
        assertTrue(vsTeacher.verdict().startsWith("holds"), vsTeacher.toString());
        assertTrue(vsTeacher.evidence().stream().anyMatch(e -> e.contains("k = 50")), vsTeacher.toString());
        Claims.Claim vsRefine = cs.get(2);
        assertTrue(vsRefine.verdict().startsWith("does not hold"), "refine-all 6 scores 106 on every prompt: " + vsRefine);
    }

    @Test
    void beyondThePaperComparesEachOptionWithAdaptiveRefinementAtTheSameK() {
        List<String> b = new Claims(records, summaries, settings, false).beyondThePaper();
        assertEquals(4, b.size(), b.toString());
        // regeneration (200) beats refinement (112) on every rejected draft
        assertTrue(b.get(0).startsWith("`adaptive-regenerate`") && b.get(0).contains("higher"), b.get(0));
        assertTrue(b.get(2).startsWith("`adaptive-best-of-2`"), b.get(2));
    }

    @Test
    void badKIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new EvalSettings(settings.student(), List.of(1), settings.teacher(), List.of(12), List.of(5), List.of(5), 1, List.of(100.0),
                        0.6, 0, 8, 500));
        assertTrue(e.getMessage().contains("outside (0, 100)"), e.getMessage());
    }
}
