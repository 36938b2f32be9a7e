package apprentice.app.evaluate;

import apprentice.core.adaptive.OnlineGate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Derives every method's per-prompt records from the images computed once per prompt ({@link SampleBank}): a gated
 * method routes each prompt by its draft's score and picks the already-computed kept draft, refinement or
 * regeneration, so no k costs another model call. NFE and wall time add up the stages the image went through.
 */
public final class Methods {
    public static final String TASK_GENERATE = "generate";
    public static final String TASK_EDIT = "edit";

    public static final String STUDENT = "student";
    public static final String DDIM = "teacher-ddim";
    public static final String DPM = "teacher-dpm++";
    public static final String REFINE_ALL = "refine-all";
    public static final String ADAPTIVE = "adaptive-refine";
    public static final String ADAPTIVE_REGENERATE = "adaptive-regenerate";
    public static final String ADAPTIVE_AUTO = "adaptive-auto";
    public static final String ADAPTIVE_BEST_OF = "adaptive-best-of";
    public static final String ADAPTIVE_ONLINE = "adaptive-online";

    public static final String EDIT_STUDENT = "edit-student";
    public static final String EDIT_TEACHER = "edit-teacher";
    public static final String EDIT_REFINE_ALL = "edit-refine-all";
    public static final String EDIT_ADAPTIVE = "edit-adaptive";

    private Methods() {
    }

    /** Text-to-image: fixed samplers, refine-everything and every gated method at every k. */
    public static List<EvalRecord> generation(SampleBank bank, EvalSettings s, Thresholds t) {
        List<EvalRecord> out = new ArrayList<>();
        for (int steps : s.studentStepCurve()) {
            fixed(out, bank, STUDENT, steps, Variants.student(steps), "student");
        }
        for (int steps : s.ddimSteps()) {
            fixed(out, bank, DDIM, steps, Variants.ddim(steps), "teacher");
        }
        for (int steps : s.dpmSteps()) {
            fixed(out, bank, DPM, steps, Variants.dpm(steps), "teacher");
        }
        String draft = Variants.student(s.student().steps());
        for (int n : s.refineSteps()) {
            for (int i = 0; i < bank.size(); i++) {
                out.add(combine(bank, i, REFINE_ALL, n, "refined", bank.get(draft, i), 0, bank.get(Variants.refine(n), i)));
            }
        }
        String refine = Variants.refine(s.teacher().steps());
        double oracle = bank.oracleSecondsPerImage();
        for (double k : s.ks()) {
            double tau = t.single().applyAsDouble(k);
            double tauLow = t.single().applyAsDouble(k / 2);
            for (int i = 0; i < bank.size(); i++) {
                Sample d = bank.get(draft, i);
                boolean send = d.score() < tau;
                out.add(send ? combine(bank, i, ADAPTIVE, k, "refined", d, oracle, bank.get(refine, i))
                        : combine(bank, i, ADAPTIVE, k, "kept", d, oracle, null));
                out.add(send ? combine(bank, i, ADAPTIVE_REGENERATE, k, "regenerated", d, oracle, bank.get(Variants.REGENERATE, i))
                        : combine(bank, i, ADAPTIVE_REGENERATE, k, "kept", d, oracle, null));
                // auto: the worse half of the rejected drafts (under the k/2-th percentile) is regenerated, the rest refined
                String autoRoute = !send ? "kept" : d.score() < tauLow ? "regenerated" : "refined";
                Sample autoTeacher = !send ? null : bank.get(autoRoute.equals("regenerated") ? Variants.REGENERATE : refine, i);
                out.add(combine(bank, i, ADAPTIVE_AUTO, k, autoRoute, d, oracle, autoTeacher));
            }
            if (s.bestOf() > 1 && t.bestOf() != null) {
                bestOf(out, bank, s, k, t.bestOf(), oracle);
            }
            online(out, bank, s, k, oracle);
        }
        return out;
    }

    private static void bestOf(List<EvalRecord> out, SampleBank bank, EvalSettings s, double k, DoubleUnaryOperator tau, double oracle) {
        double tk = tau.applyAsDouble(k);
        String method = ADAPTIVE_BEST_OF + "-" + s.bestOf();
        for (int i = 0; i < bank.size(); i++) {
            Sample best = bank.get(Variants.student(s.student().steps()), i);
            int nfe = best.nfe();
            double seconds = best.seconds();
            for (int j = 1; j < s.bestOf(); j++) {
                Sample c = bank.get(Variants.candidate(j), i);
                nfe += c.nfe();
                seconds += c.seconds();
                if (c.score() > best.score()) {
                    best = c;
                }
            }
            Sample drafts = new Sample(best.score(), best.clipScore(), best.embedding(), nfe, seconds + (s.bestOf() - 1) * oracle, best.psnr());
            boolean send = best.score() < tk;
            out.add(combine(bank, i, method, k, send ? "refined" : "kept", drafts, oracle, send ? bank.get(Variants.REFINE_BEST, i) : null));
        }
    }

