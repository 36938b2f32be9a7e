package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFileTest {
    @TempDir
    Path dir;

    PromptFile.Contents read(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return PromptFile.read(f);
    }

    @Test
    void plainLinesSkipBlanks() throws Exception {
        PromptFile.Contents c = read("p.txt", "\uFEFFa cat\n\n  a dog  \r\nred apple");
        assertEquals(List.of("a cat", "a dog", "red apple"), c.prompts());
        assertTrue(c.skipped().isEmpty());
        assertEquals("lines", c.format());
    }

    @Test
    void csvWithCaptionColumnQuotingAndMalformedLines() throws Exception {
        PromptFile.Contents c = read("p.csv", String.join("\n",
                "id,Caption,source",
                "1,a cat,x",
                "2,\"a dog, sitting\",y",
                "3,\"say \"\"hi\"\"\",z",
                "4,\"unterminated,z",
                "5,too,many,fields",
                "",
                "6,,empty",
                "7,last one,w"));
        assertEquals(List.of("a cat", "a dog, sitting", "say \"hi\"", "last one"), c.prompts());
        assertEquals(List.of(5, 6, 8), c.skipped().stream().map(PromptFile.Problem::line).toList());
        assertTrue(c.skipped().get(0).reason().contains("unbalanced quote"));
        assertTrue(c.skipped().get(1).reason().contains("4 fields where the header has 3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("q.csv", "id,text\n1,a\n"));
        assertTrue(e.getMessage().contains("no 'caption' column") && e.getMessage().contains("[id, text]"), e.getMessage());
    }

    @Test
    void jsonlWithCaptionOrPromptAndMalformedLines() throws Exception {
        PromptFile.Contents c = read("p.jsonl", String.join("\n",
                "{\"caption\": \"a cat\"}",
                "{\"prompt\": \"a dog\", \"id\": 3}",
                "{\"caption\": \"wins\", \"prompt\": \"loses\"}",
                "not json",
                "[1, 2]",
                "{\"text\": \"no caption\"}",
                "{\"caption\": 5}",
                "",
                "{\"caption\": \"end\"}"));
        assertEquals(List.of("a cat", "a dog", "wins", "end"), c.prompts());
        assertEquals(List.of(4, 5, 6, 7), c.skipped().stream().map(PromptFile.Problem::line).toList());
        assertTrue(c.skipped().get(2).toString().startsWith("line 6: no \"caption\""));
    }

    @Test
    void emptyOrUnusableFilesAreErrors() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("e.txt", "\n \n")).getMessage().contains("it is empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("e.jsonl", "oops\n{}"));
        assertTrue(e.getMessage().contains("2 malformed lines, first line 1"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptFile.read(dir.resolve("missing.txt")))
                .getMessage().contains("does not exist"));
    }

    @Test
    void hashIdentifiesThePromptSet() {
        assertEquals(PromptFile.sha256(List.of("a", "b")), PromptFile.sha256(List.of("a", "b")));
        assertTrue(!PromptFile.sha256(List.of("a", "b")).equals(PromptFile.sha256(List.of("ab"))));
        // sha256("a\nb\n")
        assertEquals("911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2", PromptFile.sha256(List.of("a", "b")));
    }
}
