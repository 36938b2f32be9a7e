package apprentice.core.tokenizer;

import java.nio.file.Path;

/**
 * A tokenizer file is missing or malformed. The message names the file, the problem and how to
 * fix it.
 */
public final class TokenizerFileException extends IllegalArgumentException {

    private final transient Path file;

    TokenizerFileException(Path file, String problem, String fix) {
        super(file + ": " + problem + " " + fix);
        this.file = file;
    }

    TokenizerFileException(Path file, String problem, String fix, Throwable cause) {
        super(file + ": " + problem + " " + fix, cause);
        this.file = file;
    }

    /** The file that could not be used. */
    public Path file() {
        return file;
    }
}
