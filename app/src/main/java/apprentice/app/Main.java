package apprentice.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code apprentice} command line. {@link #run} executes a command in-process
 * with the given streams (tests use it); {@link #main} exits the JVM with its status.
 */
@Command(
        name = "apprentice",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Text-to-image diffusion on the JVM: a fast student draws, an oracle scores, a teacher fixes the rest.",
            "Runs diffusers/Optimum ONNX model folders on ONNX Runtime.",
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = "Run 'apprentice <command> --help' for a command's options.",
        subcommands = {
            GenerateCommand.class,
            CalibrateCommand.class,
            EditCommand.class,
            TokenizeCommand.class,
            apprentice.app.serve.ServeCommand.class,
            BenchCommand.class,
            apprentice.app.evaluate.EvaluateCommand.class,
            MetricsCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    private final AppEnvironment env;

    Main(AppEnvironment env) {
        this.env = env;
    }

    AppEnvironment env() {
        return env;
    }

    /**
     * The model used when no {@code --model} is given: the built-in family when installed, else a
     * synthesised stand-in (announced on stderr, so output never silently comes from a model the
     * user did not expect).
     */
    public Path defaultModel(PrintWriter err) {
        return ModelLocator.builtIn(env.home()).orElseGet(() -> SyntheticStandIn.folder(env, err));
    }

    /** The folder a command's {@code --model} names (checked, so mistakes get a clear message), else {@link #defaultModel}. */
    Path modelFolder(Path model, PrintWriter err) {
        return model != null ? ModelLocator.requireModelFolder(model) : defaultModel(err);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no command given: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        // UTF-8 regardless of the locale: prompts and tokens are often not ASCII
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(AppEnvironment.detect(Terminal.stderrIsTerminal()), out, err, args));
    }

    /** Runs one command line and returns its exit status (see {@link ExitCodes}); never calls System.exit. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(new PrintWriter(out, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true, StandardCharsets.UTF_8), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(AppEnvironment.detect(false), out, err, args);
    }

    /** Runs with an explicit environment (tests: a temporary installation and cache). */
    public static int run(AppEnvironment env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(new Main(env));
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command tree (exit codes, error handlers, case rules). */
    static CommandLine commandLine(Main main) {
        CommandLine cli = new CommandLine(main);
        ErrorReporter reporter = new ErrorReporter();
        cli.setParameterExceptionHandler(reporter);
        cli.setExecutionExceptionHandler(reporter);
        cli.setExitCodeExceptionMapper(reporter);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // the last of a repeated option wins, as in most Unix tools (scripts append overrides)
        cli.setOverwrittenOptionsAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        addExitCodeHelp(cli);
        return cli;
    }

    /** Every command's help lists the same exit codes (kept in one place, {@link ExitCodes}). */
    private static void addExitCodeHelp(CommandLine cli) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (String entry : ExitCodes.HELP_LIST) {
            int colon = entry.indexOf(':');
            codes.put(String.format("%4s", entry.substring(0, colon)), entry.substring(colon + 1));
        }
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cli.getSubcommands().values()) {
            addExitCodeHelp(sub);
        }
    }
}
