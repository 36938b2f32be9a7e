package apprentice.app.serve;

import apprentice.app.BadInputException;
import apprentice.app.Main;
import apprentice.app.ModelLocator;
import apprentice.app.RuntimeChoice;
import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.model.ControlNet;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.onnx.oracle.Oracles;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.nio.file.Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code apprentice serve}: the HTTP API and web page over a student (and optionally a teacher) model. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the JSON API, server-sent job events, an OpenAI-compatible /v1/images/generations and a web page.",
            "Listens on loopback unless --host says otherwise. Stop with Ctrl-C: accepted jobs finish (up to --grace),",
            "the rest fail with code 'shutdown'. See docs/serve.md.",
        })
public final class ServeCommand implements Callable<Integer> {
    /** Environment variable read when --token is not given. */
    public static final String TOKEN_ENV = "APPRENTICE_TOKEN";

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    RuntimeChoice runtime;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to bind (default ${DEFAULT-VALUE}, loopback only; 0.0.0.0 exposes the service to the network).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = {"-m", "--model", "--student"}, paramLabel = "FOLDER",
            description = "Student model folder. Default: the built-in student under models/emoji/ (or the synthetic stand-in "
                    + "while none is installed, as 'apprentice generate').")
    Path student;

    @Option(names = "--teacher", paramLabel = "FOLDER",
            description = "Teacher model folder (enables modes teacher and adaptive). Default: models/emoji/teacher when installed.")
    Path teacher;

    @Option(names = "--oracle", paramLabel = "FOLDER",
            description = "Oracle folder scoring drafts (enables mode adaptive). Default: models/emoji/oracle when installed.")
    Path oracle;

    @Option(names = "--controlnet", paramLabel = "FOLDER",
            description = "A ControlNet (Olive / OnnxStack export) for ControlNet-ready student and teacher folders: every"
                    + " request must then send control_image, which conditions the draft and the teacher alike.")
    Path controlNet;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Calibration file from 'apprentice calibrate': τ(k) for drafts made with its student settings, which "
                    + "also become the default steps and guidance. Other drafts use the online τ (recent scores).")
    Path calibration;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on the API (default: $" + TOKEN_ENV + ", else no auth).")
    String token;

    @Option(names = "--queue", defaultValue = "64", paramLabel = "N", description = "Accepted unfinished jobs before 429 (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-batch", defaultValue = "8", paramLabel = "N", description = "Most requests per student call (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-window-ms", defaultValue = "10", paramLabel = "MS",
            description = "How long the student waits for compatible requests to batch (default ${DEFAULT-VALUE}).")
    int batchWindowMs;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "Per-job time limit (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "On shutdown, how long accepted jobs may still run (default ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Option(names = "--max-body", defaultValue = "8388608", paramLabel = "BYTES", description = "Largest request body (default ${DEFAULT-VALUE}).")
    long maxBody;


    @Option(names = "--bench", description = "Instead of serving: start on a free loopback port, load it with --bench-requests "
            + "synchronous requests per mode from --bench-clients threads, print a Markdown table and stop.")
    boolean bench;

    @Option(names = "--bench-requests", defaultValue = "40", paramLabel = "N", description = "Requests per mode for --bench (default ${DEFAULT-VALUE}).")
    int benchRequests;

    @Option(names = "--bench-clients", defaultValue = "4", paramLabel = "N", description = "Concurrent clients for --bench (default ${DEFAULT-VALUE}).")
    int benchClients;

    @Option(names = "--bench-modes", defaultValue = "student,teacher,adaptive", paramLabel = "LIST", split = ",",
            description = "Modes to measure with --bench, of those the models allow (default ${DEFAULT-VALUE}).")
    List<String> benchModes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (bench) {
            return runBench(out, err);
        }
        Running running = launch(out, err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int failed = running.stop(Duration.ofSeconds(graceSeconds));
            err.println("apprentice serve: stopped" + (failed > 0 ? " (" + failed + " unfinished jobs failed with 'shutdown')" : ""));
            err.flush();
            stopped.countDown();
        }, "apprentice-shutdown"));
        stopped.await();
        return 0;
    }

    private int runBench(PrintWriter out, PrintWriter err) throws Exception {
        if (benchRequests < 1 || benchClients < 1) {
            throw new BadInputException("--bench-requests and --bench-clients must be at least 1");
        }
        host = "127.0.0.1";
        port = 0;
        Running running = launch(err, err);
        try {
            ServedModels models = running.models();
            ServeBench b = new ServeBench(java.net.URI.create("http://127.0.0.1:" + running.server().port()),
                    token != null ? token : System.getenv(TOKEN_ENV));
            List<ServeBench.Row> rows = new ArrayList<>();
            for (String mode : benchModes) {
                String m = mode.trim().toLowerCase(java.util.Locale.ROOT);
                boolean possible = m.equals("student") || (m.equals("teacher") && models.hasTeacher())
                        || (m.equals("adaptive") && models.hasTeacher() && models.hasOracle());
                if (!possible) {
                    err.println("apprentice serve --bench: skipping mode " + m + " (not available with these models)");
                    continue;
                }
                err.println("apprentice serve --bench: " + m + ", " + benchRequests + " requests from " + benchClients + " clients...");
                rows.add(b.run(m, java.util.Map.of(), benchRequests, benchClients, Math.min(4, benchRequests)));
            }
            ServeBench.print(rows, "student " + models.studentName() + ", teacher " + models.teacherName() + ", oracle "
                    + (models.hasOracle() ? models.oracle().name() : "none") + "; " + Runtime.getRuntime().availableProcessors()
                    + " CPUs; max batch " + maxBatch + ", window " + batchWindowMs + " ms", out);
            return 0;
        } finally {
            running.stop(Duration.ofSeconds(5));
        }
    }

    /** A started server and the models it holds open. */
    record Running(ApprenticeServer server, ServedModels models, List<AutoCloseable> open) {
        /** Graceful stop, then the models are closed; returns the number of jobs failed for lack of time. */
        int stop(Duration grace) {
            int failed = server.stop(grace);
            closeAll(open);
            return failed;
        }
    }

    /** Loads the models and starts serving (tests call this and stop the result). */
    Running launch(PrintWriter out, PrintWriter err) {
        checkOptions();
        String auth = token != null ? token : System.getenv(TOKEN_ENV);
        if (!isLoopback(host) && (auth == null || auth.isBlank())) {
            err.println("warning: serving on " + host + " without a token: anyone who can reach this address can use the models "
                    + "(give --token or set $" + TOKEN_ENV + ")");
        }
        RuntimeOptions options = runtime.options();
        Path studentDir = student != null ? ModelLocator.requireModelFolder(student) : main.defaultModel(err);
        Path family = ModelLocator.home().resolve("models/emoji");
        Path teacherDir = teacher != null ? ModelLocator.requireModelFolder(teacher) : builtIn(family.resolve("teacher"), student);
        Path oracleDir = oracle != null ? oracle : builtInOracle(family.resolve("oracle"), student);
        // the built-in family ships its calibration beside its models; used only with the built-in student
        Path builtInCalibration = family.resolve("calibration.json");
        boolean defaultCalibration = calibration == null && student == null && Files.isRegularFile(builtInCalibration);
        CalibrationFile cal = calibration != null ? readCalibration(calibration)
                : defaultCalibration ? readCalibration(builtInCalibration) : null;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            ModelComponents s = RuntimeChoice.load(studentDir, options);
            open.add(s);
            ModelComponents t = null;
            if (teacherDir != null) {
                t = RuntimeChoice.load(teacherDir, options);
                open.add(t);
            }
            ControlNet cn = null;
            if (controlNet != null) {
                cn = RuntimeChoice.loadControlNet(controlNet, options);
                open.add(cn);
            }
            Oracle o = null;
            if (oracleDir != null) {
                o = openOracle(oracleDir, options);
                open.add(o);
            }
            List<String> notes = new ArrayList<>();
            if (t == null) {
                notes.add("no teacher loaded: only mode student is served (give --teacher)");
            } else if (o == null) {
                notes.add("no oracle loaded: adaptive mode needs one (give --oracle)");
            }
            ServeSettings settings = ServeSettings.defaults()
                    .withQueue(queue, maxBatch, Duration.ofMillis(batchWindowMs))
                    .withTimeout(Duration.ofSeconds(timeoutSeconds))
                    .withMaxBody(maxBody);
            settings = folderGuidance(settings, studentDir, teacherDir);
            if (cal != null && defaultCalibration && (o == null || !calibrationProblems(cal, s, o).isEmpty())) {
                err.println("warning: ignoring " + builtInCalibration + " (" + (o == null ? "no oracle loaded"
                        : String.join("; ", calibrationProblems(cal, s, o))) + "): every draft uses the online τ");
                cal = null;
            }
            if (cal != null) {
                checkCalibration(cal, s, o, err);
                ServeSettings d = settings;
                settings = d.withDefaults(cal.student().steps(), cal.student().guidanceScale(), d.teacherSteps(), d.teacherGuidance(),
                        d.refineStrength(), d.budgetK());
                notes.add("calibrated τ for " + cal.student().steps() + " steps, guidance " + cal.student().guidanceScale() + ", "
                        + cal.student().width() + "x" + cal.student().height() + " (" + cal.n() + " drafts); other settings use the online τ");
            }
            if (cn != null) {
                notes.add("ControlNet " + controlNet.getFileName() + ": every request sends control_image");
            }
            ServedModels models = new ServedModels(s.name(), RuntimeChoice.pipeline(s, cn, studentDir)::generate,
                    t == null ? null : t.name(), t == null ? null : RuntimeChoice.pipeline(t, cn, teacherDir)::generate, o,
                    s.defaultImageSize(), s.vae().downscaleFactor(), notes, cn == null ? null : controlNet.getFileName().toString());
            ApprenticeServer server;
            try {
                server = ApprenticeServer.start(models, settings, host, port, auth, cal, ApprenticeServer.Tuning.defaults());
            } catch (java.io.IOException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            out.println("apprentice serve: http://" + hostForUrl(server.host()) + ":" + server.port() + "/  student " + s.name()
                    + (t == null ? "" : ", teacher " + t.name()) + (auth == null || auth.isBlank() ? "" : ", bearer token required"));
            out.flush();
            return new Running(server, models, open);
        } catch (RuntimeException e) {
            closeAll(open);
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing on the way out: nothing left to report it to
            }
        }
    }

    private void checkOptions() {
        if (port < 0 || port > 65535) {
            throw new BadInputException("--port " + port + " is out of range: use 0..65535 (0 = any free port)");
        }
        if (queue < 1 || maxBatch < 1 || batchWindowMs < 0 || timeoutSeconds < 1 || graceSeconds < 0) {
            throw new BadInputException("--queue, --max-batch and --timeout must be at least 1, --batch-window-ms and --grace at least 0");
        }
        if (maxBody < 1024) {
            throw new BadInputException("--max-body " + maxBody + " is too small: give at least 1024 bytes");
        }
    }

    /** Default guidance from the model folders' {@value GenerationDefaults#FILE} where they recommend one. */
    static ServeSettings folderGuidance(ServeSettings d, Path studentDir, Path teacherDir) {
        return d.withDefaults(d.studentSteps(), GenerationDefaults.read(studentDir).guidanceOr(d.studentGuidance()),
                d.teacherSteps(), GenerationDefaults.read(teacherDir).guidanceOr(d.teacherGuidance()), d.refineStrength(),
                d.budgetK());
    }

    /** The built-in family's teacher, only when the student is the built-in default too (never mix a user's student with it). */
    private static Path builtIn(Path folder, Path userStudent) {
        return userStudent == null && ModelLocator.isModelFolder(folder) ? folder : null;
    }

    private static Path builtInOracle(Path folder, Path userStudent) {
        return userStudent == null && Files.isDirectory(folder) ? folder : null;
    }

    private static Oracle openOracle(Path dir, RuntimeOptions options) {
        try {
            return Oracles.open(dir, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use oracle folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static CalibrationFile readCalibration(Path file) {
        try {
            return CalibrationFile.read(file);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new BadInputException("cannot use calibration file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Only the student model and the oracle must match: the other settings decide which drafts the calibration covers. */
    private static List<String> calibrationProblems(CalibrationFile cal, ModelComponents s, Oracle o) {
        StudentSettings served = new StudentSettings(s.name(), cal.student().steps(), cal.student().guidanceScale(),
                cal.student().scheduler(), cal.student().width(), cal.student().height(), cal.student().negativePrompt(), 1, Double.NaN);
        List<String> problems = new ArrayList<>(cal.differences(served, o.name()));
        if (cal.student().bestOf() != 1 || cal.student().isEdit() || cal.student().scheduler() != null
                || !cal.student().negativePrompt().isEmpty()) {
            problems.add("the calibration was made with best-of " + cal.student().bestOf() + ", scheduler "
                    + cal.student().schedulerLabel() + ", negative prompt '" + cal.student().negativePrompt() + "'"
                    + (cal.student().isEdit() ? ", editing" : "") + "; the server draws one text-to-image draft with the model's "
                    + "scheduler and no negative prompt: calibrate with those settings");
        }
        return problems;
    }

    /** A calibration made with another oracle or student means nothing here; other settings only limit where it applies. */
    private static void checkCalibration(CalibrationFile cal, ModelComponents s, Oracle o, PrintWriter err) {
        if (o == null) {
            throw new BadInputException("--calibration needs an oracle to score drafts: give --oracle (the one the calibration used, "
                    + cal.oracle() + ")");
        }
        List<String> problems = calibrationProblems(cal, s, o);
        if (!problems.isEmpty()) {
            throw new BadInputException("the calibration file does not fit this server: " + String.join("; ", problems));
        }
        if (s.defaultImageSize() != cal.student().width() || s.defaultImageSize() != cal.student().height()) {
            err.println("warning: the calibration was made at " + cal.student().width() + "x" + cal.student().height()
                    + " but the model's default size is " + s.defaultImageSize() + ": only requests at the calibrated size use its τ");
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new BadInputException("--host " + host + " is not a known address: use an IP address or a resolvable name");
        }
    }

    private static String hostForUrl(String h) {
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
