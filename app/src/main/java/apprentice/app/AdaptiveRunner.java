package apprentice.app;

import apprentice.core.adaptive.AdaptiveImage;
import apprentice.core.adaptive.AdaptiveLog;
import apprentice.core.adaptive.AdaptivePipeline;
import apprentice.core.adaptive.AdaptiveResult;
import apprentice.core.adaptive.Budget;
import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.ControlCondition;
import apprentice.core.adaptive.FixedGate;
import apprentice.core.adaptive.Gate;
import apprentice.core.adaptive.OnlineGate;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.StudentStage;
import apprentice.core.adaptive.StrengthConvention;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.scheduler.TrainSchedule;
import apprentice.core.adaptive.TeacherMode;
import apprentice.core.adaptive.TeacherSettings;
import apprentice.core.adaptive.TeacherStage;
import apprentice.core.image.Images;
import apprentice.core.model.ControlNet;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.GenerationCancelledException;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.oracle.Oracles;
import apprentice.onnx.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the adaptive loop for {@code generate --adaptive} and {@code edit}: loads student, teacher and oracle, picks
 * the gate (calibration percentile, fixed τ, or online), writes every image as it finishes (PNG with the adaptive
 * record in its metadata, JSON sidecar) and appends its record to the JSONL log.
 */
final class AdaptiveRunner {

    /**
     * What the command collected.
     *
     * @param prompts one per output image
     * @param seeds one per output image
     * @param size explicit size, or null for the student's default (or the edit image's)
     * @param editImage editing: the user's image (already loaded), else null
     * @param editStrength editing: the student's SDEdit strength
     * @param control ControlNet conditioning of both stages, or null
     */
    record Inputs(List<String> prompts, long[] seeds, String negativePrompt, Path studentFolder, boolean builtInStudent,
                  String scheduler, Integer steps, Double guidance, ImageSize size, Path output, boolean reproducible,
                  java.awt.image.BufferedImage editImage, Path editImagePath, double editStrength, Control control) {
    }

    /** The ControlNet options ({@link ControlOptions}): folder, control image (path and the loaded picture), scale, start, end. */
    record Control(Path controlNet, Path imagePath, java.awt.image.BufferedImage image, double scale, double start, double end) {
    }

    private AdaptiveRunner() {
    }

