package apprentice.core.tokenizer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Manual benchmark (not a unit test): vocabulary load time and per-prompt tokenization time.
 * Run from the module with the test classpath, e.g.
 * {@code java -cp target/classes:target/test-classes:<jackson jars> apprentice.core.tokenizer.ClipTokenizerBenchmark}.
 */
public final class ClipTokenizerBenchmark {

    private static final String SD_PROMPT = "a highly detailed digital painting of a majestic red fox sitting in a "
            + "snowy forest at dawn, golden hour lighting, volumetric fog, intricate fur texture, sharp focus, "
            + "trending on artstation, by greg rutkowski and alphonse mucha, 8k, ultra realistic, cinematic "
            + "composition, depth of field, bokeh, masterpiece, award winning photograph";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ClipTokenizerBenchmark() {
    }

    /** CPU time of this thread: unlike wall time, not inflated when a busy machine deschedules us. */
    private static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        ClipTokenizer tokenizer = null;
        for (int i = 0; i < 5; i++) {
            t0 = System.nanoTime();
            long c0 = cpuNanos();
            tokenizer = GoldenRows.loadClipTokenizer();
            System.out.printf("load vocab.json + merges.txt: %.1f ms wall, %.1f ms cpu%n",
                    (System.nanoTime() - t0) / 1e6, (cpuNanos() - c0) / 1e6);
        }
        System.out.println("prompt tokens: " + tokenizer.tokenize(SD_PROMPT).tokenCount());
        List<String> prompts = List.of(SD_PROMPT, "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u00e0 la carte, \u6771\u4eac\u30bf\u30ef\u30fc\u306e\u591c\u666f \ud83d\ude00",
                "The Mona Lisa doesn\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a2t have eyebrows &amp; more");
        for (String prompt : prompts) {
            measure(tokenizer, prompt);
        }
        // cache misses: every word new
        int n = 20_000;
        long sink = 0;
        t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (int i = 0; i < n; i++) {
            sink += tokenizer.encode("zq" + Integer.toString(i, 26).replace('0', 'x') + "vy").length;
        }
        System.out.printf("uncached one-word prompt: %.2f us wall, %.2f us cpu (%d)%n",
                (System.nanoTime() - t0) / 1e3 / n, (cpuNanos() - c0) / 1e3 / n, sink);
    }

    private static void measure(ClipTokenizer tokenizer, String prompt) {
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += tokenizer.tokenize(prompt).tokenCount();
        }
        int n = 100_000;
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (int i = 0; i < n; i++) {
            sink += tokenizer.tokenize(prompt).tokenCount();
        }
        double us = (System.nanoTime() - t0) / 1e3 / n;
        double cpuUs = (cpuNanos() - c0) / 1e3 / n;
        System.out.printf("tokenize (%d tokens, %d chars): %.2f us wall, %.2f us cpu per prompt (%d)%n",
                tokenizer.tokenize(prompt).tokenCount(), prompt.length(), us, cpuUs, sink);
    }
}
