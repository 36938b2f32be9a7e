package apprentice.core.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The two Hugging Face BPE files, checked for consistency: {@code vocab.json} (token string →
 * id) and {@code merges.txt} (one merge {@code "left right"} per line in rank order, an
 * optional {@code #version} header first).
 */
final class ClipVocabulary {

    static final String END_OF_WORD = "</w>";
    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";

    private static final String FIX_PAIR = "Use the vocab.json and merges.txt of the same CLIP tokenizer "
            + "(a diffusers model folder's tokenizer/), or write a test vocabulary with "
            + "ClipTokenizer.writeByteLevelVocabulary.";

    private final Map<String, Integer> idByToken;
    private final String[] tokenById;
    private final int[] byteSymbol = new int[256];
    private final int[] byteSymbolEndOfWord = new int[256];
    private final PairRankMap pairRanks;
    private final int[] mergedIdByRank;

    private ClipVocabulary(Map<String, Integer> idByToken, String[] tokenById, PairRankMap pairRanks,
            int[] mergedIdByRank) {
        this.idByToken = idByToken;
        this.tokenById = tokenById;
        this.pairRanks = pairRanks;
        this.mergedIdByRank = mergedIdByRank;
    }

    static ClipVocabulary read(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> idByToken = readVocab(vocabJson);
        int maxId = 0;
        for (int id : idByToken.values()) {
            maxId = Math.max(maxId, id);
        }
        String[] tokenById = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : idByToken.entrySet()) {
            String previous = tokenById[e.getValue()];
            if (previous != null) {
                throw new TokenizerFileException(vocabJson, "id " + e.getValue() + " is given to both '"
                        + previous + "' and '" + e.getKey() + "'.", "Each id must name exactly one token; "
                        + FIX_PAIR);
            }
            tokenById[e.getValue()] = e.getKey();
        }
        ClipVocabulary v = readMerges(mergesTxt, idByToken, tokenById);
        v.resolveByteSymbols(vocabJson);
        return v;
    }

    private static Map<String, Integer> readVocab(Path vocabJson) {
        Map<String, Integer> idByToken = new HashMap<>(1 << 17);
        try (InputStream in = Files.newInputStream(vocabJson);
                JsonParser p = new JsonFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notVocab(vocabJson, "it does not start with a JSON object", null);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0
                        || p.getLongValue() > 100_000_000L) {
                    throw notVocab(vocabJson, "the value of '" + token + "' is not a non-negative integer id"
                            + " (line " + p.currentLocation().getLineNr() + ")", null);
                }
                if (idByToken.put(token, p.getIntValue()) != null) {
                    throw notVocab(vocabJson, "token '" + token + "' appears twice", null);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw notVocab(vocabJson, "unexpected " + t + " at line " + p.currentLocation().getLineNr(), null);
            }
        } catch (NoSuchFileException e) {
            throw missing(vocabJson);
        } catch (IOException e) {
            throw notVocab(vocabJson, "it could not be read as JSON (" + e.getMessage() + ")", e);
        }
        if (idByToken.isEmpty()) {
            throw notVocab(vocabJson, "it holds no tokens", null);
        }
        return idByToken;
    }

    private static ClipVocabulary readMerges(Path mergesTxt, Map<String, Integer> idByToken, String[] tokenById) {
        int[] mergedIds = new int[1024];
        int count = 0;
        java.util.List<int[]> pairs = new java.util.ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(mergesTxt, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("#version")) {
                    continue;
                }
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                    throw new TokenizerFileException(mergesTxt, "line " + lineNo
                            + " is not a merge 'left right' (two symbols, one space): '" + line + "'.",
                            FIX_PAIR);
                }
                String left = line.substring(0, space);
                String right = line.substring(space + 1);
                int leftId = symbolId(mergesTxt, lineNo, left, idByToken);
                int rightId = symbolId(mergesTxt, lineNo, right, idByToken);
                int mergedId = symbolId(mergesTxt, lineNo, left + right, idByToken);
                if (count == mergedIds.length) {
                    mergedIds = Arrays.copyOf(mergedIds, count * 2);
                }
                mergedIds[count++] = mergedId;
                pairs.add(new int[] {leftId, rightId, lineNo});
            }
        } catch (NoSuchFileException e) {
            throw missing(mergesTxt);
        } catch (IOException e) {
            throw new TokenizerFileException(mergesTxt, "it could not be read as UTF-8 text (" + e + ").",
                    FIX_PAIR, e);
        }
        PairRankMap ranks = new PairRankMap(Math.max(1, count));
        for (int rank = 0; rank < count; rank++) {
            int[] p = pairs.get(rank);
            // The reference builds dict(zip(merges, range(n))): a pair listed twice keeps its last rank.
            ranks.put(p[0], p[1], rank);
        }
        return new ClipVocabulary(idByToken, tokenById, ranks, Arrays.copyOf(mergedIds, count));
    }

    private static int symbolId(Path mergesTxt, int lineNo, String symbol, Map<String, Integer> idByToken) {
        Integer id = idByToken.get(symbol);
        if (id == null) {
            throw new TokenizerFileException(mergesTxt, "line " + lineNo + " uses the symbol '" + symbol
                    + "', which vocab.json does not contain.", FIX_PAIR);
        }
        return id;
    }

    private void resolveByteSymbols(Path vocabJson) {
        for (int b = 0; b < 256; b++) {
            String c = String.valueOf(ByteUnicodeTable.charForByte(b));
            byteSymbol[b] = requireToken(vocabJson, c, "byte-level symbol for byte 0x" + Integer.toHexString(b));
            byteSymbolEndOfWord[b] = requireToken(vocabJson, c + END_OF_WORD,
                    "end-of-word byte-level symbol for byte 0x" + Integer.toHexString(b));
        }
        requireToken(vocabJson, START_OF_TEXT, "start-of-text token");
        requireToken(vocabJson, END_OF_TEXT, "end-of-text token");
    }

    private int requireToken(Path vocabJson, String token, String what) {
        Integer id = idByToken.get(token);
        if (id == null) {
            throw new TokenizerFileException(vocabJson, "it lacks the " + what + " '" + token
                    + "', so it is not a CLIP byte-level BPE vocabulary.", FIX_PAIR);
        }
        return id;
    }

    private static TokenizerFileException missing(Path file) {
        return new TokenizerFileException(file, "file not found.", "A CLIP tokenizer folder needs vocab.json and "
                + "merges.txt (Hugging Face format, as in a diffusers model's tokenizer/ folder); check the path, "
                + "or write a small one with ClipTokenizer.writeByteLevelVocabulary.");
    }

    private static TokenizerFileException notVocab(Path file, String problem, Throwable cause) {
        return new TokenizerFileException(file, "not a vocabulary: " + problem + ".",
                "vocab.json must be one JSON object mapping each token string to its integer id. " + FIX_PAIR,
                cause);
    }

    /** The id of a token string, or -1. */
    int id(String token) {
        Integer id = idByToken.get(token);
        return id == null ? -1 : id;
    }

    /** The token string of an id, or null for an id with no token. */
    String token(int id) {
        return id >= 0 && id < tokenById.length ? tokenById[id] : null;
    }

    int size() {
        return idByToken.size();
    }

    /** Highest id + 1: the number of rows an embedding table for this vocabulary needs. */
    int idLimit() {
        return tokenById.length;
    }

    int mergeCount() {
        return mergedIdByRank.length;
    }

    int byteSymbol(int b, boolean endOfWord) {
        return endOfWord ? byteSymbolEndOfWord[b] : byteSymbol[b];
    }

    /** Merge rank of two adjacent symbols, or -1 if they never merge. */
    int mergeRank(int leftId, int rightId) {
        return pairRanks.rank(leftId, rightId);
    }

    /** The id of the symbol produced by the merge of the given rank. */
    int mergedId(int rank) {
        return mergedIdByRank[rank];
    }
}
