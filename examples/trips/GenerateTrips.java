import java.util.Locale;
import java.util.Random;

/**
 * Writes {@code trips.csv}, the synthetic sample the walk-throughs import: taxi trips over seven
 * days with the columns the sample trips pipeline takes ({@code id, city, vendor, payment,
 * passengers, hour, distance, duration, airport}) and the trip's date in {@code ds}. Nothing in it
 * is real data. A fixed seed and {@code java.util.Random}, whose sequence the Java specification
 * fixes, make every run print the same file; the README beside it has the command that checks
 * that the committed file is this program's output, which the walk-through test runs.
 *
 * <pre>java examples/trips/GenerateTrips.java &gt; examples/trips/trips.csv</pre>
 *
 * <p>About one row in a hundred has no passenger count or no distance (the pipeline skips those
 * rows, so batch scoring sends them to the errors table), and a few name a city the pipeline never
 * saw (it scores them under its "unknown" index).
 */
public final class GenerateTrips {
    private static final long SEED = 20261101L;
    private static final int DAYS = 7;
    private static final int TRIPS_PER_DAY = 500;

    // The cities the sample pipeline was trained on, most frequent first, and three it never saw.
    private static final String[] CITIES = {
        "new_york", "san_francisco", "los_angeles", "chicago", "boston", "seattle", "austin", "denver", "miami", "atlanta",
        "portland", "phoenix", "dallas", "houston", "philadelphia", "san_diego", "detroit", "minneapolis", "nashville", "orlando",
        "tampa", "charlotte", "pittsburgh", "cleveland", "st_louis", "kansas_city", "salt_lake_city", "las_vegas", "raleigh",
        "baltimore", "sacramento", "san_jose", "columbus", "indianapolis", "milwaukee", "cincinnati", "new_orleans", "honolulu",
        "anchorage", "boise"};
    private static final String[] UNSEEN_CITIES = {"atlantis", "el_dorado", "shangri_la"};
    private static final String[] VENDORS = {"cmt", "vts", "dds"};
    private static final String[] PAYMENTS = {"card", "cash", "app"};

    private GenerateTrips() {
    }

    public static void main(String[] args) {
        Random random = new Random(SEED);
        StringBuilder csv = new StringBuilder("id,city,vendor,payment,passengers,hour,distance,duration,airport,ds\n");
        int id = 1;
        for (int day = 1; day <= DAYS; day++) {
            String ds = String.format(Locale.ROOT, "2026-11-%02d", day);
            for (int trip = 0; trip < TRIPS_PER_DAY; trip++) {
                String city = random.nextDouble() < 0.01 ? UNSEEN_CITIES[random.nextInt(UNSEEN_CITIES.length)] : city(random);
                String vendor = VENDORS[random.nextInt(VENDORS.length)];
                String payment = random.nextDouble() < 0.05 ? "voucher" : PAYMENTS[random.nextInt(PAYMENTS.length)];
                String passengers = random.nextDouble() < 0.01 ? ""
                        : Integer.toString(1 + (int) Math.min(5, Math.abs(random.nextGaussian() * 1.5)));
                int hour = random.nextInt(24);
                double distance = Math.exp(random.nextGaussian() * 0.8 + 1.0);
                double duration = Math.max(1.0, distance * (2.5 + random.nextDouble() * 2) + random.nextGaussian());
                boolean airport = random.nextDouble() < 0.15;
                String distanceText = random.nextDouble() < 0.01 ? "" : String.format(Locale.ROOT, "%.2f", distance);
                csv.append(id++).append(',').append(city).append(',').append(vendor).append(',').append(payment).append(',')
                        .append(passengers).append(',').append(hour).append(',').append(distanceText).append(',')
                        .append(String.format(Locale.ROOT, "%.1f", duration)).append(',').append(airport).append(',')
                        .append(ds).append('\n');
            }
        }
        System.out.print(csv);
    }

    /** Zipf-like: the city of rank r has weight 1/r, so a few cities dominate and the tail is long. */
    private static String city(Random random) {
        double total = 0;
        for (int rank = 1; rank <= CITIES.length; rank++) {
            total += 1.0 / rank;
        }
        double target = random.nextDouble() * total;
        for (int rank = 1; rank <= CITIES.length; rank++) {
            target -= 1.0 / rank;
            if (target <= 0) {
                return CITIES[rank - 1];
            }
        }
        return CITIES[CITIES.length - 1];
    }
}
