package apprentice.train;

import apprentice.train.data.EmojiDataset;
import apprentice.train.data.ValidationSetWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validation-set", description = "Write the dataset's held-out images and captions as the small folder shipped in the "
        + "repository (models/emoji/validation): images.png atlas, captions.jsonl, atlas.json, README.md.")
final class ValidationSetCommand implements Callable<Integer> {
    @Option(names = "--data", description = "dataset folder (default ~/.cache/apprentice/dataset/emoji64)")
    Path data = TrainPaths.dataset();

    @Option(names = "--out", description = "output folder (default models/emoji/validation)")
    Path out = Path.of("models", "emoji", "validation");

    @Override
    public Integer call() throws Exception {
        int n = ValidationSetWriter.write(EmojiDataset.load(data), out);
        System.out.printf("validation set: %d images written to %s%n", n, out.toAbsolutePath());
        return 0;
    }
}
