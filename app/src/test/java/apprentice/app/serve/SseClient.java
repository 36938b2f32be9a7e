package apprentice.app.serve;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a server-sent event stream into (id, event, data) triples until the terminal event. */
final class SseClient {
    record Event(int id, String type, Map<String, Object> data) {
    }

    private SseClient() {
    }

    @SuppressWarnings("unchecked")
    static List<Event> readAll(TestServer t, String jobId) throws Exception {
        HttpResponse<Stream<String>> r = t.client.send(t.request("/api/jobs/" + jobId + "/events").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError("events answered " + r.statusCode());
        }
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            throw new AssertionError("events are not text/event-stream");
        }
        List<Event> events = new ArrayList<>();
        try (Stream<String> lines = r.body()) {
            Iterator<String> it = lines.iterator();
            int id = -1;
            String type = null;
            String data = null;
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("id: ")) {
                    id = Integer.parseInt(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.isEmpty() && type != null) {
                    events.add(new Event(id, type, TestServer.JSON.readValue(data, Map.class)));
                    if (type.equals("done") || type.equals("failed") || type.equals("cancelled")) {
                        break;
                    }
                    type = null;
                }
            }
        }
        return events;
    }

    static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }
}
