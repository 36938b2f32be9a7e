package apprentice.train.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Which teacher checkpoint a student was distilled from, recorded in the student's checkpoint ({@code "teacher"}).
 * A student learns its teacher's text tower as well as its UNet: a teacher trained with {@code --train-text-encoder}
 * conditions both UNets through its own tower, and the export ships that tower to both. A student distilled from
 * another checkpoint of the teacher (an earlier step, a continuation) would be served a tower it never saw, so
 * resuming a distillation and exporting a family both check that the teacher is still the one recorded here.
 *
 * @param step the teacher's training step
 * @param adamSteps the teacher's applied updates (tells apart runs that reach the same step)
 * @param textEncoderTrained whether the teacher trained its own text tower
 */
public record DistilledFrom(long step, long adamSteps, boolean textEncoderTrained) {
    private static final String KEY = "teacher";

    /** The identity of the teacher whose checkpoint state this is. */
    public static DistilledFrom of(JsonNode teacherState) {
        return new DistilledFrom(teacherState.path("step").asLong(-1), teacherState.path("adamSteps").asLong(-1),
                TextConditioner.trainedWith(teacherState));
    }

    /** The teacher recorded in a student's checkpoint state, or null for students distilled before it was recorded. */
    public static DistilledFrom recordedIn(JsonNode studentState) {
        JsonNode t = studentState == null ? null : studentState.get(KEY);
        if (t == null || !t.isObject()) {
            return null;
        }
        return new DistilledFrom(t.path("step").asLong(-1), t.path("adamSteps").asLong(-1),
                t.path("textEncoderTrained").asBoolean(false));
    }

    public void writeTo(ObjectNode studentState) {
        ObjectNode t = studentState.putObject(KEY);
        t.put("step", step);
        t.put("adamSteps", adamSteps);
        t.put("textEncoderTrained", textEncoderTrained);
    }

    /**
     * Throws when the student in {@code studentDir} records a teacher other than {@code teacherState}'s; students
     * without a record pass (nothing to check against).
     */
    public static void requireSameTeacher(JsonNode studentState, Path studentDir, JsonNode teacherState, Path teacherDir)
            throws IOException {
        DistilledFrom recorded = recordedIn(studentState);
        DistilledFrom teacher = of(teacherState);
        if (recorded != null && !recorded.equals(teacher)) {
            throw new IOException("the student in " + studentDir + " was distilled from a teacher at step "
                    + recorded.step() + " (" + recorded.adamSteps() + " updates"
                    + (recorded.textEncoderTrained() ? ", own text tower" : "") + "), but the teacher in " + teacherDir
                    + " is at step " + teacher.step() + " (" + teacher.adamSteps() + " updates"
                    + (teacher.textEncoderTrained() ? ", own text tower" : "")
                    + "): distil a new student from this teacher (train/run.sh student --dir <new folder> --teacher-dir "
                    + teacherDir + "), or point at the teacher checkpoint it was distilled from");
        }
    }
}
