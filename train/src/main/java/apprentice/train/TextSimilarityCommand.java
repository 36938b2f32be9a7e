package apprentice.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import apprentice.train.clip.TextStateSimilarity;
import apprentice.train.diffusion.TextConditioner;
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
    @Parameters(arity = "2..*", paramLabel = "CAPTION", description = "two or more captions; \"\" is the unconditional one")
    List<String> captions;

    @Override
    public Integer call() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TextConditioner text = new TextConditioner(m, clipDir);
            NDArray states = text.encode(m, captions.toArray(String[]::new));
            int n = captions.size();
            float[] flat = states.toFloatArray();
            int per = flat.length / n;
            float[][] rows = new float[n][per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * per, rows[i], 0, per);
            }
            double[][] cos = TextStateSimilarity.cosineMatrix(rows);
            System.out.println("cosine similarity of [77, " + text.dim() + "] text states, " + clipDir);
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
