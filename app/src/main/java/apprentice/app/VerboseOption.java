package apprentice.app;

import picocli.CommandLine.Option;

/** {@code --verbose}, mixed into every command: show stack traces and extra detail on stderr. */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces and extra detail on errors.")
    boolean verbose;

    public boolean enabled() {
        return verbose;
    }
}
