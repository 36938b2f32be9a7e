package apprentice.app.serve;

import apprentice.core.adaptive.CalibrationFile;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP service: the JDK's built-in server in front of a {@link JobEngine}. HTTP threads parse,
 * validate and wait; the engine's own workers run the models.
 */
public final class ApprenticeServer implements AutoCloseable {
    private final HttpServer http;
    private final JobEngine engine;
    private final ExecutorService httpThreads;
    private final Metrics metrics = new Metrics();
    private final int answerSeconds;
    private boolean stopped;

    /**
     * Binds and starts serving.
     *
     * @param host address to bind (loopback unless the operator says otherwise)
     * @param port TCP port, 0 for any free one
     * @param token bearer token required on the API, or null for none
     * @param calibration the student's calibration (τ for drafts made with its settings; seeds the online window), or null
     */
    public static ApprenticeServer start(ServedModels models, ServeSettings settings, String host, int port, String token,
                                         CalibrationFile calibration, Tuning tuning) throws IOException {
        return new ApprenticeServer(models, settings, host, port, token, calibration, tuning);
    }

    /**
     * Timing knobs of the HTTP layer.
     *
     * @param httpThreads threads serving connections (each SSE stream or synchronous request holds one)
     * @param syncCommitDelay how long a synchronous request waits before its answer is committed as 200 with heartbeats
     * @param heartbeat interval of SSE keep-alives and synchronous-answer heartbeats (how fast a gone client is noticed)
     * @param answerSeconds on stop, how long the listener stays open for the final answers of jobs just ended (the JDK
     *                      server waits this long even when no exchange is open, so tests use 0)
     */
    public record Tuning(int httpThreads, Duration syncCommitDelay, Duration heartbeat, int answerSeconds) {
        public static Tuning defaults() {
            return new Tuning(64, Duration.ofSeconds(2), Duration.ofSeconds(1), 1);
        }
    }

    private ApprenticeServer(ServedModels models, ServeSettings settings, String host, int port, String token,
                             CalibrationFile calibration, Tuning tuning) throws IOException {
        engine = new JobEngine(models, settings, metrics, calibration);
        answerSeconds = tuning.answerSeconds();
        AtomicInteger n = new AtomicInteger();
        httpThreads = new ThreadPoolExecutor(tuning.httpThreads(), tuning.httpThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "apprentice-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (IOException e) {
            engine.shutdown(Duration.ZERO);
            httpThreads.shutdownNow();
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): choose another --port, or stop the program using it", e);
        }
        http.createContext("/", new HttpApi(engine, models, settings, metrics, token, tuning.syncCommitDelay(), tuning.heartbeat(),
                http.getAddress().getAddress().isLoopbackAddress()));
        http.setExecutor(httpThreads);
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String host() {
        return http.getAddress().getHostString();
    }

    /**
     * Graceful stop: refuse new work (503), let accepted jobs finish for up to {@code grace}, fail the
     * rest with code {@code shutdown} (their waiting clients get that answer), then close the listener.
     *
     * @return how many jobs were failed because time ran out
     */
    public synchronized int stop(Duration grace) {
        if (stopped) {
            return 0;
        }
        stopped = true;
        int failed = engine.shutdown(grace);
        // a moment for waiting HTTP threads to send the final answers of the jobs just ended
        http.stop(answerSeconds);
        httpThreads.shutdown();
        try {
            httpThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        httpThreads.shutdownNow();
        return failed;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    JobEngine engine() {
        return engine;
    }

    Metrics metrics() {
        return metrics;
    }
}
