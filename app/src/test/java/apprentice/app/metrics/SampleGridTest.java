package apprentice.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleGridTest {
    @Test
    void eachSectionAndLanguageCountsItsRowsFromTheBaseSeed() {
        List<SampleGrid.GridRow> rows = List.of(
                new SampleGrid.GridRow("taco", "en", 3, true),
                new SampleGrid.GridRow("bear", "en", 5, true),
                new SampleGrid.GridRow("タコス", "ja", 3, true),
                new SampleGrid.GridRow("red heart", "en", -1, false),
                new SampleGrid.GridRow("pizza", "en", -1, false),
                new SampleGrid.GridRow("赤いハート", "ja", -1, false));
        // an English row and its Japanese twin share a seed, so they differ only in the prompt's language
        assertEquals(List.of(10L, 11L, 10L, 10L, 11L, 10L), SampleGrid.seeds(rows, 10));
    }

    @Test
    void rowLabelsNameTheLanguageAndTheSection() {
        assertEquals("[en, held out] taco", SampleGrid.rowLabel(new SampleGrid.GridRow("taco", "en", 3, true), 0));
        assertEquals("[en, trained] red heart", SampleGrid.rowLabel(new SampleGrid.GridRow("red heart", "en", -1, false), 8));
        String ja = SampleGrid.rowLabel(new SampleGrid.GridRow("赤いハート", "ja", -1, false), 20);
        assertTrue(ja.equals("[ja, trained] 赤いハート") || ja.equals("[ja, trained] row 21 (see family.md)"), ja);
        String glossed = SampleGrid.rowLabel(new SampleGrid.GridRow("赤いハート", "ja", -1, false, "red heart"), 20);
        assertTrue(glossed.equals("[ja, trained] 赤いハート")
                || glossed.equals("[ja, trained] row 21: \u201cred heart\u201d translated (see family.md)"), glossed);
    }

    @Test
    void theTrainedListPairsEveryEnglishLabelWithAJapaneseOne() {
        for (List<String> pair : SampleGrid.TRAINED_LABELS) {
            assertEquals(2, pair.size(), pair.toString());
            assertTrue(pair.get(1).codePoints().anyMatch(c -> c > 0x3000), "Japanese label for " + pair.get(0));
        }
        assertTrue(SampleGrid.FIXED_LABELS.stream()
                        .noneMatch(l -> SampleGrid.TRAINED_LABELS.stream().anyMatch(p -> p.get(0).equals(l))),
                "a label is either held out or trained, not both");
    }
}
