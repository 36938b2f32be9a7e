package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PngWriterTest {
    @TempDir
    Path dir;

    private static BufferedImage sample() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (x * 50) << 16 | (y * 100) << 8 | 77);
            }
        }
        return img;
    }

    private static Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", "a red fox, watercolour 🦊");
        m.put("negative_prompt", "blurry");
        m.put("steps", 4);
        m.put("scheduler", "lcm");
        m.put("guidance_scale", 1.5);
        m.put("seed", 9007199254740991L);
        m.put("width", 64);
        m.put("height", 48);
        m.put("strength_convention", "diffusers img2img strength");
        m.put("routing", Map.of("tau", 0.25, "refined", true));
        return m;
    }

    @Test
    void writesPixelsAndUtf8MetadataThatReadsBack() throws Exception {
        Path file = dir.resolve("fox.png");
        new PngWriter().write(sample(), file, metadata());

        BufferedImage back = ImageIO.read(file.toFile());
        assertArrayEquals(Images.rgbPixels(sample(), false), Images.rgbPixels(back, false));

        PngMetadata meta = PngMetadata.read(file);
        assertEquals(List.of("parameters", "prompt", "negative_prompt", "steps", "scheduler", "guidance_scale", "seed",
                "width", "height", "strength_convention", "routing", "apprentice"), new ArrayList<>(meta.texts().keySet()));
        assertEquals("a red fox, watercolour 🦊", meta.text("prompt").orElseThrow());
        assertEquals("9007199254740991", meta.text("seed").orElseThrow());
        assertEquals("1.5", meta.text("guidance_scale").orElseThrow());
        assertTrue(meta.text("routing").orElseThrow().contains("\"tau\":0.25"));
        assertEquals("a red fox, watercolour 🦊\nNegative prompt: blurry\n"
                + "Steps: 4, Sampler: lcm, CFG scale: 1.5, Seed: 9007199254740991, Size: 64x48, "
                + "Strength convention: diffusers img2img strength", meta.parameters().orElseThrow());

        Map<String, Object> json = meta.json();
        assertEquals(9007199254740991L, ((Number) json.get("seed")).longValue());
        assertEquals("a red fox, watercolour 🦊", json.get("prompt"));
        assertEquals(Boolean.TRUE, ((Map<?, ?>) json.get("routing")).get("refined"));
    }

    @Test
    void javasOwnPngReaderSeesTheITxtChunks() throws Exception {
        Path file = dir.resolve("check.png");
        new PngWriter().write(sample(), file, metadata());
        Map<String, String> seen = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            reader.setInput(in);
            IIOMetadata md = reader.getImageMetadata(0);
            Element root = (Element) md.getAsTree("javax_imageio_png_1.0");
            NodeList entries = root.getElementsByTagName("iTXtEntry");
            for (int i = 0; i < entries.getLength(); i++) {
                Element e = (Element) entries.item(i);
                seen.put(e.getAttribute("keyword"), e.getAttribute("text"));
            }
            reader.dispose();
        }
        assertEquals("lcm", seen.get("scheduler"));
        assertEquals("a red fox, watercolour 🦊", seen.get("prompt"));
        assertTrue(seen.get("apprentice").startsWith("{\"prompt\":"));
    }

    @Test
    void iTxtChunkHasTheSpecifiedLayout() {
        byte[] data = PngWriter.iTxt("seed", "ü").data();
        byte[] expected = {'s', 'e', 'e', 'd', 0, 0, 0, 0, 0, (byte) 0xC3, (byte) 0xBC};
        assertArrayEquals(expected, data);
    }

    @Test
    void readsLatin1TextAndCompressedChunksWrittenByOthers() throws Exception {
        // build a PNG with tEXt and zTXt chunks by hand
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        ImageIO.write(sample(), "png", plain);
        byte[] base = plain.toByteArray();
        List<PngChunks.Chunk> chunks = PngChunks.parse(base, "test");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(PngChunks.SIGNATURE);
        for (PngChunks.Chunk c : chunks) {
            if (c.type().equals("IEND")) {
                PngChunks.write(out, new PngChunks.Chunk("tEXt", "Comment\0caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
                java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
                z.writeBytes("Software\0\0".getBytes(StandardCharsets.ISO_8859_1));
                java.util.zip.Deflater d = new java.util.zip.Deflater();
                d.setInput("made by hand".getBytes(StandardCharsets.ISO_8859_1));
                d.finish();
                byte[] buf = new byte[256];
                int n = d.deflate(buf);
                z.write(buf, 0, n);
                PngChunks.write(out, new PngChunks.Chunk("zTXt", z.toByteArray()));
                java.io.ByteArrayOutputStream it = new java.io.ByteArrayOutputStream();
                it.writeBytes("Title\0\1\0de\0Titel\0".getBytes(StandardCharsets.ISO_8859_1));
                java.util.zip.Deflater d2 = new java.util.zip.Deflater();
                d2.setInput("Fuchs 🦊".getBytes(StandardCharsets.UTF_8));
                d2.finish();
                int n2 = d2.deflate(buf);
                it.write(buf, 0, n2);
                PngChunks.write(out, new PngChunks.Chunk("iTXt", it.toByteArray()));
            }
            PngChunks.write(out, c);
        }
        PngMetadata meta = PngMetadata.parse(out.toByteArray(), "hand.png");
        assertEquals("caf\u00e9", meta.text("Comment").orElseThrow());
        assertEquals("made by hand", meta.text("Software").orElseThrow());
        assertEquals("Fuchs 🦊", meta.text("Title").orElseThrow()); // compressed iTXt with language tag
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, meta::json);
        assertTrue(e.getMessage().contains("'apprentice'"), e.getMessage());
    }

    @Test
    void corruptOrForeignFilesAreReported() throws Exception {
        Path file = dir.resolve("x.png");
        new PngWriter().write(sample(), file, metadata());
        byte[] bytes = Files.readAllBytes(file);
        bytes[40] ^= 1; // inside the first text chunk
        IOException crc = assertThrows(IOException.class, () -> PngMetadata.parse(bytes, "x.png"));
        assertTrue(crc.getMessage().contains("CRC"), crc.getMessage());
        IOException sig = assertThrows(IOException.class,
                () -> PngMetadata.parse("GIF89a....".getBytes(StandardCharsets.ISO_8859_1), "y.gif"));
        assertTrue(sig.getMessage().contains("not a PNG"), sig.getMessage());
    }

    @Test
    void badOrReservedKeysAreRejected() {
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> PngWriter.encode(sample(), Map.of("apprentice", 1)));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PngWriter.encode(sample(), Map.of(" seed", 1)));
        assertTrue(bad.getMessage().contains("' seed'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(sample(), Map.of("x".repeat(80), 1)));
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(sample(), Map.of("fox🦊", 1)));
    }

    /** Writes {@code limit} bytes, then fails like a full disk. */
    private static OutputStream failingAfter(OutputStream out, int limit) {
        return new FilterOutputStream(out) {
            int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > limit) {
                    throw new IOException("No space left on device (injected)");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
    }

    @Test
    void aFailedWriteLeavesNoPartialFileAndKeepsTheOldOne() throws Exception {
        Path file = dir.resolve("atomic.png");
        PngWriter broken = new PngWriter(out -> failingAfter(out, 100));
        IOException e = assertThrows(IOException.class, () -> broken.write(sample(), file, metadata()));
        assertTrue(e.getMessage().contains("injected"));
        assertFalse(Files.exists(file), "no half-written PNG at the target");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "temporary file cleaned up");
        }

        new PngWriter().write(sample(), file, metadata());
        byte[] good = Files.readAllBytes(file);
        assertThrows(IOException.class, () -> broken.write(new BufferedImage(9, 9, BufferedImage.TYPE_INT_RGB), file, Map.of()));
        assertArrayEquals(good, Files.readAllBytes(file), "existing file untouched by the failed replacement");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count());
        }
    }

    @Test
    void missingDirectoryIsNamed() {
        Path file = dir.resolve("no/such/dir/a.png");
        IOException e = assertThrows(IOException.class, () -> new PngWriter().write(sample(), file, Map.of()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
