package apprentice.train;

import apprentice.train.data.EmojiDataset;
import apprentice.train.export.ModelExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", description = "Export the trained stages as ONNX model folders (teacher/, student/, oracle/).")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--data") Path data = TrainPaths.dataset();
    @Option(names = "--stages", description = "folder holding ae/, clip/, teacher/, student/ (default ~/.cache/apprentice/train)")
    Path stages = TrainPaths.cacheRoot().resolve("train");
    @Option(names = "--ae-dir", description = "autoencoder checkpoint folder, e.g. a decoder fine-tune (default <stages>/ae)") Path aeDir;
    @Option(names = "--oracle-dir", description = "CLIP checkpoint folder exported as the oracle, e.g. a longer-trained copy of the clip stage (default <stages>/clip)") Path oracleDir;
    @Option(names = "--out", description = "output folder (default models/emoji)") Path out = Path.of("models", "emoji");
    @Option(names = "--no-student", description = "export only the teacher pipeline and the oracle") boolean noStudent;
    @Option(names = "--float16-unets", description = "store the UNets' weights as float16 (half the size; float32 arithmetic;"
            + " outputs within float16 rounding)") boolean float16Unets;

    @Override
    public Integer call() throws Exception {
        new ModelExporter(stages, aeDir != null ? aeDir : stages.resolve("ae"),
                oracleDir != null ? oracleDir : stages.resolve("clip"), System.out).export(out, EmojiDataset.load(data), !noStudent, float16Unets);
        return 0;
    }
}
