package io.carrara.server.http;

import static io.carrara.spi.error.StandardErrorCode.CROSS_ORIGIN_REFUSED;
import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.carrara.spi.error.CarraraException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Refuses a change (any method but GET, HEAD and OPTIONS) that a browser sends on behalf of a page
 * from another origin. Browsers name the page's origin in {@code Origin} (and say {@code
 * Sec-Fetch-Site: cross-site} or {@code same-site}); the CLI, the Java client and other programs
 * send neither, so they pass. A page on this server's own origin, or one of {@code allowedOrigins}
 * ({@code http.allowedOrigins}), may change things. Applied to every route in one place, so no
 * endpoint can forget it.
 *
 * <p>A server listening on loopback only also refuses requests whose {@code Host} is not a loopback
 * name: a page whose own host name an attacker re-points at 127.0.0.1 (DNS rebinding) would
 * otherwise be "same origin".
 */
public final class CrossOriginGuard implements DecoratingHttpServiceFunction {
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final Set<String> allowedOrigins;
    private final boolean loopbackOnly;

    /**
     * @param allowedOrigins origins besides the server's own, as {@code scheme://host[:port]}
     * @param loopbackOnly whether the server listens on a loopback address only
     */
    public CrossOriginGuard(Set<String> allowedOrigins, boolean loopbackOnly) {
        this.allowedOrigins = requireNonNull(allowedOrigins, "allowedOrigins is null").stream()
                .map(CrossOriginGuard::normalise).collect(Collectors.toUnmodifiableSet());
        this.loopbackOnly = loopbackOnly;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        RequestHeaders headers = req.headers();
        if (loopbackOnly && !loopbackAuthority(headers.authority())) {
            throw new CarraraException(CROSS_ORIGIN_REFUSED, "this server listens on loopback only and answers requests"
                    + " for localhost, 127.0.0.1 or [::1], not for another host name; call it by one of those", "Host");
        }
        if (!SAFE.contains(headers.method())) {
            String origin = headers.get(HttpHeaderNames.ORIGIN);
            if (origin != null) {
                String own = (ctx.sessionProtocol().isTls() ? "https://" : "http://") + headers.authority();
                String normalised = normalise(origin);
                if (!normalised.equals(normalise(own)) && !allowedOrigins.contains(normalised)) {
                    throw refused("a page on " + abbreviate(origin));
                }
            } else {
                String site = headers.get("sec-fetch-site");
                if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
                    throw refused("a page on another site");
                }
            }
        }
        return delegate.serve(ctx, req);
    }

    /** Whether {@code host[:port]} names this machine by a loopback name or address. */
    static boolean loopbackAuthority(String authority) {
        if (authority == null) {
            return true;
        }
        String host = authority;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(host).matches();
    }

    private static CarraraException refused(String who) {
        return new CarraraException(CROSS_ORIGIN_REFUSED, headersFree(who) + " asked this server for a change; browsers may"
                + " change things only from the server's own origin. Call the API from the CLI or a program, or add the page's"
                + " origin to the server's http.allowedOrigins setting", "Origin");
    }

    private static String headersFree(String text) {
        return text.replaceAll("[\\r\\n]", " ");
    }

    private static String abbreviate(String origin) {
        return origin.length() <= 100 ? origin : origin.substring(0, 100) + "…";
    }

    /** {@code HTTP://Example.com:80} and {@code http://example.com} are one origin. */
    static String normalise(String origin) {
        String trimmed = origin.trim();
        try {
            URI uri = URI.create(trimmed);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return trimmed.toLowerCase(Locale.ROOT);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            // "null" (a sandboxed page or a file) and other strings are compared as they are: they never match.
            return trimmed.toLowerCase(Locale.ROOT);
        }
    }
}
