package apprentice.app;

/**
 * The exit statuses every command uses. Scripts tell a mistake in their own call (fix the input and
 * retry) from a failure while running (look at the logs) by these.
 */
public final class ExitCodes {
    /** Everything asked for was done. */
    public static final int OK = 0;
    /** A failure while running (ONNX Runtime error, disk full, ...), or some items of a batch failed. */
    public static final int RUNTIME_FAILURE = 1;
    /** A usage error or bad input: unknown option, missing or malformed model folder, bad size, ... */
    public static final int BAD_INPUT = 2;
    /** Interrupted by the user (Ctrl-C), as shells report SIGINT. */
    public static final int INTERRUPTED = 130;

    /** The lines shown under "Exit codes:" in every command's help. */
    static final String[] HELP_LIST = {
        "0:success",
        "1:runtime failure (or some items of a batch failed)",
        "2:bad input or usage error; nothing was written",
        "130:interrupted",
    };

    private ExitCodes() {
    }
}
