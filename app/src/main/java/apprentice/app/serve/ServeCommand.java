package apprentice.app.serve;

import apprentice.app.BadInputException;
import apprentice.app.ModelLocator;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.runtime.OnnxModelFolder;
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
import picocli.CommandLine.Command;
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

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to bind (default ${DEFAULT-VALUE}, loopback only; 0.0.0.0 exposes the service to the network).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = {"-m", "--model", "--student"}, paramLabel = "FOLDER",
            description = "Student model folder. Default: the built-in model under models/emoji/.")
    Path student;

    @Option(names = "--teacher", paramLabel = "FOLDER", description = "Teacher model folder (enables modes teacher and adaptive).")
    Path teacher;

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

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "ONNX Runtime intra-op threads (0 = its choice).")
    int threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        String auth = token != null ? token : System.getenv(TOKEN_ENV);
        if (!isLoopback(host) && (auth == null || auth.isBlank())) {
            err.println("warning: serving on " + host + " without a token: anyone who can reach this address can use the models "
                    + "(give --token or set $" + TOKEN_ENV + ")");
        }
        RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads, 0);
        Path studentDir = student != null ? ModelLocator.requireModelFolder(student) : defaultStudent();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            ModelComponents s = load(studentDir, options);
            open.add(s);
            ModelComponents t = null;
            if (teacher != null) {
                t = load(ModelLocator.requireModelFolder(teacher), options);
                open.add(t);
            }
            List<String> notes = new ArrayList<>();
            notes.add("no oracle loaded: adaptive mode needs one (the emoji family's oracle, once it ships)");
            ServedModels models = new ServedModels(s.name(), new DiffusionPipeline(s)::generate,
                    t == null ? null : t.name(), t == null ? null : new DiffusionPipeline(t)::generate, null,
                    s.defaultImageSize(), s.vae().downscaleFactor(), notes);
            ServeSettings settings = ServeSettings.defaults()
                    .withQueue(queue, maxBatch, Duration.ofMillis(batchWindowMs))
                    .withTimeout(Duration.ofSeconds(timeoutSeconds))
                    .withMaxBody(maxBody);
            ApprenticeServer server = ApprenticeServer.start(models, settings, host, port, auth, new double[0],
                    ApprenticeServer.Tuning.defaults());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                int failed = server.stop(Duration.ofSeconds(graceSeconds));
                err.println("apprentice serve: stopped" + (failed > 0 ? " (" + failed + " unfinished jobs failed with 'shutdown')" : ""));
                err.flush();
                stopped.countDown();
            }, "apprentice-shutdown"));
            out.println("apprentice serve: http://" + hostForUrl(server.host()) + ":" + server.port() + "/  student " + s.name()
                    + (t == null ? "" : ", teacher " + t.name()) + (auth == null || auth.isBlank() ? "" : ", bearer token required"));
            out.flush();
            stopped.await();
            return 0;
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing at exit: nothing left to report it to
                }
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
        if (threads < 0) {
            throw new BadInputException("--threads " + threads + " is negative: give a thread count, or 0 for ONNX Runtime's choice");
        }
    }

    private static Path defaultStudent() {
        Path home = ModelLocator.home();
        return ModelLocator.builtIn(home).orElseThrow(() -> new BadInputException("no --model given and no built-in model installed "
                + "under " + home.resolve("models/emoji") + ": give a student model folder with --model"));
    }

    private static ModelComponents load(Path folder, RuntimeOptions options) {
        try {
            return OnnxModelFolder.load(folder, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use model folder " + folder + ": " + e.getMessage(), e);
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
