package apprentice.app;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and an exit status: usage errors and
 * {@link BadInputException} exit 2, anything else 1. Stack traces only with {@code --verbose},
 * because a user who typed a wrong path needs the fix, not forty lines of Java.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler, IExitCodeExceptionMapper {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage() + ". Run '" + name + " --help' for the options.");
        if (containsVerbose(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code = getExitCode(ex);
        err.println(name + ": " + describe(ex));
        if (isVerbose(parseResult)) {
            ex.printStackTrace(err);
        } else if (code == ExitCodes.RUNTIME_FAILURE) {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }

    @Override
    public int getExitCode(Throwable ex) {
        if (ex instanceof BadInputException || ex instanceof ParameterException) {
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof InterruptedException) {
            return ExitCodes.INTERRUPTED;
        }
        return ExitCodes.RUNTIME_FAILURE;
    }

    /** One line: our own messages as they are, others with the exception type, which is often the clue. */
    static String describe(Throwable ex) {
        if (ex instanceof BadInputException) {
            return oneLine(ex.getMessage());
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        String type = root.getClass().getSimpleName();
        return msg == null ? type : type + ": " + oneLine(msg);
    }

    /** Messages of wrapped libraries (Jackson, ONNX Runtime) may span lines; the report is one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean isVerbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsVerbose(String[] args) {
        for (String a : args) {
            if ("--verbose".equals(a)) {
                return true;
            }
        }
        return false;
    }
}
