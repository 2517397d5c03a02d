package io.carrara.spi.net;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which addresses the server may call when a user gives it a URL (a workflow's alert webhook, later a
 * rule's webhook): http or https only, no user name or password in the URL, and, unless allowed, no
 * host that resolves to an address of the server's own networks: loopback, link-local (which holds
 * the cloud metadata service, 169.254.169.254), private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * shared (100.64/10), unspecified or multicast. A URL given to the server would otherwise let anyone
 * who may register a workflow make the server call the services only it can reach.
 * <pre>{@code
 * OutboundAddressPolicy policy = OutboundAddressPolicy.of(false, List.of("hooks.internal:8443"));
 * policy.check(URI.create("https://hooks.example.com/ml"), "alert.webhook"); // at registration: 400 naming the field
 * policy.check(webhook, "alert.webhook");                                   // again right before each call
 * }</pre>
 * Every address a name resolves to must be allowed, and the check runs again before each call, so a
 * name re-pointed after registration is refused then; a name re-pointed between that check and the
 * connection (DNS rebinding within a second) is not caught. Thread-safe.
 */
public final class OutboundAddressPolicy {
    /** What a call may reach when nothing is configured: public addresses only. */
    public static final OutboundAddressPolicy PUBLIC_ONLY = new OutboundAddressPolicy(false, Set.of());

    private final boolean allowPrivate;
    private final Set<String> allowedHosts;

    private OutboundAddressPolicy(boolean allowPrivate, Set<String> allowedHosts) {
        this.allowPrivate = allowPrivate;
        this.allowedHosts = allowedHosts;
    }

    /**
     * @param allowPrivate whether any address may be called (local experiments, or a server whose
     *     webhooks are all internal)
     * @param allowedHosts {@code host} or {@code host:port} entries that may be called whatever they
     *     resolve to, e.g. an internal alerting service; compared without case
     */
    public static OutboundAddressPolicy of(boolean allowPrivate, List<String> allowedHosts) {
        requireNonNull(allowedHosts, "allowedHosts is null");
        Set<String> hosts = new TreeSet<>();
        for (String host : allowedHosts) {
            String entry = requireNonNull(host, "an allowed host is null").strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty() || entry.contains("/") || entry.contains("@")) {
                throw new IllegalArgumentException("an allowed host is host or host:port, not '" + host + "'");
            }
            hosts.add(entry);
        }
        return new OutboundAddressPolicy(allowPrivate, Set.copyOf(hosts));
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    public Set<String> allowedHosts() {
        return allowedHosts;
    }

    /**
     * Refuses a URL the server must not call, with {@code ADDRESS_NOT_ALLOWED} naming {@code field}
     * and what to change; answers normally when it may be called.
     */
    public void check(URI uri, String field) {
        requireNonNull(uri, "uri is null");
        requireNonNull(field, "field is null");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(field, "'" + uri + "' is not an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(field, "'" + uri.getHost() + "' is given with a user name or password in the URL, which"
                    + " would be stored and shown with the workflow; let the receiver check a header or a signed body instead");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw refused(field, "'" + uri + "' names no host");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (allowPrivate || allowedHosts.contains(lower) || allowedHosts.contains(lower + ":" + port)
                || allowedHosts.contains("[" + lower + "]:" + port)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw refused(field, "the host '" + bare + "' does not resolve here; check its name");
        } catch (SecurityException e) {
            throw refused(field, "the host '" + bare + "' cannot be resolved: " + e.getMessage());
        }
        for (InetAddress address : addresses) {
            String kind = internalKind(address);
            if (kind != null) {
                throw refused(field, "'" + bare + "' is " + (address.getHostAddress().equals(bare) ? "" : "at "
                        + address.getHostAddress() + ", ") + "a " + kind + " address, which the server does not call;"
                        + " to allow it, add '" + bare + ":" + port + "' to the setting outbound.allowedHosts (or set"
                        + " outbound.allowPrivateAddresses=true for local experiments)");
            }
        }
    }

    /** What kind of internal address this is, or null for a public one. */
    static String internalKind(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] bytes = v6.getAddress();
            InetAddress embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                return internalKind(embedded);
            }
            if ((bytes[0] & 0xfe) == 0xfc) {
                return "private (unique local)";
            }
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address v4) {
            byte[] bytes = v4.getAddress();
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            if (first == 0) {
                return "unspecified (0.0.0.0/8)";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "shared (carrier-grade NAT, 100.64.0.0/10)";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "benchmarking (198.18.0.0/15)";
            }
            if (first >= 240) {
                return "reserved (240.0.0.0/4)";
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address. */
    private static InetAddress embeddedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return null;
            }
        }
        boolean mapped = (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
        boolean compatible = bytes[10] == 0 && bytes[11] == 0 && (bytes[12] != 0 || bytes[13] != 0);
        if (!mapped && !compatible) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static CarraraException refused(String field, String why) {
        return new CarraraException(StandardErrorCode.ADDRESS_NOT_ALLOWED, field + ": " + why, field);
    }

    @Override
    public String toString() {
        return "OutboundAddressPolicy{allowPrivate=" + allowPrivate + ", allowedHosts=" + allowedHosts + "}";
    }
}
