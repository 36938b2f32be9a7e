package apprentice.app.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every route of the service, dispatched by path and method (404 for unknown paths, 405 with
 * {@code Allow} for a known path and another method). Checks the bearer token, the body size, and turns
 * {@link ApiException}s into JSON errors.
 */
final class HttpApi implements HttpHandler {
    private static final Pattern JOB = Pattern.compile("/api/jobs/([0-9a-f]{24})");
    private static final Pattern JOB_EVENTS = Pattern.compile("/api/jobs/([0-9a-f]{24})/events");
    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"});
    /** Paths served without the bearer token: the page itself (it asks for the token) and the health probe. */
    private static final Set<String> OPEN = Set.of("/", "/app.js", "/style.css", "/healthz");

    private final JobEngine engine;
    private final ServedModels models;
    private final ServeSettings settings;
    private final Metrics metrics;
    private final RequestReader reader;
    private final byte[] token;
    private final Duration syncCommitDelay;
    private final Duration heartbeat;
    private final boolean loopbackOnly;

    HttpApi(JobEngine engine, ServedModels models, ServeSettings settings, Metrics metrics, String token,
            Duration syncCommitDelay, Duration heartbeat, boolean loopbackOnly) {
        this.engine = engine;
        this.models = models;
        this.settings = settings;
        this.metrics = metrics;
        this.reader = new RequestReader(models, settings);
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.syncCommitDelay = syncCommitDelay;
        this.heartbeat = heartbeat;
        this.loopbackOnly = loopbackOnly;
    }

    @Override
    public void handle(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String route = routeName(path);
        boolean openAi = path.startsWith("/v1/");
        int status;
        try {
            status = dispatch(ex, path, method, route);
        } catch (ApiException e) {
            status = e.status();
            sendError(ex, e, openAi);
        } catch (ClientGone | UncheckedClientGone e) {
            status = 499; // nginx's "client closed request", for the metrics only
        } catch (RuntimeException e) {
            status = 500;
            sendError(ex, new ApiException(500, "internal", null, "internal error: " + e), openAi);
        } finally {
            ex.close();
        }
        metrics.request(route, status);
    }

    /** The route's template, so metrics have bounded label values. */
    static String routeName(String path) {
        if (JOB.matcher(path).matches()) {
            return "/api/jobs/{id}";
        }
        if (JOB_EVENTS.matcher(path).matches()) {
            return "/api/jobs/{id}/events";
        }
        return switch (path) {
            case "/", "/app.js", "/style.css", "/healthz", "/metrics", "/api/models", "/api/generate", "/api/jobs", "/api/edit",
                 "/v1/images/generations" -> path;
            default -> "other";
        };
    }

    private int dispatch(HttpExchange ex, String path, String method, String route) throws ClientGone {
        if (route.equals("other")) {
            throw new ApiException(404, "not_found", null, "no such route: " + path + " (see GET /api/models, POST /api/generate, "
                    + "POST /api/jobs, POST /v1/images/generations)");
        }
        checkHostAndOrigin(ex, method);
        if (token != null && !OPEN.contains(path)) {
            checkToken(ex);
        }
        if (ASSETS.containsKey(path)) {
            allow(method, "GET");
            return asset(ex, ASSETS.get(path));
        }
        Matcher m;
        switch (route) {
            case "/healthz" -> {
                allow(method, "GET");
                return health(ex);
            }
            case "/metrics" -> {
                allow(method, "GET");
                return send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render().getBytes(StandardCharsets.UTF_8));
            }
            case "/api/models" -> {
                allow(method, "GET");
                return sendJson(ex, 200, modelInfo());
            }
            case "/api/generate" -> {
                allow(method, "POST");
                requireJson(ex);
                List<Job> jobs = engine.submit(reader.read(Json.object(body(ex)), null));
                return respondWhenDone(ex, jobs, false);
            }
            case "/api/edit" -> {
                allow(method, "POST");
                return edit(ex);
            }
            case "/api/jobs" -> {
                allow(method, "POST");
                requireJson(ex);
                List<Job> jobs = engine.submit(reader.read(Json.object(body(ex)), null));
                List<Map<String, Object>> list = new ArrayList<>();
                for (Job j : jobs) {
                    list.add(Map.of("id", j.id, "state", "queued", "events", "/api/jobs/" + j.id + "/events"));
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", jobs.get(0).id);
                out.put("jobs", list);
                ex.getResponseHeaders().set("Location", "/api/jobs/" + jobs.get(0).id);
                return sendJson(ex, 202, out);
            }
            case "/api/jobs/{id}" -> {
                m = JOB.matcher(path);
                m.matches();
                Job job = job(m.group(1));
                if (method.equals("GET")) {
                    return sendJson(ex, 200, job.snapshot());
                }
                allow(method, "GET, DELETE");
                boolean cancelled = job.cancel("cancelled by DELETE /api/jobs/" + job.id);
                Map<String, Object> out = job.snapshot();
                out.put("cancelled", cancelled);
                return sendJson(ex, cancelled ? 200 : 409, out);
            }
            case "/api/jobs/{id}/events" -> {
                allow(method, "GET");
                m = JOB_EVENTS.matcher(path);
                m.matches();
                return events(ex, job(m.group(1)));
            }
            case "/v1/images/generations" -> {
                allow(method, "POST");
                requireJson(ex);
                Map<String, Object> fields = OpenAiImages.toNative(Json.object(body(ex)));
                return respondWhenDone(ex, engine.submit(reader.read(fields, null)), true);
            }
            default -> throw new IllegalStateException("route " + route + " has no handler");
        }
    }

