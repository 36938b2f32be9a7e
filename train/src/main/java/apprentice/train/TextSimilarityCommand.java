package apprentice.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import apprentice.train.clip.TextStateSimilarity;
import apprentice.train.diffusion.TextConditioner;
import apprentice.train.nn.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "text-similarity", description = "Print the cosine similarity of captions' text-tower states (what the UNets' cross-attention sees); near 1 means the UNet cannot tell them apart.")
final class TextSimilarityCommand implements Callable<Integer> {
    @Option(names = "--clip-dir", description = "CLIP checkpoint folder (default ~/.cache/apprentice/train/clip)")
    Path clipDir = TrainPaths.stage("clip");
    @Option(names = "--teacher-dir", description = "compare the states of the tower this teacher was trained with "
            + "(its own, if it trained one with --train-text-encoder)")
    Path teacherDir;
    @Parameters(arity = "2..*", paramLabel = "CAPTION", description = "two or more captions; \"\" is the unconditional one")
    List<String> captions;

    @Override
    public Integer call() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TextConditioner text = teacherDir == null ? new TextConditioner(m, clipDir)
                    : TextConditioner.ofTeacher(m, clipDir, Checkpoint.require(teacherDir), teacherDir);
            NDArray states = text.encode(m, captions.toArray(String[]::new));
            int n = captions.size();
            float[] flat = states.toFloatArray();
            int per = flat.length / n;
            float[][] rows = new float[n][per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * per, rows[i], 0, per);
            }
            double[][] cos = TextStateSimilarity.cosineMatrix(rows);
            System.out.println("cosine similarity of [77, " + text.dim() + "] text states, "
                    + (teacherDir == null ? clipDir : "the text tower of " + teacherDir));
            for (int i = 0; i < n; i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s", "\"" + captions.get(i) + "\""));
                for (int j = 0; j < n; j++) {
                    line.append(String.format(Locale.ROOT, " %6.3f", cos[i][j]));
                }
                System.out.println(line);
            }
        }
        return 0;
    }
}
