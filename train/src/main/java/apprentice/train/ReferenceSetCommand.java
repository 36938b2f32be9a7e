package apprentice.train;

import apprentice.train.data.EmojiDataset;
import apprentice.train.data.ReferenceSetWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reference-set", description = "Write the training images of chosen trained emoji (every vendor, no skin tones) as the"
        + " small folder shipped in the repository (models/emoji/reference), in the validation set's format: the real images"
        + " `apprentice metrics` compares generated images of trained labels with.")
final class ReferenceSetCommand implements Callable<Integer> {
    @Option(names = "--data", description = "dataset folder (default ~/.cache/apprentice/dataset/emoji64)")
    Path data = TrainPaths.dataset();

    @Option(names = "--labels", paramLabel = "FILE", description = "a file of English labels, one per line ('#' starts a comment); repeatable")
    List<Path> labelFiles = new ArrayList<>();

    @Option(names = "--label", paramLabel = "LABEL", description = "one more English label; repeatable")
    List<String> labels = new ArrayList<>();

    @Option(names = "--out", description = "output folder (default models/emoji/reference)")
    Path out = Path.of("models", "emoji", "reference");

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>();
        for (Path file : labelFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--labels " + file + " is not a file: give a text file with one label per line");
            }
            Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(all::add);
        }
        all.addAll(labels);
        int n = ReferenceSetWriter.write(EmojiDataset.load(data), all, out, command());
        System.out.printf("reference set: %d images of %d labels written to %s%n", n, all.stream().distinct().count(),
                out.toAbsolutePath());
        return 0;
    }

    /** The command line as recorded in the README (paths as given, labels quoted). */
    private String command() {
        StringBuilder s = new StringBuilder("train/run.sh reference-set");
        labelFiles.forEach(f -> s.append(" --labels ").append(f));
        s.append(labels.stream().map(l -> " --label '" + l.replace("'", "'\\''") + "'").collect(Collectors.joining()));
        return s.append(" --out ").append(out).toString();
    }
}
