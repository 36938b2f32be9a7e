package apprentice.app.evaluate;

import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.TeacherSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The settings of one evaluation run.
 *
 * @param student the gated student draft's settings (the calibration must match them); best-of 1
 * @param studentStepCurve student step counts drawn as stand-alone points (the run's steps are always among them)
 * @param teacher the teacher's refinement and regeneration settings (n steps run, strength in diffusers' convention)
 * @param refineSteps teacher steps of the refine-everything curve (n is always among them)
 * @param ddimSteps teacher DDIM step counts drawn from the draft's initial noise
 * @param dpmSteps teacher DPM-Solver++ step counts
 * @param bestOf drafts per prompt for the best-of-n option (1: left out)
 * @param ks teacher shares in percent for the adaptive curves, each in (0, 100)
 * @param editStrength the student's SDEdit strength for editing (diffusers' convention)
 * @param seed prompt i uses seed + i
 * @param batch prompts per model call
 * @param onlineWindow the online gate's window
 */
public record EvalSettings(StudentSettings student, List<Integer> studentStepCurve, TeacherSettings teacher, List<Integer> refineSteps,
                           List<Integer> ddimSteps, List<Integer> dpmSteps, int bestOf, List<Double> ks, double editStrength, long seed,
                           int batch, int onlineWindow) {
    public EvalSettings {
        if (student.bestOf() != 1 || student.isEdit()) {
            throw new IllegalArgumentException("the gated draft's settings are text-to-image with one draft; best-of is a separate option");
        }
        studentStepCurve = withValue(studentStepCurve, student.steps());
        refineSteps = withValue(refineSteps, teacher.steps());
        ddimSteps = sorted(ddimSteps);
        dpmSteps = sorted(dpmSteps);
        ks = List.copyOf(new TreeSet<>(ks));
        for (double k : ks) {
            if (!(k > 0 && k < 100)) {
                throw new IllegalArgumentException("k " + k + " is outside (0, 100): it is the percentage of drafts sent to the teacher");
            }
        }
        if (ks.isEmpty()) {
            throw new IllegalArgumentException("no k given: list at least one teacher share, e.g. --k 10,20,...,90");
        }
        if (bestOf < 1) {
            throw new IllegalArgumentException("best-of " + bestOf + " is less than 1");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " is less than 1");
        }
        if (!(editStrength > 0 && editStrength <= 1)) {
            throw new IllegalArgumentException("edit strength " + editStrength + " is outside (0, 1]");
        }
    }

    /** The refine-everything step counts the paper's comparison needs: n/4, n/2, 3n/4 and n (equal NFE to k = 25, 50, 75, 100). */
    public static List<Integer> refineCurve(int n) {
        List<Integer> l = new ArrayList<>();
        for (int q = 1; q <= 4; q++) {
            l.add(Math.max(1, (int) Math.round(n * q / 4.0)));
        }
        return l;
    }

    private static List<Integer> withValue(List<Integer> list, int v) {
        TreeSet<Integer> s = new TreeSet<>(list);
        s.add(v);
        return check(s);
    }

    private static List<Integer> sorted(List<Integer> list) {
        return check(new TreeSet<>(list));
    }

    private static List<Integer> check(TreeSet<Integer> s) {
        for (int v : s) {
            if (v < 1) {
                throw new IllegalArgumentException("step count " + v + " is less than 1");
            }
        }
        return List.copyOf(s);
    }
}
