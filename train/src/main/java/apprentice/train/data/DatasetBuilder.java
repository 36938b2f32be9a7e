package apprentice.train.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the emoji dataset folder from the three npm tarballs:
 * {@code images.u8} (N·64·64·3 RGB bytes composited on white), {@code entries.jsonl} (one
 * {@link EmojiRecord} per line, same order) and {@code meta.json}.
 */
public final class DatasetBuilder {
    public static final int SIZE = 64;
    public static final List<String> VENDORS = List.of("google", "twitter");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HoldOutSplit split;
    private final PrintStream log;

    public DatasetBuilder(HoldOutSplit split, PrintStream log) {
        this.split = split;
        this.log = log;
    }

    /** Builds from cached tarballs (vendor name → tarball) and the emojibase-data tarball. */
    public EmojiDataset buildFromTarballs(Map<String, Path> vendorTarballs, Path emojibaseTgz, Path outDir) throws IOException {
        Map<String, byte[]> base = TarGzReader.read(emojibaseTgz,
                p -> p.equals("package/en/data.json") || p.equals("package/ja/data.json"));
        byte[] en = require(base, "package/en/data.json", emojibaseTgz);
        byte[] ja = require(base, "package/ja/data.json", emojibaseTgz);
        List<VendorSource> sources = new ArrayList<>();
        for (String vendor : VENDORS) {
            Path tgz = vendorTarballs.get(vendor);
            String imgPrefix = "package/img/" + vendor + "/" + SIZE + "/";
            Map<String, byte[]> files = TarGzReader.read(tgz,
                    p -> p.equals("package/emoji.json") || p.startsWith(imgPrefix));
            byte[] emojiJson = require(files, "package/emoji.json", tgz);
            sources.add(new VendorSource(vendor, emojiJson, files, imgPrefix));
            log.printf("%s: %d files read from %s%n", vendor, files.size(), tgz.getFileName());
        }
        return build(sources, en, ja, outDir);
    }

    /** One vendor's emoji.json and its PNG files keyed by {@code imgPrefix + imageFile}. */
    public record VendorSource(String vendor, byte[] emojiJson, Map<String, byte[]> files, String imgPrefix) {
    }

    public EmojiDataset build(List<VendorSource> sources, byte[] englishJson, byte[] japaneseJson, Path outDir)
            throws IOException {
        Files.createDirectories(outDir);
        Path tmpImages = outDir.resolve("images.u8.tmp");
        Path tmpEntries = outDir.resolve("entries.jsonl.tmp");
        List<EmojiRecord> all = new ArrayList<>();
        int missing = 0;
        try (OutputStream img = new BufferedOutputStream(Files.newOutputStream(tmpImages), 1 << 16);
                OutputStream ent = new BufferedOutputStream(Files.newOutputStream(tmpEntries))) {
            for (VendorSource src : sources) {
                for (EmojiRecord r : EmojiCatalog.build(src.emojiJson(), englishJson, japaneseJson, src.vendor(), split)) {
                    byte[] png = src.files().get(src.imgPrefix() + r.imageFile());
                    if (png == null) {
                        missing++;
                        continue;
                    }
                    img.write(WhiteCompositor.compositeOnWhite(png, SIZE, src.vendor() + "/" + r.imageFile()));
                    ent.write(JSON.writeValueAsString(r).getBytes(StandardCharsets.UTF_8));
                    ent.write('\n');
                    all.add(r);
                }
            }
        }
        if (all.isEmpty()) {
            throw new IOException("no emoji images found: are these emoji-datasource tarballs with img/<vendor>/64/?");
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("count", all.size());
        meta.put("size", SIZE);
        meta.put("validation", all.stream().filter(EmojiRecord::validation).count());
        meta.put("missingImages", missing);
        ArrayNode vendors = meta.putArray("vendors");
        sources.forEach(s -> vendors.add(s.vendor()));
        Files.move(tmpImages, outDir.resolve(EmojiDataset.IMAGES), StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpEntries, outDir.resolve(EmojiDataset.ENTRIES), StandardCopyOption.REPLACE_EXISTING);
        JSON.writerWithDefaultPrettyPrinter().writeValue(outDir.resolve(EmojiDataset.META).toFile(), meta);
        log.printf("dataset: %d images (%d validation, %d listed without a PNG) in %s%n",
                all.size(), meta.get("validation").asLong(), missing, outDir);
        return EmojiDataset.load(outDir);
    }

    private static byte[] require(Map<String, byte[]> files, String path, Path tgz) throws IOException {
        byte[] b = files.get(path);
        if (b == null) {
            throw new IOException(tgz + " has no " + path + ": is it the right package and version?");
        }
        return b;
    }
}
