package apprentice.core.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTML5 named character references (2,231 names, such as {@code amp;}, {@code amp},
 * {@code eacute;}), loaded from {@code html5-entities.tsv} beside this class. That file was
 * generated from CPython's {@code html.entities.html5}, which is the WHATWG list
 * (https://html.spec.whatwg.org/entities.json); names without a trailing semicolon are the
 * legacy ones HTML5 also accepts without it.
 */
final class HtmlEntityTable {

    private static final String RESOURCE = "html5-entities.tsv";
    private static final Map<String, String> ENTITIES = load();

    private HtmlEntityTable() {
    }

    /** The replacement text of an entity name (with its ';' if it has one), or null. */
    static String get(String name) {
        return ENTITIES.get(name);
    }

    /** All names and their replacement texts. */
    static Map<String, String> all() {
        return ENTITIES;
    }

    private static Map<String, String> load() {
        Map<String, String> map = new HashMap<>(4096);
        try (InputStream in = HtmlEntityTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + RESOURCE + " is missing from the classpath next to "
                        + HtmlEntityTable.class.getName() + "; rebuild the apprentice-core jar.");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder value = new StringBuilder(2);
                for (String hex : line.substring(tab + 1).split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                map.put(line.substring(0, tab), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return Map.copyOf(map);
    }
}