    /** The online gate sees the drafts in prompt order with no calibration and holds the share at k over the run. */
    private static void online(List<EvalRecord> out, SampleBank bank, EvalSettings s, double k, double oracle) {
        OnlineGate gate = new OnlineGate(k, Double.NaN, s.onlineWindow());
        String draft = Variants.student(s.student().steps());
        String refine = Variants.refine(s.teacher().steps());
        for (int i = 0; i < bank.size(); i++) {
            Sample d = bank.get(draft, i);
            boolean send = gate.decide(d.score()).toTeacher();
            out.add(combine(bank, i, ADAPTIVE_ONLINE, k, send ? "refined" : "kept", d, oracle, send ? bank.get(refine, i) : null));
        }
    }

    /**
     * Editing: the student's edit, the teacher's own edit, refine-everything, and the gated edit at every k with τ the k-th
     * percentile of the student edits' own scores (no separate edit calibration set exists; so the realised share is k).
     */
    public static List<EvalRecord> editing(SampleBank bank, EvalSettings s) {
        List<EvalRecord> out = new ArrayList<>();
        int n = s.teacher().steps();
        for (int i = 0; i < bank.size(); i++) {
            out.add(single(bank, i, TASK_EDIT, EDIT_STUDENT, s.student().steps(), "student", bank.get(Variants.EDIT_STUDENT, i)));
            out.add(single(bank, i, TASK_EDIT, EDIT_TEACHER, n, "teacher", bank.get(Variants.EDIT_TEACHER, i)));
            out.add(combine(TASK_EDIT, bank, i, EDIT_REFINE_ALL, n, "refined", bank.get(Variants.EDIT_STUDENT, i), 0,
                    bank.get(Variants.EDIT_REFINE, i)));
        }
        double[] scores = new double[bank.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = bank.get(Variants.EDIT_STUDENT, i).score();
        }
        DoubleUnaryOperator tau = Thresholds.percentilesOf(scores);
        double oracle = bank.oracleSecondsPerImage();
        for (double k : s.ks()) {
            double tk = tau.applyAsDouble(k);
            for (int i = 0; i < bank.size(); i++) {
                Sample d = bank.get(Variants.EDIT_STUDENT, i);
                boolean send = d.score() < tk;
                out.add(combine(TASK_EDIT, bank, i, EDIT_ADAPTIVE, k, send ? "refined" : "kept", d, oracle,
                        send ? bank.get(Variants.EDIT_REFINE, i) : null));
            }
        }
        return out;
    }

    private static void fixed(List<EvalRecord> out, SampleBank bank, String method, int steps, String variant, String route) {
        for (int i = 0; i < bank.size(); i++) {
            out.add(single(bank, i, TASK_GENERATE, method, steps, route, bank.get(variant, i)));
        }
    }

    private static EvalRecord single(SampleBank bank, int i, String task, String method, double param, String route, Sample x) {
        return new EvalRecord(task, i, bank.prompts().get(i), method, param, route, x.score(), x.clipScore(), x.nfe(), x.seconds(),
                x.psnr(), x.embedding());
    }

    private static EvalRecord combine(SampleBank bank, int i, String method, double param, String route, Sample draft, double oracleSeconds,
                                      Sample teacher) {
        return combine(TASK_GENERATE, bank, i, method, param, route, draft, oracleSeconds, teacher);
    }

    /** The final image is the teacher's when there is one, else the draft; costs add up. */
    private static EvalRecord combine(String task, SampleBank bank, int i, String method, double param, String route, Sample draft,
                                      double oracleSeconds, Sample teacher) {
        Sample fin = teacher == null ? draft : teacher;
        int nfe = draft.nfe() + (teacher == null ? 0 : teacher.nfe());
        // to the microsecond, as every measured time (the sum of rounded times would print as 0.0133000000001)
        double seconds = SampleGenerator.round(draft.seconds() + oracleSeconds + (teacher == null ? 0 : teacher.seconds()), 1e6);
        return new EvalRecord(task, i, bank.prompts().get(i), method, param, route, fin.score(), fin.clipScore(), nfe, seconds, fin.psnr(),
                fin.embedding());
    }
}