    private static void allow(String method, String allowed) {
        for (String a : allowed.split(",\\s*")) {
            if (a.equals(method) || (a.equals("GET") && method.equals("HEAD"))) {
                return;
            }
        }
        throw new ApiException(405, "method_not_allowed", null, "method " + method + " is not allowed here: use " + allowed)
                .withHeader("Allow", allowed);
    }

    /**
     * Browser-borne attacks on a local service: a loopback-only server answers only requests addressed to a
     * loopback name (DNS rebinding sends another host name), and a state-changing request from a web page
     * must come from this server's own origin (a foreign page's form or fetch carries its own Origin).
     */
    private void checkHostAndOrigin(HttpExchange ex, String method) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (loopbackOnly && host != null && !isLoopbackName(hostName(host))) {
            throw new ApiException(403, "forbidden_host", null, "Host '" + host + "' is not a loopback name and this server listens on "
                    + "loopback only: use http://127.0.0.1 or http://localhost (or start it with --host to serve other names)");
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !method.equals("GET") && !method.equals("HEAD") && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
            throw new ApiException(403, "forbidden_origin", null, "cross-origin request from " + origin + " refused: call the API "
                    + "from the server's own page or from a non-browser client");
        }
    }

    private static String hostName(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon > 0 ? h.substring(0, colon) : h;
    }

    private static boolean isLoopbackName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("localhost") || n.endsWith(".localhost") || n.equals("::1") || n.startsWith("127.");
    }

    /** JSON endpoints take only JSON bodies, so a foreign page cannot post to them without a CORS preflight (never granted). */
    private static void requireJson(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", null, "send the body as JSON with 'Content-Type: application/json'"
                    + (type == null ? "" : " (got '" + type + "')"));
        }
    }

    private void checkToken(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        // constant-time comparison, so response timing does not reveal how much of a guess was right
        if (given == null || !MessageDigest.isEqual(given, token)) {
            throw new ApiException(401, "unauthorized", null, given == null
                    ? "this server needs a bearer token: send the header 'Authorization: Bearer <token>'"
                    : "the bearer token is wrong: send the token the server was started with")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"apprentice\"");
        }
    }

    private Job job(String id) {
        return engine.find(id).orElseThrow(() -> new ApiException(404, "not_found", "id",
                "no job " + id + ": it never existed or finished long ago (the server keeps the last " + settings.retainedJobs() + ")"));
    }

    /** Reads the body, refusing more than the limit with 413 (announced by Content-Length or not). */
    private byte[] body(HttpExchange ex) {
        long limit = settings.maxBodyBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long announced;
            try {
                announced = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length '" + length + "' is not a number");
            }
            if (announced > limit) {
                drainQuietly(ex, limit);
                throw tooLarge(limit);
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    drainQuietly(ex, limit);
                    throw tooLarge(limit);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    /**
     * Reads and discards a refused body up to a few times the limit. Answering 413 while the client
     * is still sending makes the connection close under it, and the client then sees a broken pipe
     * instead of the 413; a body far over the limit is not worth reading, so there we close anyway.
     */
    private static void drainQuietly(HttpExchange ex, long limit) {
        long cap = Math.max(4 * limit, 1 << 20);
        try {
            InputStream in = ex.getRequestBody();
            byte[] buf = new byte[16384];
            long read = 0;
            int n;
            while (read < cap && (n = in.read(buf)) > 0) {
                read += n;
            }
        } catch (IOException ignored) {
            // the client went away: nothing left to answer
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "body_too_large", null, "the request body is larger than this server's limit of " + limit
                + " bytes: send a smaller image (or start the server with a larger --max-body)");
    }

    private int edit(HttpExchange ex) throws ClientGone {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "unsupported_media_type", null, "POST /api/edit takes multipart/form-data with an 'image' file and "
                    + "a 'prompt' field (e.g. curl -F image=@in.png -F prompt='a red apple'); for JSON send 'image' base64 to /api/jobs");
        }
        Multipart form = Multipart.parse(type, body(ex));
        byte[] image = form.files.get("image");
        if (image == null) {
            throw ApiException.badField("image", "image is missing: attach the picture to edit as the file field 'image'");
        }
        for (String name : form.files.keySet()) {
            if (!name.equals("image") && !name.equals("control_image")) {
                throw ApiException.badField(name, "unexpected file field '" + name + "': only 'image' and 'control_image' take a file");
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : form.fields.entrySet()) {
            fields.put(e.getKey(), formValue(e.getKey(), e.getValue()));
        }
        for (String file : List.of("image", "control_image")) {
            if (fields.containsKey(file)) {
                throw ApiException.badField(file, file + " was sent as a text field: attach it as a file");
            }
        }
        return respondWhenDone(ex, engine.submit(reader.read(fields, image, form.files.get("control_image"))), false);
    }

    /** Form fields are text; the numeric ones are read as JSON numbers so one validator serves both APIs. */
    private static Object formValue(String name, String value) {
        if (Set.of("prompt", "negative_prompt", "mode", "teacher_mode").contains(name)) {
            return value;
        }
        try {
            return Json.MAPPER.readValue(value.trim(), Number.class);
        } catch (IOException e) {
            return value;
        }
    }

    private int health(HttpExchange ex) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", engine.accepting() ? "ok" : "shutting_down");
        out.put("unfinished_jobs", engine.unfinished());
        out.put("queue_capacity", settings.queueCapacity());
        out.put("student_queue", engine.studentQueueDepth());
        out.put("teacher_queue", engine.teacherQueueDepth());
        return sendJson(ex, engine.accepting() ? 200 : 503, out);
    }

    private Map<String, Object> modelInfo() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("student", models.studentName());
        out.put("teacher", models.teacherName());
        out.put("oracle", models.hasOracle() ? models.oracle().name() : null);
        // non-null: every request must carry control_image (the web page shows its control fields then)
        out.put("controlnet", models.hasControlNet() ? models.controlNet() : null);
        List<String> modes = new ArrayList<>(List.of("student"));
        if (models.hasTeacher()) {
            modes.add("teacher");
            if (models.hasOracle()) {
                modes.add("adaptive");
            }
        }
        out.put("modes", modes);
        out.put("default_mode", reader.defaultMode().label());
        out.put("default_size", models.defaultSize());
        out.put("size_multiple", models.sizeMultiple());
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("steps", settings.studentSteps());
        defaults.put("guidance", settings.studentGuidance());
        defaults.put("teacher_steps", settings.teacherSteps());
        defaults.put("teacher_guidance", settings.teacherGuidance());
        defaults.put("refine_strength", settings.refineStrength());
        defaults.put("strength", settings.editStrength());
        defaults.put("k", settings.budgetK());
        out.put("defaults", defaults);
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("max_body_bytes", settings.maxBodyBytes());
        limits.put("max_prompt_chars", settings.maxPromptChars());
        limits.put("max_side", settings.maxSide());
        limits.put("max_steps", settings.maxSteps());
        limits.put("max_images", settings.maxImages());
        out.put("limits", limits);
        out.put("strength_convention", "diffusers img2img strength (fraction of the timesteps run)");
        out.put("notes", models.notes());
        return out;
    }

    // ------------------------------------------------------------------ synchronous answers

    /**
     * Waits for the jobs and answers. A job that finishes within the commit delay gets a normal status
     * (200, or the error's status). After that the answer is committed as 200 and a space (JSON allows
     * leading white space) is written every heartbeat, which is how a closed connection is noticed: the
     * jobs are then cancelled. A failure after that point arrives as a 200 whose body is the error object.
     */
    private int respondWhenDone(HttpExchange ex, List<Job> jobs, boolean openAi) throws ClientGone {
        CompletableFuture<Void> all = CompletableFuture.allOf(jobs.stream().map(j -> j.finished).toArray(CompletableFuture[]::new));
        if (await(all, syncCommitDelay)) {
            return finalAnswer(ex, jobs, openAi, false);
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            while (!await(all, heartbeat)) {
                out.write(' ');
                out.flush();
            }
        } catch (IOException e) {
            for (Job j : jobs) {
                j.cancel("the client closed the connection");
            }
            throw new ClientGone();
        }
        return finalAnswer(ex, jobs, openAi, true);
    }

    private static boolean await(CompletableFuture<Void> f, Duration d) {
        try {
            f.get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private int finalAnswer(HttpExchange ex, List<Job> jobs, boolean openAi, boolean committed) throws ClientGone {
        Object body;
        int status = 200;
        Job bad = jobs.stream().filter(j -> j.state() != Job.State.DONE).findFirst().orElse(null);
        if (bad != null) {
            for (Job j : jobs) {
                j.cancel("another image of the same request failed");
            }
            ApiException e = errorOf(bad);
            status = e.status();
            body = openAi ? OpenAiImages.error(e) : e.body();
        } else if (openAi) {
            body = OpenAiImages.response(jobs);
        } else {
            List<Map<String, Object>> images = new ArrayList<>();
            for (Job j : jobs) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", j.id);
                r.putAll(j.result());
                images.add(r);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("created", Instant.now().getEpochSecond());
            out.put("images", images);
            body = out;
        }
        if (!committed) {
            return sendJson(ex, status, body);
        }
        try {
            OutputStream out = ex.getResponseBody();
            out.write(Json.bytes(body));
            out.flush();
        } catch (IOException e) {
            throw new ClientGone();
        }
        return status;
    }

    /** The HTTP error a finished-but-not-done job maps to. */
    static ApiException errorOf(Job job) {
        String code = job.errorCode();
        String message = job.errorMessage();
        int status = switch (code == null ? "" : code) {
            case "cancelled" -> 409;
            case "timeout" -> 504;
            case "shutdown" -> 503;
            case "invalid_request" -> 400;
            default -> 500;
        };
        return new ApiException(status, code, null, "job " + job.id + ": " + message);
    }

    // ------------------------------------------------------------------ server-sent events

    private int events(HttpExchange ex, Job job) throws ClientGone {
        int from = 0;
        String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (last != null) {
            try {
                from = Math.max(0, Integer.parseInt(last.trim()) + 1);
            } catch (NumberFormatException e) {
                throw new ApiException(400, "invalid_header", "Last-Event-ID", "Last-Event-ID '" + last + "' is not an event number");
            }
        }
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("Cache-Control", "no-cache");
        h.set("X-Accel-Buffering", "no");
        job.watch();
        boolean ended = false;
        try {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            while (!ended) {
                List<JobEvent> events = job.eventsFrom(from, heartbeat.toMillis());
                if (events.isEmpty()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                }
                for (JobEvent e : events) {
                    String frame = "id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + Json.string(e.data()) + "\n\n";
                    out.write(frame.getBytes(StandardCharsets.UTF_8));
                    from = e.seq() + 1;
                    ended |= e.isTerminal();
                }
                out.flush();
            }
            return 200;
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ClientGone();
        } finally {
            // the last watcher went away before the job ended: nobody will see the image, so stop the work
            if (job.unwatch() == 0 && !ended) {
                job.cancel("the client closed the event stream");
            }
        }
    }

    // ------------------------------------------------------------------ plain responses

    private int asset(HttpExchange ex, String[] asset) {
        try (InputStream in = HttpApi.class.getClassLoader().getResourceAsStream(asset[0])) {
            if (in == null) {
                throw new IllegalStateException("resource " + asset[0] + " is missing from the build");
            }
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'");
            return send(ex, 200, asset[1], in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("reading " + asset[0] + " failed", e);
        }
    }

    private void sendError(HttpExchange ex, ApiException e, boolean openAi) {
        e.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        try {
            sendJson(ex, e.status(), openAi ? OpenAiImages.error(e) : e.body());
        } catch (RuntimeException ignored) {
            // headers already sent (a streamed answer): nothing more can be said
        }
    }

    private static int sendJson(HttpExchange ex, int status, Object body) {
        return send(ex, status, "application/json", Json.bytes(body));
    }

    private static int send(HttpExchange ex, int status, String type, byte[] bytes) {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        try {
            boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
            ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
            if (!head && bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedClientGone();
        }
        return status;
    }

    /** The client went away mid-answer; nothing more can be sent. */
    static final class ClientGone extends Exception {
        private static final long serialVersionUID = 1L;
    }

    static final class UncheckedClientGone extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
