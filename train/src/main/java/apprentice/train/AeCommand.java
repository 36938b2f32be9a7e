package apprentice.train;

import apprentice.train.ae.AutoencoderTrainer;
import apprentice.train.data.EmojiDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ae", description = "Train the 64x64x3 <-> 16x16x4 KL autoencoder (resumes from ~/.cache/apprentice/train/ae).")
final class AeCommand implements Callable<Integer> {
    @Option(names = "--data", description = "dataset folder") Path data = TrainPaths.dataset();
    @Option(names = "--dir", description = "checkpoint folder") Path dir = TrainPaths.stage("ae");
    @Option(names = "--steps", description = "total optimizer steps (default ${DEFAULT-VALUE})") long steps = 3000;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})") int batch = 32;
    @Option(names = "--lr", description = "peak learning rate (default ${DEFAULT-VALUE})") float lr = 1e-3f;
    @Option(names = "--kl-weight", description = "KL weight relative to a per-pixel sum (default ${DEFAULT-VALUE})") float klWeight = 1e-6f;
    @Option(names = "--seed") long seed = 1;
    @Option(names = "--checkpoint-seconds", description = "seconds between checkpoints (default ${DEFAULT-VALUE})") int checkpointSeconds = 180;

    @Option(names = "--crop", description = "training crop side, multiple of 4 (default ${DEFAULT-VALUE}; 64 = whole images)") int crop = 32;
    @Option(names = "--full-from", description = "fraction of steps after which whole images are used (default ${DEFAULT-VALUE})") double fullFrom = 0.8;

    @Override
    public Integer call() throws Exception {
        new AutoencoderTrainer(EmojiDataset.load(data), dir,
                new AutoencoderTrainer.Settings(steps, batch, lr, klWeight, seed, checkpointSeconds, crop, fullFrom), System.out).run();
        return 0;
    }
}
