package apprentice.train;

import apprentice.train.ae.AutoencoderConfig;
import apprentice.train.ae.AutoencoderTrainer;
import apprentice.train.ae.DecoderFineTuner;
import apprentice.train.data.EmojiDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ae", description = {"Train the 64x64x3 <-> 16x16x4 KL autoencoder (resumes from ~/.cache/apprentice/train/ae).",
        "With --decoder-only: fine-tune only the decoder of a trained autoencoder (--init-from) on whole images, the encoder "
                + "frozen (resumes from --dir, default ~/.cache/apprentice/train/ae-decoder; export it with 'export --ae-dir')."})
final class AeCommand implements Callable<Integer> {
    @Option(names = "--data", description = "dataset folder") Path data = TrainPaths.dataset();
    @Option(names = "--dir", description = "checkpoint folder (default ~/.cache/apprentice/train/ae, or .../ae-decoder with --decoder-only)") Path dir;
    @Option(names = "--steps", description = "total optimizer steps (default ${DEFAULT-VALUE})") long steps = 3000;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})") int batch = 32;
    @Option(names = "--lr", description = "peak learning rate (default ${DEFAULT-VALUE})") float lr = 1e-3f;
    @Option(names = "--kl-weight", description = "KL weight relative to a per-pixel sum (default ${DEFAULT-VALUE}; not with --decoder-only)") float klWeight = 1e-6f;
    @Option(names = "--seed") long seed = 1;
    @Option(names = "--checkpoint-seconds", description = "seconds between checkpoints (default ${DEFAULT-VALUE})") int checkpointSeconds = 180;

    @Option(names = "--crop", description = "training crop side, multiple of 4 (default ${DEFAULT-VALUE}; 64 = whole images; not with --decoder-only)") int crop = 32;
    @Option(names = "--full-from", description = "fraction of steps after which whole images are used (default ${DEFAULT-VALUE}; not with --decoder-only)") double fullFrom = 0.8;

    @Option(names = "--decoder-only", description = "fine-tune only the decoder of the autoencoder in --init-from; the encoder and its latent cache stay unchanged")
    boolean decoderOnly;
    @Option(names = "--init-from", description = "trained autoencoder to fine-tune (default ~/.cache/apprentice/train/ae; read only)") Path initFrom = TrainPaths.stage("ae");
    @Option(names = "--ema-decay", description = "EMA decay cap of the decoder fine-tune (default ${DEFAULT-VALUE})") float emaDecay = 0.99f;
    @Option(names = "--validate-every", description = "steps between validation PSNR measurements of the decoder fine-tune (default ${DEFAULT-VALUE})") int validateEvery = 100;

    @Override
    public Integer call() throws Exception {
        EmojiDataset dataset = EmojiDataset.load(data);
        if (decoderOnly) {
            new DecoderFineTuner(dataset, initFrom, dir != null ? dir : TrainPaths.stage(DecoderFineTuner.STAGE), AutoencoderConfig.emoji(),
                    new DecoderFineTuner.Settings(steps, batch, lr, emaDecay, seed, checkpointSeconds, validateEvery), System.out).run();
        } else {
            new AutoencoderTrainer(dataset, dir != null ? dir : TrainPaths.stage("ae"),
                    new AutoencoderTrainer.Settings(steps, batch, lr, klWeight, seed, checkpointSeconds, crop, fullFrom), System.out).run();
        }
        return 0;
    }
}
