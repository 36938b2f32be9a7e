package apprentice.train;

import apprentice.train.data.EmojiDataset;
import apprentice.train.diffusion.TeacherTrainer;
import apprentice.train.diffusion.UnetShape;
import apprentice.train.nn.Checkpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "teacher", description = "Train the teacher latent UNet (eps-prediction, CFG dropout); needs the ae and clip stages.")
final class TeacherCommand implements Callable<Integer> {
    @Option(names = "--data") Path data = TrainPaths.dataset();
    @Option(names = "--dir") Path dir = TrainPaths.stage("teacher");
    @Option(names = "--ae-dir") Path aeDir = TrainPaths.stage("ae");
    @Option(names = "--clip-dir") Path clipDir = TrainPaths.stage("clip");
    @Option(names = "--steps", description = "default ${DEFAULT-VALUE}") long steps = 2000;
    @Option(names = "--batch", description = "default ${DEFAULT-VALUE}") int batch = 32;
    @Option(names = "--lr", description = "default ${DEFAULT-VALUE}") float lr = 1e-3f;
    @Option(names = "--caption-dropout", description = "default ${DEFAULT-VALUE}") float captionDropout = 0.1f;
    @Option(names = "--seed") long seed = 3;
    @Option(names = "--checkpoint-seconds") int checkpointSeconds = 180;
    @Option(names = "--min-snr-gamma", description = "min-SNR loss weighting; 0 = plain eps-MSE (default ${DEFAULT-VALUE})")
    float minSnrGamma = 0f;
    @Option(names = "--snr-floor", description = "floor of the x0-space loss weight, which lifts the high-noise steps "
            + "that shape an image (0 = none; default ${DEFAULT-VALUE})")
    float snrFloor = 0f;
    @Option(names = "--unet-channels", description = "channels per level, e.g. 64,128 (a fresh run; default 32,64)")
    String unetChannels;
    @Option(names = "--unet-layers", description = "residual blocks per level (default 1)") Integer unetLayers;
    @Option(names = "--unet-heads", description = "attention heads (default 2)") Integer unetHeads;
    @Option(names = "--text-time-embedding", description = "add the mean text state to the time embedding (add_embedding)")
    boolean textTimeEmbedding;
    @Option(names = "--position-map", description = "add a learned position map after conv_in (conv_in_position)")
    boolean positionMap;
    @Option(names = "--init-from", description = "a fresh run starts from this teacher checkpoint's weights (its shape "
            + "unless --unet-* say otherwise); new parameters start at zero")
    Path initFrom;
    @Option(names = "--balance-bases", description = "draw every base emoji (with its skin-tone variants) equally often, "
            + "instead of every image")
    boolean balanceBases;
    @Option(names = "--train-text-encoder", description = "train a copy of the CLIP text tower with the UNet (a fresh "
            + "run; the pipelines then use the teacher's tower, the oracle keeps the CLIP's)")
    boolean trainTextEncoder;

    @Override
    public Integer call() throws Exception {
        new TeacherTrainer(EmojiDataset.load(data), dir, aeDir, clipDir,
                new TeacherTrainer.Settings(steps, batch, lr, captionDropout, seed, checkpointSeconds, shape(), minSnrGamma,
                        initFrom, snrFloor, balanceBases, trainTextEncoder), System.out).run();
        return 0;
    }

    private UnetShape shape() throws java.io.IOException {
        boolean sized = unetChannels != null || unetLayers != null || unetHeads != null;
        if (!sized && !textTimeEmbedding && !positionMap && initFrom == null) {
            return null;
        }
        UnetShape d = initFrom != null ? UnetShape.of(Checkpoint.require(initFrom).state()) : UnetShape.SMALL;
        // a warm start keeps the branches its source has; the flags can only add them
        return sized(d).withConditioning(textTimeEmbedding || d.textTimeEmbedding(), positionMap || d.positionEmbedding());
    }

    private UnetShape sized(UnetShape d) {
        int layers = unetLayers != null ? unetLayers : d.layersPerBlock();
        int heads = unetHeads != null ? unetHeads : d.heads();
        return unetChannels != null ? UnetShape.parse(unetChannels, layers, heads) : new UnetShape(d.channels(), layers, heads);
    }
}
