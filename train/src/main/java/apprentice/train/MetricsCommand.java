package apprentice.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "metrics", description = "Print each stage's checkpoint state (step, loss, wall time) and recorded metrics.")
final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--stages") Path stages = TrainPaths.cacheRoot().resolve("train");

    @Override
    public Integer call() throws Exception {
        for (String stage : new String[] {"ae", "ae-decoder", "clip", "teacher", "student"}) {
            Path dir = stages.resolve(stage);
            if (stage.equals("ae-decoder") && !Files.isDirectory(dir)) {
                continue; // the decoder fine-tune is optional
            }
            System.out.println("== " + stage + " (" + dir + ")");
            for (String f : new String[] {"checkpoint.json", "metrics.json", "latents.json"}) {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    System.out.println(f + ": " + Files.readString(p).replaceAll("\\s+", " "));
                }
            }
        }
        return 0;
    }
}
