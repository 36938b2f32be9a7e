package apprentice.app;

import apprentice.core.pipeline.CancellationToken;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM for a command that runs models. The JVM's shutdown hook cancels {@link #token()} and
 * then waits, up to a grace period, until the command {@linkplain #close() closes} this object. Without the wait
 * the JVM halts as soon as the hook returns: mid-way through writing an image (leaving a temporary file) and
 * before the command can say how far it got. The pipelines check the token between denoising steps, so the wait
 * is one UNet call plus the command's clean-up.
 *
 * <p>Use with try-with-resources around the run, and print the "interrupted" report <em>inside</em> the block:
 * once it is closed the JVM may halt at any moment.
 */
public final class ShutdownCancellation implements AutoCloseable {
    /** How long the hook lets a command finish its current step and clean up. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final CancellationToken token = new CancellationToken();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Duration grace;
    final Thread hook; // package-private: tests check that close() unregisters it

    /** Registers the hook; {@code name} names its thread (seen in thread dumps). */
    public static ShutdownCancellation install(String name) {
        ShutdownCancellation c = new ShutdownCancellation(name, GRACE);
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    /** Not registered: tests call {@link #onShutdown()} themselves. */
    ShutdownCancellation(String name, Duration grace) {
        this.grace = grace;
        this.hook = new Thread(this::onShutdown, name);
    }

    /** The token the command hands to its pipelines. */
    public CancellationToken token() {
        return token;
    }

    /** What the hook does: cancel, then wait for {@link #close()} or the grace period. */
    void onShutdown() {
        token.cancel();
        try {
            closed.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command is done (finished, failed or cancelled): release a waiting hook and unregister it. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: the hook is running and needs no removal
        }
    }
}
