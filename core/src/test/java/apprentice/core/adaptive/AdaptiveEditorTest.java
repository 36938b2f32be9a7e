package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.PipelineFakes;
import apprentice.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveEditorTest {
    final StudentSettings edit = StudentSettings.textToImage("student", 10, 1.0, null, 8, 8).withStrength(AdaptiveEditor.DEFAULT_STRENGTH);
    final TeacherSettings teacher = new TeacherSettings("teacher", 4, 1.0, null, 0.5, "");

    AdaptiveEditor editor() {
        return new AdaptiveEditor(new AdaptivePipeline(new StudentStage(new PipelineFakes(true).pipeline(), edit),
                new TeacherStage(new PipelineFakes(true).pipeline(), teacher), new ScriptedOracle(),
                AdaptivePipeline.Options.defaults()));
    }

    static Tensor input() {
        float[] d = new float[3 * 8 * 8];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(i * 0.3) * 0.8f;
        }
        return new Tensor(new int[] {1, 3, 8, 8}, d);
    }

    @Test
    void studentEditsGateAndTeacherRefinesTheRejectedEdit() {
        AdaptiveResult r = editor().edit(input(), List.of("make it red@0.9", "make it blue@0.1"), List.of(3L, 4L),
                new FixedGate(0.5, Double.NaN, 50, "fixed"), img -> { }, CancellationToken.none());
        AdaptiveRecord kept = r.images().get(0).record();
        AdaptiveRecord refined = r.images().get(1).record();
        assertEquals(Route.KEPT, kept.route());
        assertEquals(Route.REFINED, refined.route());
        assertEquals(6, kept.studentNfe(), "int(10 · 0.6) SDEdit steps");
        assertEquals(9, refined.teacherStepsRequested(), "int(4/0.5 + 1)");
        assertEquals(4, refined.teacherNfe());
        for (AdaptiveImage img : r.images()) {
            double expected = ImageSimilarity.psnr(img.image(), 0, input(), 0);
            assertEquals(expected, img.record().psnr());
            assertTrue(img.record().toJson().containsKey("psnr_to_input_db"));
            assertArrayEquals(img.image().data(), editor().replay(img.record(), input()).data());
        }
        assertEquals(0.6, r.settings().get("edit_strength"));
    }

    @Test
    void psnrIsInfiniteForIdenticalImagesAndFallsWithNoise() {
        Tensor a = input();
        assertEquals(Double.POSITIVE_INFINITY, ImageSimilarity.psnr(a, 0, a, 0));
        float[] d = a.data().clone();
        d[0] += 2f / 255f * 10; // ten grey levels on one value
        double p = ImageSimilarity.psnr(new Tensor(a.shape(), d), 0, a, 0);
        assertEquals(10 * Math.log10(255.0 * 255.0 / (100.0 / 192)), p, 1e-9);
    }

    @Test
    void wrongInputsAreRefused() {
        AdaptiveEditor e = editor();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> e.edit(Tensor.zeros(1, 3, 16, 16), List.of("a"), List.of(1L),
                new FixedGate(0.5, Double.NaN, 50, "fixed"), img -> { }, CancellationToken.none())).getMessage().contains("resize"));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveEditor(new AdaptivePipeline(
                new StudentStage(new PipelineFakes(true).pipeline(), edit.withStrength(Double.NaN)),
                new TeacherStage(new PipelineFakes(true).pipeline(), teacher), new ScriptedOracle(), AdaptivePipeline.Options.defaults())));
    }
}
