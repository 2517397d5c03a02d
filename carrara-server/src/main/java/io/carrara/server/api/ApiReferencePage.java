package io.carrara.server.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** Serves docs/api.md, copied into the jar at build time, as an HTML page rendered once at start. */
public final class ApiReferencePage implements HttpService {
    private static final String RESOURCE = "/io/carrara/server/docs/api.md";

    private final String html;

    public ApiReferencePage() {
        String markdown;
        try (InputStream in = ApiReferencePage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the server jar; rebuild it with mvn package");
            }
            markdown = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<org.commonmark.Extension> extensions = List.of(TablesExtension.create());
        Parser parser = Parser.builder().extensions(extensions).build();
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions).escapeHtml(true).build();
        this.html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Carrara HTTP API</title>
                <style>
                body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
                code,pre{background:#f4f4f4;font-size:.9em}pre{padding:1rem;overflow:auto}
                table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}
                </style></head><body>
                """ + renderer.render(parser.parse(markdown)) + "</body></html>\n";
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(MediaType.HTML_UTF_8, html);
    }
}
