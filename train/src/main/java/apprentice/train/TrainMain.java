package apprentice.train;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the training pipeline: one resumable subcommand per stage. */
@Command(name = "apprentice-train", mixinStandardHelpOptions = true,
        description = "Builds the emoji dataset, trains the emoji model family with DJL/libtorch and exports ONNX model folders.",
        subcommands = {DatasetCommand.class, AeCommand.class, ClipCommand.class, TeacherCommand.class, StudentCommand.class, ExportCommand.class, MetricsCommand.class, ValidationSetCommand.class, TextSimilarityCommand.class, ProbeCommand.class})
public final class TrainMain {
    public static void main(String[] args) {
        int code = new CommandLine(new TrainMain()).execute(args);
        System.exit(code);
    }
}
