package io.carrara.server;

import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request, in the server's log format ({@code key=value} pairs): request id,
 * client, method, path, protocol, status, response bytes and duration. It is written by Armeria's
 * access-log logger, which logback.xml sends through a queue that never blocks the event loop.
 */
final class AccessLog implements AccessLogWriter {
    private static final Logger LOG = LoggerFactory.getLogger("com.linecorp.armeria.logging.access");

    @Override
    public void log(RequestLog log) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        InetSocketAddress client = log.context().remoteAddress();
        LOG.atInfo().setMessage("request")
                .addKeyValue("id", log.context().id().text())
                .addKeyValue("client", client == null ? "-" : client.getAddress().getHostAddress())
                .addKeyValue("method", log.requestHeaders().method())
                .addKeyValue("path", log.requestHeaders().path())
                .addKeyValue("protocol", log.sessionProtocol() == null ? "-" : log.sessionProtocol().uriText())
                .addKeyValue("status", log.responseHeaders().status().code())
                .addKeyValue("bytes", log.responseLength())
                .addKeyValue("micros", TimeUnit.NANOSECONDS.toMicros(log.totalDurationNanos()))
                .log();
    }
}
