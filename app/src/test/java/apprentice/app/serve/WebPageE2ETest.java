package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The web page end to end in headless Chromium: generate adaptively, see the draft and its score against
 * τ before the teacher's image, the final image with metadata, and the session history. Skipped when
 * {@code /usr/bin/chromium} is absent ({@code apt-get install chromium}; {@code .ci/run} installs it).
 */
class WebPageE2ETest {

    @Test
    void adaptiveRunShowsDraftScoreRouteFinalImageAndHistory() throws Exception {
        assumeTrue(HeadlessChromium.available(), "skipped: /usr/bin/chromium is absent (apt-get install chromium chromium-driver; .ci/run does it)");
        try (TestServer t = new TestServer(TestServer.fast(), 30, 150, null);
             HeadlessChromium browser = new HeadlessChromium()) {
            browser.navigate("http://127.0.0.1:" + t.server.port() + "/");
            browser.await("document.readyState === 'complete' && document.getElementById('mode').options.length === 3", Duration.ofSeconds(20));
            assertEquals("adaptive", browser.eval("document.getElementById('mode').value").asText());
            // record when the draft and the final image first appear
            browser.eval("window.__seen = {};"
                    + "new MutationObserver(() => {"
                    + "  for (const id of ['draft', 'final']) {"
                    + "    if (!document.getElementById(id).hidden && !window.__seen[id]) { window.__seen[id] = performance.now(); }"
                    + "  }"
                    + "}).observe(document.getElementById('run'), {subtree: true, attributes: true}); true");
            browser.type("prompt", "a bad drawing");
            assertEquals("a bad drawing", browser.eval("document.getElementById('prompt').value").asText(), "typed into the prompt box");
            browser.eval("document.getElementById('seed').value = '5';"
                    + "document.getElementById('teacher_steps').value = '4';"
                    + "document.getElementById('go').click(); true");
            browser.await("document.getElementById('history').children.length === 1", Duration.ofSeconds(30));

            assertTrue(browser.eval("window.__seen.draft < window.__seen.final").asBoolean(),
                    "the draft was shown before the teacher's image: " + browser.eval("JSON.stringify(window.__seen)"));
            assertTrue(browser.eval("document.getElementById('draft').src").asText().startsWith("data:image/png;base64,"));
            assertTrue(browser.eval("document.getElementById('final').naturalWidth === 16").asBoolean(), "the final PNG decoded");
            String score = browser.eval("document.getElementById('score').textContent").asText();
            assertTrue(score.contains("score 0.100 < τ 0.500 (k = 50%, calibrated)"), score);
            assertTrue(browser.eval("document.getElementById('route').textContent").asText().startsWith("refined"));
            assertEquals(4, browser.eval("document.getElementById('teacher-progress').value").asInt(), "teacher progress reached its end");
            String meta = browser.eval("document.getElementById('meta').textContent").asText();
            assertTrue(meta.contains("routerefined") && meta.contains("seed5"), meta);
            assertTrue(browser.eval("document.getElementById('status').textContent").asText().startsWith("done"));
            assertTrue(browser.eval("document.querySelector('#history li').textContent").asText().contains("a bad drawing"));
            assertEquals(List.of(), browser.exceptions, "no uncaught errors in the page");
            // a screenshot of the finished page, kept under target/ for a person to look at
            Path shot = Path.of("target", "screenshots", "web-page-adaptive.png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(browser.screenshot(shot)));
            assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, "the screenshot is a real PNG: " + shot);
        }
    }
}
