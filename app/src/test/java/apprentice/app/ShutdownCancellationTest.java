package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shutdown hook's part: cancel at once, then hold the JVM until the command closes (or the grace ends). */
class ShutdownCancellationTest {

    @Test
    void theHookCancelsThenWaitsUntilTheCommandCloses() throws Exception {
        ShutdownCancellation c = new ShutdownCancellation("test-hook", Duration.ofSeconds(30));
        assertFalse(c.token().isCancelled());
        Thread hook = new Thread(c::onShutdown);
        hook.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!c.token().isCancelled() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(c.token().isCancelled(), "the hook cancels first");
        hook.join(300);
        assertTrue(hook.isAlive(), "and keeps the JVM alive while the command is still cleaning up");
        c.close();
        hook.join(5_000);
        assertFalse(hook.isAlive(), "closing releases it");
    }

    @Test
    void aCommandThatNeverClosesIsGivenUpOnAfterTheGrace() throws Exception {
        ShutdownCancellation c = new ShutdownCancellation("test-hook", Duration.ofMillis(200));
        long t0 = System.nanoTime();
        c.onShutdown();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(c.token().isCancelled());
        assertTrue(ms >= 150, "waited for the grace: " + ms + " ms");
    }

    @Test
    void installedHooksAreRemovedOnClose() {
        ShutdownCancellation open = ShutdownCancellation.install("test-hook");
        assertTrue(Runtime.getRuntime().removeShutdownHook(open.hook), "install registers the hook");
        ShutdownCancellation c = ShutdownCancellation.install("test-hook");
        c.close();
        assertFalse(Runtime.getRuntime().removeShutdownHook(c.hook), "close unregistered it");
        c.close(); // closing twice is harmless
        assertFalse(c.token().isCancelled(), "closing is not cancelling");
    }
}
