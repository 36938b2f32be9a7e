package apprentice.app.serve;

import apprentice.core.oracle.Oracle;
import java.util.List;
import java.util.Objects;

/**
 * The models one server runs.
 *
 * @param studentName display name of the student model
 * @param student the student's generation call
 * @param teacherName display name of the teacher, or null when there is none
 * @param teacher the teacher's generation call, or null (then only student mode is served)
 * @param oracle the draft scorer, or null (then adaptive mode is refused with a message saying why)
 * @param defaultSize image side used when a request gives none
 * @param sizeMultiple image sides must be multiples of this (the VAE's downscale factor)
 * @param notes lines shown by {@code GET /api/models} (e.g. "synthetic stand-in, random weights")
 * @param controlNet name of the ControlNet both pipelines run (then every request must send a control image), or null
 */
public record ServedModels(String studentName, DenoiseRun student, String teacherName, DenoiseRun teacher, Oracle oracle,
                           int defaultSize, int sizeMultiple, List<String> notes, String controlNet) {

    /** Without a ControlNet. */
    public ServedModels(String studentName, DenoiseRun student, String teacherName, DenoiseRun teacher, Oracle oracle,
                        int defaultSize, int sizeMultiple, List<String> notes) {
        this(studentName, student, teacherName, teacher, oracle, defaultSize, sizeMultiple, notes, null);
    }

    public ServedModels {
        Objects.requireNonNull(studentName, "studentName");
        Objects.requireNonNull(student, "student");
        if ((teacher == null) != (teacherName == null)) {
            throw new IllegalArgumentException("give the teacher and its name together");
        }
        if (defaultSize <= 0 || sizeMultiple <= 0 || defaultSize % sizeMultiple != 0) {
            throw new IllegalArgumentException("default size " + defaultSize + " must be a positive multiple of " + sizeMultiple);
        }
        notes = List.copyOf(notes);
    }

    boolean hasTeacher() {
        return teacher != null;
    }

    boolean hasOracle() {
        return oracle != null;
    }

    boolean hasControlNet() {
        return controlNet != null;
    }
}
