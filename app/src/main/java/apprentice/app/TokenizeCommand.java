package apprentice.app;

import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.core.tokenizer.TokenizedText;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code apprentice tokenize}: shows what the text encoder will read for a prompt. */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Print the token ids (and tokens) a model's tokenizer makes of each prompt, as its text encoder reads them: "
                    + "start token, the prompt's tokens, end token.",
            "Warns on stderr when a prompt is longer than the encoder's sequence length (77 for CLIP) and says how many "
                    + "tokens were dropped.",
            "",
        })
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    VerboseOption verbose;

    @Parameters(paramLabel = "PROMPT", arity = "0..*", description = "Prompts to tokenize (quote each one).")
    List<String> prompts;

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "Also read prompts from FILE, one per line (blank lines and lines starting with # are skipped).")
    Path promptFile;

    @Option(names = {"-m", "--model"}, paramLabel = "FOLDER",
            description = "Model folder whose tokenizer/ to use. Default: the built-in model under models/emoji/"
                    + " (or the synthetic stand-in while none is installed).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FOLDER",
            description = "A tokenizer folder (vocab.json, merges.txt) to use instead of a model's.")
    Path tokenizerDir;

    @Option(names = "--padded", description = "Print all ids the encoder reads, padding included.")
    boolean padded;

    @Option(names = "--json", description = "Print one JSON object per prompt instead of text.")
    boolean json;

    @Override
    public Integer call() {
        List<String> texts = PromptList.collect(prompts, promptFile);
        ClipTokenizer tokenizer = loadTokenizer();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        for (int p = 0; p < texts.size(); p++) {
            String text = texts.get(p);
            TokenizedText t = tokenizer.tokenize(text);
            int shown = padded ? t.ids().length : Math.min(t.tokenCount(), tokenizer.maxLength());
            int[] ids = Arrays.copyOf(t.ids(), shown);
            if (t.truncated()) {
                err.println("warning: prompt " + (p + 1) + " is " + t.tokenCount() + " tokens long but the text encoder reads "
                        + tokenizer.maxLength() + ", so the last " + dropped(t, tokenizer) + " prompt tokens were dropped: \""
                        + droppedText(text, tokenizer) + "\". Shorten the prompt to keep them.");
            }
            if (json) {
                ObjectNode o = mapper.createObjectNode();
                o.put("prompt", text);
                o.put("token_count", t.tokenCount());
                o.put("max_length", tokenizer.maxLength());
                o.put("truncated", t.truncated());
                o.put("dropped_tokens", dropped(t, tokenizer));
                o.set("ids", mapper.valueToTree(ids));
                o.set("tokens", mapper.valueToTree(tokens(tokenizer, ids)));
                out.println(o.toString());
            } else {
                out.println("prompt " + (p + 1) + ": " + text);
                out.println("  " + t.tokenCount() + " tokens (the encoder reads " + tokenizer.maxLength() + ")"
                        + (t.truncated() ? ", truncated" : ""));
                out.println("  ids:    " + Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
                out.println("  tokens: " + String.join(" ", tokens(tokenizer, ids)));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    static int dropped(TokenizedText t, ClipTokenizer tokenizer) {
        return Math.max(0, t.tokenCount() - tokenizer.maxLength());
    }

    /** The text of the prompt tokens that did not fit (the end token is kept, so maxLength − 2 prompt tokens fit). */
    static String droppedText(String text, ClipTokenizer tokenizer) {
        int[] body = tokenizer.encode(text);
        int fit = Math.max(0, tokenizer.maxLength() - 2);
        return fit >= body.length ? "" : tokenizer.decode(Arrays.copyOfRange(body, fit, body.length)).strip();
    }

    /**
     * Each id as its vocabulary string: {@code </w>} marks a word's last token, as in CLIP's vocab.json.
     * A token that is only part of a multi-byte character shows as U+FFFD.
     */
    static List<String> tokens(ClipTokenizer tokenizer, int[] ids) {
        return Arrays.stream(ids).mapToObj(id -> {
            String s = tokenizer.decode(new int[] {id});
            return s.endsWith(" ") ? s.substring(0, s.length() - 1) + "</w>" : s;
        }).toList();
    }

    private ClipTokenizer loadTokenizer() {
        Path dir;
        if (tokenizerDir != null) {
            dir = tokenizerDir;
        } else {
            dir = main.modelFolder(model, spec.commandLine().getErr()).resolve("tokenizer");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("tokenizer folder " + dir + " does not exist: give a model folder with a tokenizer/ "
                    + "sub-folder, or a tokenizer folder to --tokenizer");
        }
        try {
            return ClipTokenizer.load(dir);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new BadInputException("cannot use the tokenizer: " + e.getMessage(), e);
        }
    }
}
