package apprentice.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * CLIP's byte-level BPE tokenizer, matching the reference {@code SimpleTokenizer} of
 * openai/CLIP (text clean-up, pre-tokenizing regex, BPE by merge rank) and the Stable Diffusion
 * pipelines' padding and truncation. See the package documentation for what of the reference's
 * ftfy clean-up is reproduced. Immutable and thread-safe.
 */
public final class ClipTokenizer {

    private final ClipVocabulary vocabulary;
    private final BytePairEncoder encoder;
    private final int maxLength;
    private final int padId;
    private final int bosId;
    private final int eosId;

    private ClipTokenizer(ClipVocabulary vocabulary, TokenizerSettings settings, Path settingsSource) {
        this.vocabulary = vocabulary;
        this.encoder = new BytePairEncoder(vocabulary);
        this.maxLength = settings.maxLength();
        this.bosId = vocabulary.id(ClipVocabulary.START_OF_TEXT);
        this.eosId = vocabulary.id(ClipVocabulary.END_OF_TEXT);
        this.padId = vocabulary.id(settings.padToken());
        if (padId < 0) {
            throw new TokenizerFileException(settingsSource, "the pad token '" + settings.padToken()
                    + "' (pad_token in tokenizer_config.json or special_tokens_map.json) is not in vocab.json.",
                    "Set pad_token to a token of this vocabulary "
                    + "(\"<|endoftext|>\" for SD 1.x, \"!\" for SD 2.x).");
        }
    }

    /**
     * Loads a tokenizer folder as found in a diffusers model ({@code tokenizer/}):
     * {@code vocab.json} and {@code merges.txt}, plus the optional {@code tokenizer_config.json}
     * and {@code special_tokens_map.json} for the sequence length and pad token.
     *
     * @throws TokenizerFileException if a file is missing or malformed
     */
    public static ClipTokenizer load(Path tokenizerDir) {
        ClipVocabulary vocabulary = ClipVocabulary.read(tokenizerDir.resolve("vocab.json"),
                tokenizerDir.resolve("merges.txt"));
        return new ClipTokenizer(vocabulary, TokenizerSettings.read(tokenizerDir), tokenizerDir);
    }

    /**
     * Loads the two BPE files with CLIP's defaults: 77 tokens, padded with {@code <|endoftext|>}.
     *
     * @throws TokenizerFileException if a file is missing or malformed
     */
    public static ClipTokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        return new ClipTokenizer(ClipVocabulary.read(vocabJson, mergesTxt), TokenizerSettings.defaults(),
                vocabJson);
    }

    /**
     * Writes a byte-level vocabulary with no merges into {@code tokenizerDir} as
     * {@code vocab.json} + {@code merges.txt}, for synthetic test model folders. Ids 0–255 are the
     * bytes (CLIP's byte-character order), 256–511 the same bytes ending a word ({@code </w>}),
     * 512 {@code <|startoftext|>}, 513 {@code <|endoftext|>}; 514 ids in all. Each UTF-8 byte of a
     * prompt becomes one token.
     */
    public static void writeByteLevelVocabulary(Path tokenizerDir) {
        ByteLevelVocabulary.write(tokenizerDir);
    }

    /** The prompt's token ids, without start/end tokens and without truncation. */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        IntList ids = new IntList();
        encodeInto(text, ids);
        return ids.toArray();
    }

    private void encodeInto(String text, IntList out) {
        for (String piece : ClipPreTokenizer.split(ClipTextCleaner.clean(text))) {
            if (piece.equals(ClipVocabulary.START_OF_TEXT)) {
                out.add(bosId);
            } else if (piece.equals(ClipVocabulary.END_OF_TEXT)) {
                out.add(eosId);
            } else {
                encoder.encodeWord(piece, out);
            }
        }
    }

    /**
     * Start token + the prompt's tokens + end token, cut to {@link #maxLength()} with the end
     * token kept last, then padded with {@link #padId()} to exactly {@link #maxLength()} ids.
     */
    public TokenizedText tokenize(String text) {
        Objects.requireNonNull(text, "text");
        IntList tokens = new IntList();
        tokens.add(bosId);
        encodeInto(text, tokens);
        tokens.add(eosId);
        int count = tokens.size();
        int[] ids = new int[maxLength];
        int kept = Math.min(count, maxLength);
        for (int i = 0; i < kept; i++) {
            ids[i] = tokens.get(i);
        }
        if (count > maxLength) {
            ids[maxLength - 1] = eosId;
        }
        Arrays.fill(ids, kept, maxLength, padId);
        return new TokenizedText(ids, count, count > maxLength);
    }

    /** {@link #tokenize} of each prompt: one row of exactly {@link #maxLength()} ids per prompt. */
    public int[][] tokenizeBatch(List<String> texts) {
        int[][] rows = new int[texts.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = tokenize(texts.get(i)).ids();
        }
        return rows;
    }

    /**
     * The text of a sequence of ids, as the reference decodes it: token strings joined, mapped
     * back to bytes, decoded as UTF-8 (each ill-formed part becomes U+FFFD, as in Python), each {@code </w>} turned
     * into a space. Start, end and pad ids are decoded like any other token.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            String token = vocabulary.token(id);
            if (token == null) {
                throw new IllegalArgumentException("Token id " + id + " is not in this vocabulary (ids 0.."
                        + (vocabulary.idLimit() - 1) + "); decode only ids this tokenizer produced.");
            }
            for (int i = 0; i < token.length(); i++) {
                int b = ByteUnicodeTable.byteForChar(token.charAt(i));
                if (b < 0) {
                    throw new IllegalArgumentException("Token " + id + " ('" + token + "') contains '"
                            + token.charAt(i) + "', which is not a byte-level character; the vocabulary is not"
                            + " a CLIP byte-level vocabulary.");
                }
                bytes.write(b);
            }
        }
        return PythonUtf8.decodeReplacing(bytes.toByteArray()).replace(ClipVocabulary.END_OF_WORD, " ");
    }

    /** Sequence length of {@link #tokenize}: 77 unless the tokenizer config says otherwise. */
    public int maxLength() {
        return maxLength;
    }

    /** Id used to pad {@link #tokenize} output (SD 1.x: 49407 = end token; SD 2.x: 0 = "!"). */
    public int padId() {
        return padId;
    }

    /** Id of {@code <|startoftext|>} (49406 in CLIP). */
    public int bosId() {
        return bosId;
    }

    /** Id of {@code <|endoftext|>} (49407 in CLIP). */
    public int eosId() {
        return eosId;
    }

    /** Highest id + 1: the rows a text encoder's token embedding needs (49,408 for CLIP). */
    public int vocabSize() {
        return vocabulary.idLimit();
    }

    /** The text after clean-up, as fed to the pre-tokenizer (for diagnostics and tests). */
    String clean(String text) {
        return ClipTextCleaner.clean(text);
    }

    /** Pre-tokenized pieces of already cleaned text (for diagnostics and tests). */
    List<String> preTokenize(String cleaned) {
        return ClipPreTokenizer.split(cleaned);
    }

    /** The vocabulary string of an id, or null. */
    String tokenString(int id) {
        return vocabulary.token(id);
    }

    /** The number of entries in vocab.json. */
    int vocabularyEntries() {
        return vocabulary.size();
    }

    int mergeCount() {
        return vocabulary.mergeCount();
    }
}
