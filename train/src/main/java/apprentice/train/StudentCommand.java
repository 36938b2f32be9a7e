package apprentice.train;

import apprentice.train.data.EmojiDataset;
import apprentice.train.diffusion.StudentTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "student", description = "Consistency-distil the student UNet from the teacher (LCM recipe); needs ae, clip and teacher.")
final class StudentCommand implements Callable<Integer> {
    @Option(names = "--data") Path data = TrainPaths.dataset();
    @Option(names = "--dir") Path dir = TrainPaths.stage("student");
    @Option(names = "--teacher-dir") Path teacherDir = TrainPaths.stage("teacher");
    @Option(names = "--ae-dir") Path aeDir = TrainPaths.stage("ae");
    @Option(names = "--clip-dir") Path clipDir = TrainPaths.stage("clip");
    @Option(names = "--steps", description = "default ${DEFAULT-VALUE}") long steps = 500;
    @Option(names = "--batch", description = "default ${DEFAULT-VALUE}") int batch = 16;
    @Option(names = "--lr", description = "default ${DEFAULT-VALUE}") float lr = 2e-4f;
    @Option(names = "--guidance-min", description = "default ${DEFAULT-VALUE}") float guidanceMin = 1f;
    @Option(names = "--guidance-max", description = "default ${DEFAULT-VALUE}") float guidanceMax = 5f;
    @Option(names = "--target-ema", description = "EMA decay of the target network (default ${DEFAULT-VALUE})") float targetEma = 0.95f;
    @Option(names = "--seed") long seed = 4;
    @Option(names = "--checkpoint-seconds") int checkpointSeconds = 180;
    @Option(names = "--balance-bases", description = "draw every base emoji (with its skin-tone variants) equally often, "
            + "instead of every image")
    boolean balanceBases;

    @Override
    public Integer call() throws Exception {
        new StudentTrainer(EmojiDataset.load(data), dir, teacherDir, aeDir, clipDir,
                new StudentTrainer.Settings(steps, batch, lr, guidanceMin, guidanceMax, targetEma, seed, checkpointSeconds,
                        balanceBases),
                System.out).run();
        return 0;
    }
}
