package apprentice.onnx.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.adaptive.AdaptiveImage;
import apprentice.core.adaptive.AdaptivePipeline;
import apprentice.core.adaptive.AdaptiveRecord;
import apprentice.core.adaptive.AdaptiveResult;
import apprentice.core.adaptive.Budget;
import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.Calibrator;
import apprentice.core.adaptive.FixedGate;
import apprentice.core.adaptive.Route;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.StudentStage;
import apprentice.core.adaptive.TeacherMode;
import apprentice.core.adaptive.TeacherSettings;
import apprentice.core.adaptive.TeacherStage;
import apprentice.core.image.Images;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.oracle.Oracles;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole adaptive loop on synthetic ONNX folders: an LCM-style student, a DDIM teacher and a CLIP-style oracle. */
class AdaptiveEndToEndTest {
    static final RuntimeOptions CPU = RuntimeOptions.defaults().withThreads(1, 1);

    @TempDir
    Path tmp;

    @Test
    void calibrateThenGenerateRoutesByTauAndCountsNfe() {
        Path studentDir = tmp.resolve("student");
        Path teacherDir = tmp.resolve("teacher");
        Path oracleDir = tmp.resolve("oracle");
        SyntheticModelFolder.write(studentDir, SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon")
                .withTimestepCond(32));
        SyntheticModelFolder.write(teacherDir, SyntheticSpec.tiny().withSeed(12).withScheduler("DDIMScheduler", "epsilon"));
        SyntheticClipFolder.write(oracleDir, 13);
        try (ModelComponents s = OnnxModelFolder.load(studentDir, CPU); ModelComponents t = OnnxModelFolder.load(teacherDir, CPU);
             Oracle oracle = Oracles.open(oracleDir, CPU)) {
            StudentSettings ss = StudentSettings.textToImage(s.name(), 2, 4.0, null, s.defaultImageSize(), s.defaultImageSize());
            TeacherSettings ts = new TeacherSettings(t.name(), 3, 2.0, null, 0.5, "");
            StudentStage student = new StudentStage(new DiffusionPipeline(s), ss);
            List<String> calibrationPrompts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calibrationPrompts.add("calibration prompt " + i);
            }
            CalibrationFile cal = new Calibrator(student, oracle, 4).calibrate(calibrationPrompts, "mem", 1000);
            cal.checkCompatible(ss, oracle.name());
            FixedGate gate = cal.gate(50, Double.NaN);

            List<String> prompts = new ArrayList<>();
            List<Long> seeds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                prompts.add(List.of("a red apple", "a fox", "smiling face", "blue heart").get(i % 4) + " " + i);
                seeds.add(50L + i);
            }
            AdaptivePipeline p = new AdaptivePipeline(student, new TeacherStage(new DiffusionPipeline(t), ts), oracle,
                    AdaptivePipeline.Options.defaults().withBatches(4, 3));
            AdaptiveResult r = p.generate(prompts, seeds, gate);

            int sent = 0;
            for (AdaptiveImage img : r.images()) {
                AdaptiveRecord rec = img.record();
                assertEquals(gate.tau(), rec.tau());
                assertEquals(rec.score() >= gate.tau() ? Route.KEPT : Route.REFINED, rec.route());
                assertEquals(2, rec.studentNfe(), "LCM: 2 steps");
                if (rec.sentToTeacher()) {
                    sent++;
                    assertEquals(7, rec.teacherStepsRequested(), "int(3/0.5 + 1)");
                    assertEquals(3, rec.teacherNfe(), "int(7·0.5) DDIM steps run");
                    assertEquals(5, rec.nfe());
                } else {
                    assertEquals(2, rec.nfe());
                }
                assertEquals(1, img.image().dim(0));
                assertEquals(64, img.image().dim(3));
            }
            assertEquals(sent, r.count(Route.REFINED));
            assertEquals(8 - sent, r.count(Route.KEPT));
            assertEquals(2 + 3.0 * sent / 8, r.averageNfe(), 1e-12);
            assertEquals(r.averageNfe(), Budget.averageNfe(ss, ts, TeacherMode.REFINE, 100.0 * sent / 8, Double.NaN), 1e-9);
            assertTrue(sent > 0 && sent < 8, "both routes exercised: " + sent + " of 8 sent (τ = " + gate.tau() + ")");

            // reproducibility: every image rebuilt alone from its record gives the same PNG bytes
            for (AdaptiveImage img : r.images()) {
                var again = p.replay(img.record(), null);
                int[] a = bytes(img.image());
                int[] b = bytes(again);
                assertArrayEquals(a, b, "image " + img.record().index() + " " + img.record().route());
            }
        }
    }

    static int[] bytes(apprentice.core.tensor.Tensor t) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Images.toByte(t.data()[i]);
        }
        return out;
    }
}
