package apprentice.app;

/**
 * The user's input cannot be used (missing file, malformed model folder, out-of-range value).
 * The message is one line that names the problem and how to fix it; it is printed without a stack
 * trace and the command exits with {@link ExitCodes#BAD_INPUT}.
 */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
