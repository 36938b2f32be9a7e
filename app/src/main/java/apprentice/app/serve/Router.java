package apprentice.app.serve;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.StudentSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides kept / to-the-teacher for a scored draft. A draft made with exactly the student settings of the
 * calibration file (model, steps, guidance, size, no negative prompt, model scheduler, text-to-image) is
 * compared with the calibration's τ(k) — the {@code calibrated} gate. Any other draft is compared with the
 * k-th percentile of recent drafts' scores ({@link ScoreWindow}, the {@code online} gate), because a
 * calibration is only valid for the settings it was made with.
 */
final class Router {
    private final CalibrationFile calibration;
    private final String studentName;
    private final ScoreWindow window;

    Router(CalibrationFile calibration, String studentName) {
        this.calibration = calibration;
        this.studentName = studentName;
        this.window = new ScoreWindow(512, calibration == null ? new double[0] : calibration.scores());
    }

    /** The decision's fields: score, tau, k, gate, samples, warm, and whether the draft is kept. */
    Map<String, Object> decide(JobSpec spec, double score, String oracleName) {
        ScoreWindow.Threshold online = window.admit(score, spec.k());
        boolean calibrated = matchesCalibration(spec);
        double tau = calibrated ? calibration.tau(spec.k()) : online.tau();
        int samples = calibrated ? calibration.n() : online.samples();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("score", score);
        d.put("tau", tau);
        d.put("k", spec.k());
        d.put("gate", calibrated ? "calibrated" : "online");
        d.put("samples", samples);
        d.put("warm", calibrated || samples >= ScoreWindow.warm());
        d.put("oracle", oracleName);
        d.put("kept", score >= tau);
        return d;
    }

    boolean matchesCalibration(JobSpec spec) {
        if (calibration == null || spec.isEdit()) {
            return false;
        }
        StudentSettings c = calibration.student();
        return c.model().equals(studentName) && c.steps() == spec.steps() && Double.compare(c.guidanceScale(), spec.guidance()) == 0
                && c.scheduler() == null && c.width() == spec.width() && c.height() == spec.height()
                && c.negativePrompt().equals(spec.negativePrompt()) && c.bestOf() == 1 && !c.isEdit();
    }
}
