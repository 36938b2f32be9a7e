package apprentice.train.data;

/**
 * A pinned npm package and the sha512 integrity npm's registry publishes for it
 * ({@code npm view <name>@<version> dist.integrity}). Pinning the integrity makes the dataset
 * reproducible: a tarball that differs by one byte is rejected.
 */
public record NpmPackage(String name, String version, String integrity) {

    public static final NpmPackage GOOGLE = new NpmPackage("emoji-datasource-google", "16.0.0",
            "sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A==");
    public static final NpmPackage TWITTER = new NpmPackage("emoji-datasource-twitter", "16.0.0",
            "sha512-7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ==");
    public static final NpmPackage EMOJIBASE = new NpmPackage("emojibase-data", "17.0.0",
            "sha512-Yvgb5AWoHViHV/gq1qr5ZAarcBip+B27/ZLRsUJkbgAEaLlZ/fof9g882LTpmEpyhBNEC0m2SEmItljHsTygjA==");

    public String spec() {
        return name + "@" + version;
    }

    /** npm pack's output file name. */
    public String tarballName() {
        return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
    }
}
