package apprentice.app;

/** How {@code --progress} shows denoising steps on stderr. */
public enum ProgressMode {
    /** A bar when stderr is a terminal, plain lines otherwise. */
    AUTO,
    /** A bar redrawn in place. */
    BAR,
    /** Plain lines, at most one a second (for logs). */
    PLAIN,
    /** Nothing. */
    NONE;

    /** The bar for this mode, or null for {@link #NONE}. */
    ProgressBar create(java.io.PrintWriter err, boolean stderrIsTerminal) {
        return switch (this) {
            case NONE -> null;
            case BAR -> new ProgressBar(err, true);
            case PLAIN -> new ProgressBar(err, false);
            case AUTO -> new ProgressBar(err, stderrIsTerminal);
        };
    }
}
