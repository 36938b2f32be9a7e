package apprentice.core.adaptive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to one image of an adaptive run: enough to explain the decision, to count the cost, and to
 * reproduce the image ({@link AdaptivePipeline#replay}). The CLI writes {@link #toJson()} into PNG metadata and
 * one JSONL line per image; evaluation groups these records by route.
 *
 * @param index the image's position in the run
 * @param prompt its prompt
 * @param route kept, refined or regenerated
 * @param gate the gate kind ("calibrated", "fixed", "online")
 * @param score the oracle score of the chosen draft
 * @param tau the threshold it was compared with (kept iff score ≥ τ)
 * @param tauLow the regenerate-below threshold, NaN when none
 * @param k the teacher share τ stands for (percent)
 * @param imageSeed the seed the image was requested with
 * @param candidateSeeds the student seeds of the best-of candidates (one when best-of is 1)
 * @param candidateScores their oracle scores, same order
 * @param studentSeed the seed of the chosen draft
 * @param teacherSeed the teacher's noise seed ({@link DerivedSeeds#teacher} of studentSeed), null when kept
 * @param studentNfe UNet evaluations the student ran for this image (all candidates)
 * @param teacherStepsRequested steps asked of the teacher's scheduler ({@code int(n/σ + 1)} for refinement), 0 when kept
 * @param teacherNfe UNet evaluations the teacher actually ran, 0 when kept
 * @param teacherStrength the teacher's img2img strength ({@link TeacherSettings#STRENGTH_CONVENTION}), NaN when it did not run img2img
 * @param finalScore the oracle score of the returned image when it was scored (teacher outputs, on request), else NaN;
 *                   for kept images it equals {@code score}
 * @param psnr editing: PSNR (dB) of the returned image against the input ({@link ImageSimilarity}); NaN otherwise
 * @param studentNanos this image's share of its draft batch's student wall time
 * @param oracleNanos its share of the oracle's wall time (drafts, and teacher outputs when scored)
 * @param teacherNanos its share of its teacher batch's wall time, 0 when kept
 */
public record AdaptiveRecord(int index, String prompt, Route route, String gate, double score, double tau, double tauLow,
                             double k, long imageSeed, List<Long> candidateSeeds, List<Double> candidateScores,
                             long studentSeed, Long teacherSeed, int studentNfe, int teacherStepsRequested, int teacherNfe,
                             double teacherStrength, double finalScore, double psnr, long studentNanos, long oracleNanos,
                             long teacherNanos) {
    public static final String NFE_NOTE = "UNet evaluations actually run; one classifier-free-guidance step (doubled batch) counts once";

    public AdaptiveRecord {
        candidateSeeds = List.copyOf(candidateSeeds);
        candidateScores = List.copyOf(candidateScores);
    }

    /** Total UNet evaluations for this image. */
    public int nfe() {
        return studentNfe + teacherNfe;
    }

    public boolean sentToTeacher() {
        return route != Route.KEPT;
    }

    AdaptiveRecord withFinalScore(double s) {
        return new AdaptiveRecord(index, prompt, route, gate, score, tau, tauLow, k, imageSeed, candidateSeeds, candidateScores,
                studentSeed, teacherSeed, studentNfe, teacherStepsRequested, teacherNfe, teacherStrength, s, psnr,
                studentNanos, oracleNanos, teacherNanos);
    }

    AdaptiveRecord withPsnr(double p) {
        return new AdaptiveRecord(index, prompt, route, gate, score, tau, tauLow, k, imageSeed, candidateSeeds, candidateScores,
                studentSeed, teacherSeed, studentNfe, teacherStepsRequested, teacherNfe, teacherStrength, finalScore, p,
                studentNanos, oracleNanos, teacherNanos);
    }

    AdaptiveRecord withTeacher(long seed, int requested, int nfe, double strength, long nanos, long extraOracleNanos) {
        return new AdaptiveRecord(index, prompt, route, gate, score, tau, tauLow, k, imageSeed, candidateSeeds, candidateScores,
                studentSeed, seed, studentNfe, requested, nfe, strength, finalScore, psnr, studentNanos,
                oracleNanos + extraOracleNanos, nanos);
    }

    /** The record as JSON-ready values (snake_case keys; NaN and absent values as null). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("prompt", prompt);
        m.put("route", route.label());
        m.put("gate", gate);
        m.put("oracle_score", finite(score));
        m.put("tau", finite(tau));
        m.put("tau_low", finite(tauLow));
        m.put("k", finite(k));
        m.put("seed", imageSeed);
        m.put("student_seed", studentSeed);
        if (candidateSeeds.size() > 1) {
            m.put("candidate_seeds", candidateSeeds);
            m.put("candidate_scores", candidateScores);
        }
        m.put("teacher_seed", teacherSeed);
        m.put("teacher_steps_requested", teacherStepsRequested);
        m.put("teacher_strength", finite(teacherStrength));
        m.put("teacher_strength_convention", Double.isNaN(teacherStrength) ? null : TeacherSettings.STRENGTH_CONVENTION);
        m.put("nfe", nfe());
        m.put("student_nfe", studentNfe);
        m.put("teacher_nfe", teacherNfe);
        m.put("nfe_note", NFE_NOTE);
        m.put("final_score", finite(finalScore));
        if (!Double.isNaN(psnr)) {
            m.put("psnr_to_input_db", Double.isInfinite(psnr) ? "inf" : psnr);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("student_ms", studentNanos / 1e6);
        t.put("oracle_ms", oracleNanos / 1e6);
        t.put("teacher_ms", teacherNanos / 1e6);
        m.put("wall_time", t);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
