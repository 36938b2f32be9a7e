package apprentice.app;

import apprentice.core.pipeline.GenerationDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The adaptive teacher–student options shared by {@code generate} (with {@code --adaptive}) and {@code edit}.
 *
 * <p>Default: plain {@code apprentice generate} without {@code --model} becomes adaptive by itself once the built-in
 * family is complete under {@code models/emoji/} (student, {@code teacher/}, {@code oracle/} and
 * {@code calibration.json}); {@code --no-adaptive} turns that off. Until the family ships, generation stays
 * student-only unless {@code --adaptive} is given.
 */
public final class AdaptiveOptions {
    static final String TEACHER_DIR = "teacher";
    static final String ORACLE_DIR = "oracle";
    static final String CALIBRATION_FILE = "calibration.json";

    @Option(names = "--adaptive",
            description = "Adaptive generation: the student drafts, the oracle scores, drafts under the threshold go to the teacher.")
    boolean adaptive;

    @Option(names = "--no-adaptive", description = "Student only, even where the built-in family would make generation adaptive.")
    boolean noAdaptive;

    @Option(names = "--teacher", paramLabel = "FOLDER",
            description = "The teacher's ONNX model folder. Default: models/emoji/teacher of the installation.")
    Path teacher;

    @Option(names = "--oracle", paramLabel = "FOLDER",
            description = "The oracle: an Optimum `clip` export (CLIP score) or a reward-model folder with reward_config.json."
                    + " Default: models/emoji/oracle.")
    Path oracle;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Calibration from `apprentice calibrate`, made with the same student settings; τ is its k-th"
                    + " percentile. Default: models/emoji/calibration.json when generating with the built-in family; without"
                    + " one, an online gate holds the teacher share at k%% over the run.")
    Path calibration;

    @Option(names = "--k", paramLabel = "PERCENT",
            description = "Share of drafts sent to the teacher, 0 < k < 100. Default: 50 (unless --target-nfe is given).")
    Double k;

    @Option(names = "--target-nfe", paramLabel = "N",
            description = "Choose k for this average number of UNet evaluations per image: avgNFE = student steps × best-of"
                    + " + k/100 × teacher steps run.")
    Double targetNfe;

    @Option(names = "--tau", paramLabel = "SCORE",
            description = "A fixed threshold instead of a calibration percentile (keep drafts scoring >= SCORE).")
    Double tau;

    @Option(names = "--online-window", paramLabel = "N", defaultValue = "500",
            description = "Without a calibration: the online gate's window of recent scores. Default: ${DEFAULT-VALUE}.")
    int onlineWindow;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "refine",
            description = "What the teacher does with a rejected draft: refine (SDEdit from the draft), regenerate (fresh"
                    + " seeded noise) or auto (regenerate those under --regenerate-below, refine the rest). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--regenerate-below", paramLabel = "PERCENT",
            description = "auto mode: drafts under this percentile (below k) are regenerated rather than refined.")
    Double regenerateBelow;

    static final double DEFAULT_REFINE_STRENGTH = 0.7;

    @Option(names = "--refine-strength", paramLabel = "S",
            description = "Refinement strength in diffusers' img2img convention (the fraction of the teacher's timesteps run,"
                    + " not a noise variance); the teacher is asked for int(n/S + 1) steps so about n run. Default: 0.7.")
    Double refineStrength;

    @Option(names = "--refine-variance", paramLabel = "V",
            description = "Give the refinement noise in the paper's variance form instead (x = sqrt(1-V)·x0 + sqrt(V)·z);"
                    + " converted to the strength whose start timestep has that noise variance on the teacher's schedule.")
    Double refineVariance;

    @Option(names = "--teacher-steps", paramLabel = "N", defaultValue = "25",
            description = "Steps the teacher really runs (refinement or regeneration). Default: ${DEFAULT-VALUE}.")
    int teacherSteps;

    @Option(names = "--teacher-guidance", paramLabel = "W",
            description = "The teacher's classifier-free guidance. Default: the teacher folder's " + GenerationDefaults.FILE
                    + " (3 for the built-in teacher), else 7.5.")
    Double teacherGuidance;

    @Option(names = "--teacher-scheduler", paramLabel = "NAME",
            description = "The teacher's sampler. Default: its folder's scheduler.")
    String teacherScheduler;

    @Option(names = "--best-of", paramLabel = "N", defaultValue = "1",
            description = "Student drafts per image with different seeds; the best-scoring one is gated. Default: ${DEFAULT-VALUE}.")
    int bestOf;

    @Option(names = "--draft-batch", paramLabel = "N", defaultValue = "4",
            description = "Images drafted per student call. Default: ${DEFAULT-VALUE}.")
    int draftBatch;

    @Option(names = "--teacher-batch", paramLabel = "N", defaultValue = "4",
            description = "Rejected drafts gathered per teacher call. Default: ${DEFAULT-VALUE}.")
    int teacherBatch;

    @Option(names = "--score-teacher-outputs",
            description = "Also score the teacher's images (recorded as final_score; costs one oracle call per teacher batch).")
    boolean scoreTeacherOutputs;

    @Option(names = "--log", paramLabel = "FILE",
            description = "JSONL log, one line per image with its route, score, τ, k, seeds, NFE and times (appended)."
                    + " Default: adaptive-log.jsonl in the output folder.")
    Path log;

    /** Whether this generate run is adaptive: asked for, or the default model is a complete built-in family. */
    boolean active(AppEnvironment env, boolean modelGiven) {
        if (adaptive) {
            return true;
        }
        return !noAdaptive && !modelGiven && builtInFamilyComplete(env.home());
    }

    static boolean builtInFamilyComplete(Path home) {
        Path family = home.resolve(ModelLocator.BUILT_IN_DIR);
        return ModelLocator.isModelFolder(family.resolve(TEACHER_DIR)) && Files.isDirectory(family.resolve(ORACLE_DIR))
                && Files.isRegularFile(family.resolve(CALIBRATION_FILE)) && ModelLocator.builtIn(home).isPresent();
    }

    Path teacherFolder(AppEnvironment env) {
        if (teacher != null) {
            return ModelLocator.requireModelFolder(teacher);
        }
        Path builtIn = env.home().resolve(ModelLocator.BUILT_IN_DIR).resolve(TEACHER_DIR);
        if (ModelLocator.isModelFolder(builtIn)) {
            return builtIn;
        }
        throw new BadInputException("adaptive generation needs a teacher: give its model folder with --teacher (no built-in "
                + "teacher under " + builtIn + ")");
    }

    Path oracleFolder(AppEnvironment env) {
        return oracleFolder(oracle, env);
    }

    /** The oracle folder given (checked to be a folder), else the built-in family's; {@code calibrate} uses it too. */
    static Path oracleFolder(Path oracle, AppEnvironment env) {
        if (oracle != null) {
            if (!Files.isDirectory(oracle)) {
                throw new BadInputException("--oracle " + oracle + " is not a folder: give an Optimum `clip` export or a reward"
                        + " model folder");
            }
            return oracle;
        }
        Path builtIn = env.home().resolve(ModelLocator.BUILT_IN_DIR).resolve(ORACLE_DIR);
        if (Files.isDirectory(builtIn)) {
            return builtIn;
        }
        throw new BadInputException("adaptive generation needs an oracle: give its folder with --oracle (no built-in oracle under "
                + builtIn + ")");
    }

    /** The calibration file to use: the given one, else the built-in family's when the student is the built-in one, else null. */
    Path calibrationFile(AppEnvironment env, boolean builtInStudent) {
        if (calibration != null) {
            return calibration;
        }
        Path builtIn = env.home().resolve(ModelLocator.BUILT_IN_DIR).resolve(CALIBRATION_FILE);
        return builtInStudent && tau == null && Files.isRegularFile(builtIn) ? builtIn : null;
    }

    void checkRanges() {
        if (k != null && !(k > 0 && k < 100)) {
            throw new BadInputException("--k " + k + " is outside (0, 100): it is the percentage of drafts sent to the teacher"
                    + " (0 would never use the teacher, 100 always)");
        }
        if (k != null && targetNfe != null) {
            throw new BadInputException("--k and --target-nfe both choose the teacher share: give only one of them");
        }
        if (tau != null && (k != null || targetNfe != null || calibration != null)) {
            throw new BadInputException("--tau fixes the threshold directly: leave out --k, --target-nfe and --calibration");
        }
        if (refineStrength != null && refineVariance != null) {
            throw new BadInputException("--refine-strength and --refine-variance both set the refinement noise: give one of them");
        }
        if (refineVariance != null && !(refineVariance > 0 && refineVariance < 1)) {
            throw new BadInputException("--refine-variance " + refineVariance + " is outside (0, 1)");
        }
        if (refineStrength != null && !(refineStrength > 0 && refineStrength <= 1)) {
            throw new BadInputException("--refine-strength " + refineStrength + " is outside (0, 1]: it is diffusers' img2img"
                    + " strength, the fraction of the teacher's timesteps run, e.g. 0.7");
        }
        if (teacherSteps < 1) {
            throw new BadInputException("--teacher-steps " + teacherSteps + " is less than 1");
        }
        if (bestOf < 1) {
            throw new BadInputException("--best-of " + bestOf + " is less than 1: draw at least one draft per image");
        }
        if (draftBatch < 1 || teacherBatch < 1) {
            throw new BadInputException("--draft-batch and --teacher-batch must be at least 1");
        }
        if (onlineWindow < 20) {
            throw new BadInputException("--online-window " + onlineWindow + " is below 20 scores");
        }
        if (regenerateBelow != null && !(regenerateBelow > 0 && regenerateBelow < 100)) {
            throw new BadInputException("--regenerate-below " + regenerateBelow + " is outside (0, 100): give a percentile below k");
        }
    }
}
