package apprentice.train;

import apprentice.train.data.DatasetBuilder;
import apprentice.train.data.HoldOutSplit;
import apprentice.train.data.NpmFetcher;
import apprentice.train.data.NpmPackage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dataset", description = "Fetch the emoji npm packages (npm pack), verify them and build the captioned 64x64 dataset.")
final class DatasetCommand implements Callable<Integer> {
    @Option(names = "--npm-cache", description = "folder for the npm tarballs (default ~/.cache/apprentice/npm)")
    Path npmCache = TrainPaths.npmCache();

    @Option(names = "--out", description = "dataset folder (default ~/.cache/apprentice/dataset/emoji64)")
    Path out = TrainPaths.dataset();

    @Option(names = "--npm", description = "npm executable (default: npm on the PATH)")
    String npm = "npm";

    @Option(names = "--validation-percent", description = "share of emoji held out for validation (default 5)")
    int validationPercent = 5;

    @Override
    public Integer call() throws Exception {
        NpmFetcher fetcher = new NpmFetcher(npmCache, npm);
        Path google = fetcher.fetch(NpmPackage.GOOGLE);
        Path twitter = fetcher.fetch(NpmPackage.TWITTER);
        Path emojibase = fetcher.fetch(NpmPackage.EMOJIBASE);
        new DatasetBuilder(new HoldOutSplit(validationPercent), System.out)
                .buildFromTarballs(Map.of("google", google, "twitter", twitter), emojibase, out);
        return 0;
    }
}
