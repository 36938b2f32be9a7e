package apprentice.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the training pipeline: one resumable subcommand per stage. */
@Command(name = "apprentice-train", mixinStandardHelpOptions = true,
        description = "Builds the emoji dataset, trains the emoji model family with DJL/libtorch and exports ONNX model folders.",
        subcommands = {DatasetCommand.class, AeCommand.class, ClipCommand.class, TeacherCommand.class, StudentCommand.class,
            ExportCommand.class, MetricsCommand.class, ValidationSetCommand.class, ReferenceSetCommand.class,
            TextSimilarityCommand.class, ProbeCommand.class})
public final class TrainMain {
    /** Exit status of a run stopped by bad input or a missing file (picocli's own usage errors exit with 2 as well). */
    static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: bad input and file errors (the messages name the problem and the fix)
     * print as one line, without a stack trace; anything else is a bug and keeps its trace.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrainMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException) {
                PrintWriter err = cmd.getErr();
                err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                err.flush();
                return BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }
}
