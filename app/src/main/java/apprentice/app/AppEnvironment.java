package apprentice.app;

import java.nio.file.Path;

/**
 * Facts about where the command line runs, decided once at start-up and passed to the commands, so
 * that tests can run them in-process against a temporary installation and cache.
 *
 * @param stderrIsTerminal whether progress bars may redraw in place
 * @param home the installation directory (holds {@code models/emoji/})
 * @param cacheDir where synthesised stand-in models are kept ({@code ~/.cache/apprentice})
 */
public record AppEnvironment(boolean stderrIsTerminal, Path home, Path cacheDir) {

    /** The real process: {@code -Dapprentice.home}, {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
    public static AppEnvironment detect(boolean stderrIsTerminal) {
        return new AppEnvironment(stderrIsTerminal, ModelLocator.home(), defaultCacheDir());
    }

    static Path defaultCacheDir() {
        String override = System.getProperty("apprentice.cache");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("apprentice");
    }
}
