package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BudgetTest {
    // the paper's SDXL setting: LCM 4 steps, teacher 12 refinement steps at σ = 0.7, k = 50 → 10 NFE on average
    final StudentSettings lcm = StudentSettings.textToImage("lcm-sdxl", 4, 8, null, 1024, 1024);
    final TeacherSettings sdxl = new TeacherSettings("sdxl", 12, 5, null, 0.7, "");

    @Test
    void teacherIsAskedForIntNOverSigmaPlusOneSteps() {
        assertEquals(18, TeacherSettings.requestedSteps(12, 0.7));   // int(12/0.7 + 1) = int(18.14)
        assertEquals(12, TeacherSettings.stepsRun(12, 0.7));         // int(18·0.7) = int(12.6)
        assertEquals(5, TeacherSettings.requestedSteps(4, 0.99));
        assertEquals(14, TeacherSettings.requestedSteps(4, 0.3));    // SDXL-Turbo refiner: int(14.33)
        assertEquals(4, TeacherSettings.stepsRun(4, 0.3));           // int(14·0.3) = int(4.2)
        assertEquals(51, TeacherSettings.requestedSteps(50, 1.0));
        assertEquals(51, TeacherSettings.stepsRun(50, 1.0));
    }

    @Test
    void averageNfeAndTargetToK() {
        assertEquals(10.0, Budget.averageNfe(lcm, sdxl, TeacherMode.REFINE, 50, Double.NaN), 1e-12);
        assertEquals(50.0, Budget.kForTargetNfe(10, lcm, sdxl, TeacherMode.REFINE, Double.NaN), 1e-9);
        assertEquals(25.0, Budget.kForTargetNfe(7, lcm, sdxl, TeacherMode.REFINE, Double.NaN), 1e-9);
        assertEquals(25.0, Budget.kForTargetNfe(7, lcm, sdxl, TeacherMode.REGENERATE, Double.NaN), 1e-9);
        // auto: 10% regenerated (12 steps), the rest of k refined (12 steps run): same cost per image here
        assertEquals(50.0, Budget.kForTargetNfe(10, lcm, sdxl, TeacherMode.AUTO, 10), 1e-9);
        // best-of 2 doubles the student's cost
        assertEquals(100.0 / 3, Budget.kForTargetNfe(12, lcm.withBestOf(2), sdxl, TeacherMode.REFINE, Double.NaN), 1e-9);
        for (double k : new double[] {5, 33.3, 90}) {
            double nfe = Budget.averageNfe(lcm, sdxl, TeacherMode.REFINE, k, Double.NaN);
            assertEquals(k, Budget.kForTargetNfe(nfe, lcm, sdxl, TeacherMode.REFINE, Double.NaN), 1e-9);
        }
    }

    @Test
    void unreachableTargetsNameTheRange() {
        for (double target : new double[] {4, 3, 16, 20}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Budget.kForTargetNfe(target, lcm, sdxl, TeacherMode.REFINE, Double.NaN));
            assertTrue(e.getMessage().contains("costs 4 UNet evaluations") && e.getMessage().contains("16.00"), e.getMessage());
        }
    }
}
