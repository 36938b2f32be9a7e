package apprentice.app;

/** The user interrupted a command (Ctrl-C); exits with {@link ExitCodes#INTERRUPTED}. */
public final class CancelledException extends RuntimeException {
    public CancelledException(String message) {
        super(message);
    }
}
