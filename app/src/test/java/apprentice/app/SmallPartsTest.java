package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's small helpers: sizes, prompt lists, file naming, progress. */
class SmallPartsTest {
    @TempDir
    Path dir;

    @Test
    void runtimeFlagsBecomeRuntimeOptions() {
        RuntimeChoice quiet = new RuntimeChoice();
        new picocli.CommandLine(quiet).parseArgs("--threads", "2", "--no-spin");
        assertEquals(2, quiet.options().intraOpThreads());
        assertTrue(!quiet.options().spinning(), "--no-spin turns spinning off");
        RuntimeChoice plain = new RuntimeChoice();
        new picocli.CommandLine(plain).parseArgs();
        assertTrue(plain.options().spinning(), "ONNX Runtime's default is kept without the flag");
        RuntimeChoice bad = new RuntimeChoice();
        new picocli.CommandLine(bad).parseArgs("--provider", "tpu");
        assertTrue(assertThrows(BadInputException.class, bad::options).getMessage().contains("use cpu or cuda"));
    }

    @Test
    void sizeParsesAndChecksTheVaeFactor() {
        assertEquals(new ImageSize(512, 384), ImageSize.parse("512x384"));
        assertEquals(new ImageSize(64, 64), ImageSize.parse(" 64X64 "));
        assertThrows(BadInputException.class, () -> ImageSize.parse("512"));
        assertThrows(BadInputException.class, () -> ImageSize.parse("0x64"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> new ImageSize(100, 64).requireDivisibleBy(8, "m"));
        assertTrue(e.getMessage().contains("divisible by 8") && e.getMessage().contains("104x64"), e.getMessage());
        new ImageSize(96, 64).requireDivisibleBy(8, "m");
    }

    @Test
    void inputImageNamesTheOptionAndResizesOnlyWhenTheSizeDiffers() {
        BadInputException missing = assertThrows(BadInputException.class,
                () -> InputImage.load(dir.resolve("none.png"), "--init-image"));
        assertTrue(missing.getMessage().startsWith("--init-image: image file not found"), missing.getMessage());

        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(12, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        StringWriter notes = new StringWriter();
        PrintWriter w = new PrintWriter(notes, true);
        assertArrayEquals(new int[] {1, 3, 8, 12}, InputImage.toTensor(image, new ImageSize(12, 8), "--init-image", w).shape());
        assertEquals("", notes.toString(), "no resize, no note");
        assertArrayEquals(new int[] {1, 3, 4, 8}, InputImage.toTensor(image, new ImageSize(8, 4), "--init-image", w).shape());
        assertEquals("note: resizing --init-image from 12x8 to 8x4", notes.toString().strip());
        assertArrayEquals(new int[] {1, 3, 4, 8}, InputImage.toTensor(image, new ImageSize(8, 4)).shape());
    }

    @Test
    void eachPromptIsRepeatedForItsImagesInOrder() {
        assertEquals(List.of("a", "a", "b", "b"), PromptList.eachRepeated(List.of("a", "b"), 2));
        assertEquals(List.of("a", "b"), PromptList.eachRepeated(List.of("a", "b"), 1));
    }

    @Test
    void promptsComeFromArgumentsThenFileSkippingCommentsAndBom() throws Exception {
        Path file = dir.resolve("p.txt");
        Files.writeString(file, "\uFEFFa dog\n\n# comment\n  a cat  \n", StandardCharsets.UTF_8);
        assertEquals(List.of("x", "a dog", "a cat"), PromptList.collect(List.of("x"), file));
        assertThrows(BadInputException.class, () -> PromptList.collect(List.of(), null));
        assertThrows(BadInputException.class, () -> PromptList.collect(List.of("  "), null));
        assertThrows(BadInputException.class, () -> PromptList.collect(null, dir.resolve("missing.txt")));
        Files.writeString(file, "# only a comment\n");
        assertThrows(BadInputException.class, () -> PromptList.collect(null, file));
    }

    @Test
    void publishingNeverOverwritesAndKeepsImageAndSidecarTogether() throws Exception {
        OutputFiles files = new OutputFiles(dir.resolve("out"));
        files.ensureFolder();
        String stem = OutputFiles.stem(LocalDateTime.of(2026, 1, 2, 3, 4, 5), 42, 0);
        assertEquals("20260102-030405-42-0", stem);
        Path[] first = publish(files, stem, "one");
        Path[] second = publish(files, stem, "two");
        assertEquals("20260102-030405-42-0.png", first[0].getFileName().toString());
        assertEquals("20260102-030405-42-0-2.png", second[0].getFileName().toString());
        assertEquals("20260102-030405-42-0-2.json", second[1].getFileName().toString());
        assertEquals("one.png", Files.readString(first[0]));
        assertEquals("two.json", Files.readString(second[1]));
        try (var listing = Files.list(files.folder())) {
            assertEquals(4, listing.count(), "temporary files must be gone");
        }
    }

    private static Path[] publish(OutputFiles files, String stem, String content) throws Exception {
        Path png = files.temporary(".png");
        Path json = files.temporary(".json");
        Files.writeString(png, content + ".png");
        Files.writeString(json, content + ".json");
        return files.publish(stem, new Path[] {png, json}, new String[] {".png", ".json"});
    }

    @Test
    void builtInModelPrefersStudentThenTeacherAndNeverTheOracle() throws Exception {
        Path family = Files.createDirectories(dir.resolve("home/models/emoji"));
        assertTrue(ModelLocator.builtIn(dir.resolve("home")).isEmpty());
        for (String m : new String[] {"oracle", "teacher", "student"}) {
            Files.createDirectories(family.resolve(m));
            Files.writeString(family.resolve(m).resolve("model_index.json"), "{}");
            if (m.equals("oracle")) {
                assertTrue(ModelLocator.builtIn(dir.resolve("home")).isEmpty(), "the oracle is not a generator");
            }
        }
        assertEquals(family.resolve("student"), ModelLocator.builtIn(dir.resolve("home")).orElseThrow());
        Files.delete(family.resolve("student/model_index.json"));
        assertEquals(family.resolve("teacher"), ModelLocator.builtIn(dir.resolve("home")).orElseThrow());
    }

    @Test
    void outputPathThatIsAFileIsBadInput() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThrows(BadInputException.class, () -> new OutputFiles(file).ensureFolder());
    }

    @Test
    void plainProgressPrintsRateAndFinalLine() {
        StringWriter sw = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), false, now::get);
        bar.begin("image 1/1", 4);
        now.set(2_000_000_000L);
        bar.update(2);
        now.set(4_000_000_000L);
        bar.update(4);
        bar.end();
        String[] lines = sw.toString().split("\n");
        assertArrayEquals(new String[] {
            "image 1/1 2/4 steps, 1.00 it/s, ETA 0:02",
            "image 1/1 4/4 steps, 1.00 it/s, 4.0 s",
        }, lines);
    }

    @Test
    void terminalProgressRedrawsInPlace() {
        StringWriter sw = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), true, now::get);
        bar.begin("", 2);
        now.set(1_000_000_000L);
        bar.update(1);
        bar.end();
        String s = sw.toString();
        assertTrue(s.startsWith("\r[........................] 0/2 steps"), s);
        assertTrue(s.contains("\r[############............] 1/2 steps, 1.00 it/s, ETA 0:01"), s);
        assertTrue(s.endsWith("\n"), s);
    }
}
