package apprentice.train;

import apprentice.train.clip.ClipTrainer;
import apprentice.train.data.EmojiDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "clip", description = "Train the CLIP-style dual encoder contrastively (resumes from ~/.cache/apprentice/train/clip).")
final class ClipCommand implements Callable<Integer> {
    @Option(names = "--data") Path data = TrainPaths.dataset();
    @Option(names = "--dir") Path dir = TrainPaths.stage("clip");
    @Option(names = "--clip-vocab", description = {"folder with CLIP's vocab.json + merges.txt (Hugging Face layout) to reduce;",
            "needed once, until <dir>/tokenizer exists (see docs/training.md for where to get them)"})
    Path clipVocab;
    @Option(names = "--steps", description = "default ${DEFAULT-VALUE}") long steps = 1500;
    @Option(names = "--batch", description = "default ${DEFAULT-VALUE}") int batch = 64;
    @Option(names = "--lr", description = "default ${DEFAULT-VALUE}") float lr = 1e-3f;
    @Option(names = "--seed") long seed = 2;
    @Option(names = "--checkpoint-seconds") int checkpointSeconds = 180;

    @Override
    public Integer call() throws Exception {
        EmojiDataset ds = EmojiDataset.load(data);
        Path tok = ClipTrainer.ensureTokenizer(ds, dir, clipVocab, System.out);
        new ClipTrainer(ds, dir, new ClipTrainer.Settings(steps, batch, lr, seed, checkpointSeconds), System.out).run(tok);
        return 0;
    }
}
