package apprentice.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fetches pinned npm tarballs into a cache folder with the npm client ({@code npm pack}) and checks
 * their sha512 integrity. A tarball already in the cache is re-verified, not re-downloaded.
 */
public final class NpmFetcher {
    private final Path cacheDir;
    private final String npmCommand;

    public NpmFetcher(Path cacheDir, String npmCommand) {
        this.cacheDir = cacheDir;
        this.npmCommand = npmCommand;
    }

    /** Returns the verified tarball of {@code pkg}, fetching it when absent. */
    public Path fetch(NpmPackage pkg) throws IOException {
        Files.createDirectories(cacheDir);
        Path tgz = cacheDir.resolve(pkg.tarballName());
        if (!Files.exists(tgz)) {
            runNpmPack(pkg);
            if (!Files.exists(tgz)) {
                throw new IOException("npm pack " + pkg.spec() + " did not produce " + tgz
                        + ": check that the package exists and the npm registry is reachable");
            }
        }
        verify(tgz, pkg);
        return tgz;
    }

    /** Throws when the file's sha512 differs from the pinned integrity. */
    public static void verify(Path tgz, NpmPackage pkg) throws IOException {
        String actual = integrityOf(tgz);
        if (!actual.equals(pkg.integrity())) {
            throw new IOException("integrity mismatch for " + tgz + ": expected " + pkg.integrity() + " but got " + actual
                    + "; delete the file so that it is fetched again with npm pack " + pkg.spec());
        }
    }

    /** npm's Subresource-Integrity string: "sha512-" + base64(sha512(bytes)). */
    public static String integrityOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return "sha512-" + Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-512", e);
        }
    }

    private void runNpmPack(NpmPackage pkg) throws IOException {
        List<String> cmd = List.of(npmCommand, "pack", pkg.spec(), "--json", "--pack-destination", cacheDir.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + npmCommand + "': install Node.js/npm (https://nodejs.org) "
                    + "or pass --npm=/path/to/npm", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("npm pack " + pkg.spec() + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running npm pack", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("npm pack " + pkg.spec() + " failed (exit " + p.exitValue() + "): "
                    + tail(output) + "\nCheck the package name/version and that the npm registry is reachable.");
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
