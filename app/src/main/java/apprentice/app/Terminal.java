package apprentice.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the process's stderr is a terminal (Java 17 has no direct test for stderr). */
final class Terminal {
    private Terminal() {
    }

    /**
     * On Linux, {@code /proc/self/fd/2} links to the device stderr writes to; a terminal is a
     * {@code /dev/pts/N} or {@code /dev/ttyN}. Elsewhere fall back to {@link System#console()}, which
     * only looks at stdin and stdout.
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.console() != null;
    }
}