    static int run(AppEnvironment env, AdaptiveOptions a, RuntimeOptions options, Inputs in, PrintWriter out, PrintWriter err,
                   boolean verbose) throws IOException {
        a.checkRanges();
        TeacherMode mode = parseMode(a.mode);
        Path teacherFolder = a.teacherFolder(env);
        Path oracleFolder = a.oracleFolder(env);
        Path calibrationPath = a.calibrationFile(env, in.builtInStudent());
        CalibrationFile calibration = calibrationPath == null ? null : readCalibration(calibrationPath);
        OutputFiles files = new OutputFiles(in.output());
        files.ensureFolder();

        try (ModelComponents student = RuntimeChoice.load(in.studentFolder(), options);
             ModelComponents teacher = RuntimeChoice.load(teacherFolder, options);
             Oracle oracle = openOracle(oracleFolder, options);
             ControlNet controlNet = in.control() == null ? null : RuntimeChoice.loadControlNet(in.control().controlNet(), options)) {
            int factor = student.vae().downscaleFactor();
            ImageSize size = resolveSize(in, student, factor);
            int steps = in.steps() != null ? in.steps() : GenerateCommand.defaultSteps(in.scheduler(), student);
            StudentSettings ss = new StudentSettings(student.name(), steps,
                    GenerationDefaults.guidance(in.guidance(), in.studentFolder()), in.scheduler(), size.width(), size.height(),
                    in.negativePrompt(), a.bestOf, in.editImage() == null ? Double.NaN : in.editStrength());
            double refine = a.refineStrength != null ? a.refineStrength : AdaptiveOptions.DEFAULT_REFINE_STRENGTH;
            if (a.refineVariance != null) {
                refine = StrengthConvention.strengthForVariance(a.refineVariance,
                        TrainSchedule.from(teacher.schedulerConfig()));
                err.println(String.format(Locale.ROOT, "refinement noise variance %.3f = diffusers strength %.3f on the teacher's schedule",
                        a.refineVariance, refine));
            }
            TeacherSettings ts = new TeacherSettings(teacher.name(), a.teacherSteps,
                    GenerationDefaults.guidance(a.teacherGuidance, teacherFolder), a.teacherScheduler,
                    refine, in.negativePrompt());
            Gate gate = gate(a, mode, ss, ts, calibration, calibrationPath, oracle.name(), err);
            Tensor input = in.editImage() == null ? null : InputImage.toTensor(in.editImage(), size, "the image", err);
            ControlCondition control = null;
            if (in.control() != null) {
                control = new ControlCondition(InputImage.toControlTensor(in.control().image(), size, "--control-image", err),
                        in.control().scale(), in.control().start(), in.control().end());
                if (calibration != null) {
                    err.println("note: " + calibrationPath + " was calibrated on drafts without the ControlNet; the teacher"
                            + " share may differ from k (calibrate on controlled drafts, or leave out --calibration for an online gate)");
                }
            }
            AdaptivePipeline pipeline = new AdaptivePipeline(
                    new StudentStage(RuntimeChoice.pipeline(student, controlNet, in.studentFolder()), ss, control),
                    new TeacherStage(RuntimeChoice.pipeline(teacher, controlNet, teacherFolder), ts, control), oracle,
                    new AdaptivePipeline.Options(mode, a.draftBatch, a.teacherBatch, a.scoreTeacherOutputs));
            Map<String, Object> settings = AdaptiveResult.settingsOf(ss, ts, mode, oracle.name());
            settings.put("student_model_path", in.studentFolder().toAbsolutePath().normalize().toString());
            settings.put("teacher_model_path", teacherFolder.toAbsolutePath().normalize().toString());
            settings.put("oracle_path", oracleFolder.toAbsolutePath().normalize().toString());
            if (calibrationPath != null) {
                settings.put("calibration", calibrationPath.toAbsolutePath().normalize().toString());
            }
            if (in.editImagePath() != null) {
                settings.put("input_image", in.editImagePath().toAbsolutePath().normalize().toString());
            }
            if (in.control() != null) {
                settings.put("controlnet_path", in.control().controlNet().toAbsolutePath().normalize().toString());
                settings.put("control_image", in.control().imagePath().toAbsolutePath().normalize().toString());
                settings.put("controlnet_conditioning_scale", in.control().scale());
                settings.put("control_guidance_start", in.control().start());
                settings.put("control_guidance_end", in.control().end());
            }
            Path logFile = a.log != null ? a.log : in.output().resolve("adaptive-log.jsonl");
            ImageWriter writer = new ImageWriter(files);
            LocalDateTime started = LocalDateTime.now();
            List<Long> seeds = new ArrayList<>();
            for (long s : in.seeds()) {
                seeds.add(s);
            }
            int[] written = {0};
            AdaptiveResult result;
            try (ShutdownCancellation shutdown = ShutdownCancellation.install("apprentice-cancel");
                 AdaptiveLog log = new AdaptiveLog(logFile)) {
                try {
                    result = pipeline.run(in.prompts(), seeds, input, gate, img -> {
                        write(img, writer, started, settings, in, log, out, err);
                        written[0]++;
                    }, shutdown.token());
                } catch (GenerationCancelledException e) {
                    // report inside the block: once the hook is released the JVM halts
                    err.println("interrupted; " + written[0] + " of " + in.prompts().size()
                            + " images were written, each with its sidecar and log line");
                    err.flush();
                    return ExitCodes.INTERRUPTED;
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            Map<String, Object> summary = result.summary();
            err.println(String.format(Locale.ROOT, "%d images: %d kept, %d refined, %d regenerated (teacher share %.1f%%, %s gate);"
                            + " average %.2f UNet evaluations per image; log %s",
                    result.images().size(), result.count(apprentice.core.adaptive.Route.KEPT),
                    result.count(apprentice.core.adaptive.Route.REFINED), result.count(apprentice.core.adaptive.Route.REGENERATED),
                    result.realisedShare(), gate.kind(), result.averageNfe(), logFile));
            if (result.online() != null) {
                err.println(String.format(Locale.ROOT, "online gate: target %.1f%%, realised %.1f%%, last-window %.1f%%, τ %.4f (drift %+.4f)",
                        result.online().k(), result.online().realisedShare(), result.online().recentShare(), result.online().tau(),
                        result.online().tauDrift()));
            }
            if (verbose) {
                err.println(summary);
            }
            return ExitCodes.OK;
        }
    }

    private static void write(AdaptiveImage img, ImageWriter writer, LocalDateTime started, Map<String, Object> settings,
                              Inputs in, AdaptiveLog log, PrintWriter out, PrintWriter err) {
        var rec = img.record();
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("prompt", rec.prompt());
        full.put("negative_prompt", in.negativePrompt());
        full.put("seed", rec.imageSeed());
        full.put("mode", in.editImage() == null ? "adaptive text-to-image" : "adaptive edit");
        full.putAll(settings);
        full.put("adaptive", rec.toJson());
        full.put("apprentice_version", VersionProvider.version());
        Map<String, Object> png = full;
        if (in.reproducible()) {
            png = new LinkedHashMap<>(full);
            Map<String, Object> r = new LinkedHashMap<>(rec.toJson());
            r.remove("wall_time");
            png.put("adaptive", r);
        } else {
            full.put("created", OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        try {
            Path path = writer.write(OutputFiles.stem(started, rec.imageSeed(), rec.index()), Images.toImage(img.image(), 0), png, full);
            log.append(rec, path.toString());
            out.println(path);
            out.flush();
            err.println(String.format(Locale.ROOT, "%s: %s, score %.4f vs τ %.4f, %d UNet evaluations", path, rec.route().label(),
                    rec.score(), rec.tau(), rec.nfe()));
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Gate gate(AdaptiveOptions a, TeacherMode mode, StudentSettings ss, TeacherSettings ts, CalibrationFile calibration,
                     Path calibrationPath, String oracleName, PrintWriter err) {
        if (a.tau != null) {
            return new FixedGate(a.tau, Double.NaN, Double.NaN, "fixed");
        }
        double kLow = a.regenerateBelow == null ? Double.NaN : a.regenerateBelow;
        double k;
        try {
            k = a.targetNfe != null ? Budget.kForTargetNfe(a.targetNfe, ss, ts, mode, kLow) : a.k != null ? a.k : 50.0;
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--target-nfe: " + e.getMessage(), e);
        }
        if (a.targetNfe != null) {
            err.println(String.format(Locale.ROOT, "target %.2f UNet evaluations per image: k = %.2f%%", a.targetNfe, k));
        }
        if (!Double.isNaN(kLow) && kLow >= k) {
            throw new BadInputException("--regenerate-below " + kLow + " must be below k " + k);
        }
        if (calibration == null) {
            err.println(String.format(Locale.ROOT, "no calibration: an online gate holds the teacher share at %.1f%% over this run"
                    + " (window %d scores)", k, a.onlineWindow));
            return new OnlineGate(k, kLow, a.onlineWindow);
        }
        try {
            calibration.checkCompatible(ss, oracleName);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(calibrationPath + ": " + e.getMessage(), e);
        }
        return calibration.gate(k, kLow);
    }

    private static CalibrationFile readCalibration(Path file) {
        try {
            return CalibrationFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    static Oracle openOracle(Path folder, RuntimeOptions options) {
        try {
            return Oracles.open(folder, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use oracle " + folder + ": " + e.getMessage(), e);
        }
    }

    static TeacherMode parseMode(String mode) {
        try {
            return TeacherMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--mode: " + e.getMessage(), e);
        }
    }

    static ImageSize resolveSize(Inputs in, ModelComponents student, int factor) {
        if (in.size() != null) {
            in.size().requireDivisibleBy(factor, student.name());
            return in.size();
        }
        if (in.editImage() != null) {
            int w = in.editImage().getWidth() / factor * factor;
            int h = in.editImage().getHeight() / factor * factor;
            if (w == 0 || h == 0) {
                throw new BadInputException("the image is smaller than the VAE factor " + factor + ": give a larger image or --size");
            }
            return new ImageSize(w, h);
        }
        return new ImageSize(student.defaultImageSize(), student.defaultImageSize());
    }
}
