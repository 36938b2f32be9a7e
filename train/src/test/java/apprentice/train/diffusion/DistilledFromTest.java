package apprentice.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.train.nn.Checkpoint;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A student records the teacher checkpoint it was distilled from; export and resume refuse any other teacher. */
class DistilledFromTest {
    static ObjectNode teacherState(long step, long adamSteps, boolean ownTower) {
        ObjectNode st = Checkpoint.newState();
        st.put("stage", "teacher");
        st.put("step", step);
        st.put("adamSteps", adamSteps);
        if (ownTower) {
            st.put("textEncoderTrained", true);
        }
        return st;
    }

    static ObjectNode studentOf(ObjectNode teacher) {
        ObjectNode st = Checkpoint.newState();
        st.put("stage", "student");
        DistilledFrom.of(teacher).writeTo(st);
        return st;
    }

    @Test
    void recordSurvivesTheCheckpointState() {
        ObjectNode teacher = teacherState(6000, 4942, true);
        DistilledFrom read = DistilledFrom.recordedIn(studentOf(teacher));
        assertEquals(new DistilledFrom(6000, 4942, true), read);
        assertNull(DistilledFrom.recordedIn(Checkpoint.newState()), "students distilled before the record have none");
    }

    @Test
    void sameTeacherPassesAndStudentsWithoutARecordPass() {
        ObjectNode teacher = teacherState(6000, 4942, true);
        assertDoesNotThrow(() -> DistilledFrom.requireSameTeacher(studentOf(teacher), Path.of("s"), teacher, Path.of("t")));
        assertDoesNotThrow(() -> DistilledFrom.requireSameTeacher(Checkpoint.newState(), Path.of("s"), teacher,
                Path.of("t")));
    }

    @Test
    void continuedTeacherIsRefusedWithTheFix() {
        ObjectNode distilledFrom = teacherState(6000, 4942, true);
        ObjectNode continued = teacherState(12000, 9800, true);
        IOException e = assertThrows(IOException.class, () -> DistilledFrom.requireSameTeacher(studentOf(distilledFrom),
                Path.of("student-joint"), continued, Path.of("teacher-joint2")));
        assertTrue(e.getMessage().contains("step 6000") && e.getMessage().contains("step 12000"), e.getMessage());
        assertTrue(e.getMessage().contains("--teacher-dir teacher-joint2"), "names the fix: " + e.getMessage());
    }

    @Test
    void towerKindAloneTellsTeachersApart() {
        ObjectNode frozenTower = teacherState(6000, 4942, false);
        ObjectNode ownTower = teacherState(6000, 4942, true);
        assertThrows(IOException.class, () -> DistilledFrom.requireSameTeacher(studentOf(frozenTower), Path.of("s"),
                ownTower, Path.of("t")));
    }
}
