package apprentice.core.adaptive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole adaptive run.
 *
 * @param images in request order
 * @param student the student settings used
 * @param teacher the teacher settings used
 * @param mode the teacher mode
 * @param oracle the oracle's name
 * @param online the online gate's state at the end of the run, or null for a fixed gate
 */
public record AdaptiveResult(List<AdaptiveImage> images, StudentSettings student, TeacherSettings teacher, TeacherMode mode,
                             String oracle, OnlineGate.OnlineState online) {

    public AdaptiveResult {
        images = List.copyOf(images);
    }

    public long count(Route route) {
        return images.stream().filter(i -> i.record().route() == route).count();
    }

    /** Percentage of images sent to the teacher. */
    public double realisedShare() {
        return images.isEmpty() ? 0 : 100.0 * images.stream().filter(i -> i.record().sentToTeacher()).count() / images.size();
    }

    public double averageNfe() {
        return images.stream().mapToInt(i -> i.record().nfe()).average().orElse(0);
    }

    /** Totals for logs: route counts, realised share, average NFE, wall time per stage. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images.size());
        m.put("kept", count(Route.KEPT));
        m.put("refined", count(Route.REFINED));
        m.put("regenerated", count(Route.REGENERATED));
        m.put("teacher_share_percent", realisedShare());
        m.put("average_nfe", averageNfe());
        m.put("nfe_note", AdaptiveRecord.NFE_NOTE);
        m.put("student_ms", images.stream().mapToLong(i -> i.record().studentNanos()).sum() / 1e6);
        m.put("oracle_ms", images.stream().mapToLong(i -> i.record().oracleNanos()).sum() / 1e6);
        m.put("teacher_ms", images.stream().mapToLong(i -> i.record().teacherNanos()).sum() / 1e6);
        m.put("by_route", byRoute());
        if (online != null) {
            m.put("online_target_k", online.k());
            m.put("online_recent_share_percent", online.recentShare());
            m.put("online_tau", online.tau());
            m.put("online_tau_drift", online.tauDrift());
        }
        return m;
    }

    /**
     * Per route: count, mean draft score, mean final score (of the images whose final score is known: kept ones, and
     * teacher outputs when they were scored), mean NFE. The raw material of an evaluation comparing routes.
     */
    public Map<String, Object> byRoute() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Route route : Route.values()) {
            List<AdaptiveRecord> rs = images.stream().map(AdaptiveImage::record).filter(r -> r.route() == route).toList();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("count", rs.size());
            r.put("mean_draft_score", mean(rs.stream().mapToDouble(AdaptiveRecord::score).toArray()));
            r.put("mean_final_score", mean(rs.stream().mapToDouble(AdaptiveRecord::finalScore).filter(Double::isFinite).toArray()));
            r.put("mean_nfe", mean(rs.stream().mapToDouble(AdaptiveRecord::nfe).toArray()));
            m.put(route.label(), r);
        }
        return m;
    }

    private static Double mean(double[] v) {
        return v.length == 0 ? null : java.util.Arrays.stream(v).average().orElseThrow();
    }

    /** The run's settings, for image metadata next to each record. */
    public Map<String, Object> settings() {
        return settingsOf(student, teacher, mode, oracle);
    }

    /** The settings map of {@link #settings()}, available before a run (to write images as they finish). */
    public static Map<String, Object> settingsOf(StudentSettings student, TeacherSettings teacher, TeacherMode mode, String oracle) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("student_model", student.model());
        m.put("student_steps", student.steps());
        m.put("student_guidance", student.guidanceScale());
        m.put("student_scheduler", student.scheduler());
        m.put("best_of", student.bestOf());
        if (student.isEdit()) {
            m.put("edit_strength", student.strength());
        }
        m.put("teacher_model", teacher.model());
        m.put("teacher_steps", teacher.steps());
        m.put("teacher_guidance", teacher.guidanceScale());
        m.put("teacher_scheduler", teacher.scheduler());
        m.put("refine_strength", teacher.refineStrength());
        m.put("strength_convention", TeacherSettings.STRENGTH_CONVENTION);
        m.put("teacher_mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("oracle", oracle);
        m.put("width", student.width());
        m.put("height", student.height());
        return m;
    }
}
