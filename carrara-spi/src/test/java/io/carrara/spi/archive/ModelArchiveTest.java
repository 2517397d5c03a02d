package io.carrara.spi.archive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelArchiveTest {
    @TempDir
    Path temp;

    // ---- pack, round trip, determinism ----

    @Test
    void nestedDirectoryRoundTrips() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        byte[] archive = pack(model);

        assertThat(ModelArchive.validate(new ByteArrayInputStream(archive))).containsExactly(
                "données.csv", "empty.txt", "metadata/part-00000", "stages/0_assembler/data/weights.bin",
                "stages/0_assembler/metadata/part-00000");

        Path extracted = temp.resolve("extracted");
        ModelArchive.extract(new ByteArrayInputStream(archive), extracted);
        assertThat(contentsOf(extracted)).isEqualTo(contentsOf(model));
    }

    @Test
    void sameContentGivesIdenticalBytesWhateverTheMtimesAndCreationOrder() throws IOException {
        Path first = writeModel(temp.resolve("first"));
        byte[] firstArchive = pack(first);

        // Same files written in reverse order, with other modification times.
        Path second = temp.resolve("second");
        List<Map.Entry<String, byte[]>> files = new ArrayList<>(contentsOf(first).entrySet());
        Collections.reverse(files);
        long mtime = Instant.parse("2031-07-04T12:34:56Z").toEpochMilli();
        for (Map.Entry<String, byte[]> file : files) {
            Path path = second.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
            Files.setLastModifiedTime(path, FileTime.fromMillis(mtime));
            mtime -= 86_400_000L * 365;
        }

        assertThat(pack(second)).isEqualTo(firstArchive);

        // And packing the first directory again after touching its files.
        try (Stream<Path> paths = Files.walk(first)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
            }
        }
        assertThat(pack(first)).isEqualTo(firstArchive);
    }

    @Test
    void sameContentGivesIdenticalBytesInEveryTimeZone() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        TimeZone original = TimeZone.getDefault();
        Map<String, String> digestByZone = new TreeMap<>();
        try {
            for (String zone : List.of("UTC", "America/Los_Angeles", "Europe/Paris", "Pacific/Kiritimati")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                digestByZone.put(zone, BlobDigests.hex(BlobDigests.newSha256().digest(pack(model))));
            }
        } finally {
            TimeZone.setDefault(original);
        }
        assertThat(Set.copyOf(digestByZone.values())).as("archive SHA-256 by time zone: %s", digestByZone).hasSize(1);
    }

    @Test
    void packedEntriesAreDeflatedFilesWithTheFixedTimeAndNoExtraFields() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        Path archive = temp.resolve("model.zip");
        Files.write(archive, pack(model));

        try (ZipFile zip = new ZipFile(archive.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zip.entries());
            assertThat(entries).hasSize(5).allSatisfy(entry -> {
                assertThat(entry.isDirectory()).isFalse();
                assertThat(entry.getMethod()).isEqualTo(ZipEntry.DEFLATED);
                assertThat(entry.getTimeLocal()).isEqualTo(ModelArchive.ENTRY_TIME);
                assertThat(entry.getExtra()).isNull();
            });
        }
    }

    @Test
    void emptyDirectoriesAreNotArchived() throws IOException {
        Path model = temp.resolve("model");
        Files.createDirectories(model.resolve("empty/deeper"));
        Files.writeString(model.resolve("kept.txt"), "kept");

        assertThat(ModelArchive.validate(new ByteArrayInputStream(pack(model)))).containsExactly("kept.txt");
    }

    @Test
    void emptyDirectoryPacksToAnEmptyArchiveThatValidates() throws IOException {
        Path model = Files.createDirectories(temp.resolve("model"));
        byte[] archive = pack(model);

        assertThat(ModelArchive.validate(new ByteArrayInputStream(archive))).isEmpty();
        ModelArchive.extract(new ByteArrayInputStream(archive), temp.resolve("extracted"));
        assertThat(temp.resolve("extracted")).isEmptyDirectory();
    }

    @Test
    void packRefusesSymbolicLinkPointingOutside() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        Path secret = Files.writeString(temp.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(model.resolve("stages/leak.txt"), secret);

        assertCarraraError(() -> pack(model), StandardErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("'stages/leak.txt'")
                .hasMessageContaining("symbolic link")
                .hasMessageContaining("replace the link with a copy");
    }

    @Test
    void packRefusesSymbolicLinkEvenInsideTheDirectory() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        Files.createSymbolicLink(model.resolve("alias"), model.resolve("metadata"));

        assertCarraraError(() -> pack(model), StandardErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("'alias'");
    }

    @Test
    void packFollowsALinkToTheModelDirectoryItself() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), model);

        assertThat(pack(link)).isEqualTo(pack(model));
    }

    @Test
    void packRefusesFileNamesOtherSystemsWouldMisread() throws IOException {
        Path model = temp.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("weights\\v1.bin"), "x");

        assertCarraraError(() -> pack(model), StandardErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("'weights\\v1.bin'")
                .hasMessageContaining("backslash");
    }

    @Test
    void packRefusesSomethingThatIsNotADirectory() throws IOException {
        Path file = Files.writeString(temp.resolve("model.bin"), "x");

        assertCarraraError(() -> pack(file), StandardErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("not a directory");
    }

    @Test
    void packLeavesTheOutputStreamOpen() throws IOException {
        Path model = writeModel(temp.resolve("model"));
        CloseRecordingOutputStream out = new CloseRecordingOutputStream();

        ModelArchive.pack(model, out);

        assertThat(out.closed).isFalse();
        assertThat(out.toByteArray()).isEqualTo(pack(model));
    }

    // ---- validate ----

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "a/../../b", "a/..", "/abs", "/etc/passwd", "C:/windows/evil.dll", "c:evil",
            "a\\..\\b", "dir\\file", "", "a//b", "./a", "a/./b", "a//", "nul\0byte"})
    void validateRefusesUnsafeNames(String name) throws IOException {
        byte[] archive = zip(name);

        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(archive)),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("archive entry '")
                .hasMessageContaining("pack the model directory again");
    }

    @Test
    void validateSaysWhichEntryAndWhy() throws IOException {
        byte[] archive = zip("fine.txt", "stages/../../evil");

        CarraraException error = catchCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(archive)));
        assertThat(error.errorCode()).isEqualTo(StandardErrorCode.UNSAFE_ARCHIVE.toErrorCode());
        assertThat(error.field()).contains("artifact");
        assertThat(error.getMessage())
                .contains("'stages/../../evil'")
                .contains("'..' segment")
                .contains("relative path");
    }

    @Test
    void validateRefusesDuplicateEntries() throws IOException {
        // ZipOutputStream refuses duplicates, so write two names of equal length and patch one.
        byte[] archive = replace(zip("weights-A.bin", "weights-B.bin"), "weights-B.bin", "weights-A.bin");

        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(archive)),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("'weights-A.bin' appears twice");
    }

    @Test
    void validateRefusesAPathThatIsBothFileAndDirectory() throws IOException {
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(zip("a", "a/b"))),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("'a/b' needs 'a' to be both a file and a directory");
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(zip("a/b", "a"))),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("'a' needs 'a' to be both");
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(zip("a/", "a"))),
                StandardErrorCode.UNSAFE_ARCHIVE);
    }

    @Test
    void validateAcceptsDirectoryEntriesFromOtherTools() throws IOException {
        byte[] archive = zip("stages/", "stages/0/", "stages/0/data.bin", "README");

        assertThat(ModelArchive.validate(new ByteArrayInputStream(archive)))
                .containsExactly("stages/", "stages/0/", "stages/0/data.bin", "README");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello, this is not a zip", "PK", "PK\u0001\u0002central directory first"})
    void validateRefusesStreamsThatAreNotZipArchives(String content) {
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(content.getBytes(UTF_8))),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("not a ZIP archive");
    }

    @Test
    void validateRefusesATruncatedArchive() throws IOException {
        byte[] archive = pack(writeModel(temp.resolve("model")));
        byte[] truncated = Arrays.copyOf(archive, archive.length / 2);

        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(truncated)),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("truncated or damaged");
    }

    @Test
    void validateRefusesDamagedData() throws IOException {
        byte[] content = "the same line again and again\n".repeat(100).getBytes(UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry entry = new ZipEntry("data.txt");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(content.length);
            entry.setCompressedSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(content);
            zip.closeEntry();
        }
        byte[] damaged = replace(bytes.toByteArray(), "again and", "AGAIN AND");

        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(damaged)),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("'data.txt'");
    }

    @Test
    void validateRefusesMoreEntriesThanTheLimit() throws IOException {
        ModelArchive.Limits limits = new ModelArchive.Limits(3, 1 << 20, 100);

        assertThat(ModelArchive.validate(new ByteArrayInputStream(zip("a", "b", "c")), limits)).hasSize(3);
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(zip("a", "b", "c", "d")), limits),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("more than 3 entries");
        assertThat(ModelArchive.Limits.DEFAULT.maxEntries()).isEqualTo(100_000);
    }

    @Test
    void validateRefusesAnArchiveThatExpandsBeyondTheLimit() throws IOException {
        // 10 MB of zeros deflates to about 10 kB: the shape of a ZIP bomb.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("zeros.bin"));
            zip.write(new byte[10_000_000]);
            zip.closeEntry();
        }
        ModelArchive.Limits limits = new ModelArchive.Limits(10, 1_000_000, 100_000);

        assertThat(bytes.size()).isLessThan(100_000);
        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(bytes.toByteArray()), limits),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("expands to more than 1000000 bytes")
                .hasMessageContaining("'zeros.bin'");
    }

    @Test
    void validateLeavesTheInputStreamOpen() throws IOException {
        CloseRecordingInputStream in = new CloseRecordingInputStream(zip("a"));

        ModelArchive.validate(in);

        assertThat(in.closed).isFalse();
    }

    @Test
    void validateRefusesAnArchiveThatExpandsBeyondTheRatioWhateverItsSize() throws IOException {
        byte[] bomb = zipOfZeros("zeros.bin", 10_000_000);
        ModelArchive.Limits limits = new ModelArchive.Limits(10, 1L << 40, 100);

        assertCarraraError(() -> ModelArchive.validate(new ByteArrayInputStream(bomb), limits),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("expands more than 100 times its compressed size")
                .hasMessageContaining("'zeros.bin'")
                .hasMessageContaining("limits.archive.maxCompressionRatio");
    }

    @Test
    void limitsRejectNegativeValuesAndARatioBelowOne() {
        assertThatThrownBy(() -> new ModelArchive.Limits(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelArchive.Limits(0, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelArchive.Limits(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultLimitsLeaveRoomForTheLargestUploadTheServerTakesByDefault() {
        long defaultMaxBlobBytes = 10L << 30;

        assertThat(ModelArchive.Limits.DEFAULT.maxExpandedBytes()).isGreaterThanOrEqualTo(3 * defaultMaxBlobBytes);
        assertThat(ModelArchive.Limits.DEFAULT.maxCompressionRatio()).isEqualTo(100);
    }

    // ---- extract ----

    @Test
    void extractCreatesMissingParents() throws IOException {
        Path target = temp.resolve("cache/models/instance-1");
        ModelArchive.extract(new ByteArrayInputStream(zip("stages/", "stages/0/data.bin")), target);

        assertThat(target.resolve("stages/0/data.bin")).hasContent("content of stages/0/data.bin");
    }

    @Test
    void unsafeEntryLeavesNoTargetAndNoTrace() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        byte[] archive = zip("good/one.txt", "good/two.txt", "../evil");

        assertCarraraError(() -> ModelArchive.extract(new ByteArrayInputStream(archive), parent.resolve("model")),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("'../evil'");

        assertThat(parent).isEmptyDirectory();
        assertThat(temp.resolve("evil")).doesNotExist();
    }

    @Test
    void truncatedArchiveLeavesNoTarget() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        byte[] archive = pack(writeModel(temp.resolve("model")));
        // Cut inside the 100 kB weights entry: its local header has arrived, its bytes haven't.
        byte[] truncated = Arrays.copyOf(archive, archive.length / 2);

        assertCarraraError(() -> ModelArchive.extract(new ByteArrayInputStream(truncated), parent.resolve("model")),
                StandardErrorCode.UNSAFE_ARCHIVE);

        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void archiveBeyondTheByteLimitLeavesNoTarget() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        byte[] archive = zip("a", "b", "c");
        ModelArchive.Limits limits = new ModelArchive.Limits(10, "content of a".length() + 1, 100);

        assertCarraraError(
                () -> ModelArchive.extract(new ByteArrayInputStream(archive), parent.resolve("model"), limits),
                StandardErrorCode.UNSAFE_ARCHIVE);

        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void zipBombIsRefusedWhileExtractingWithNoMoreThanTheLimitEverOnDisk() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        // 2 x 20 MB of zeros in about 40 kB, allowed any ratio so that only the size stops it.
        byte[] bomb = zipOfZeros(20_000_000, "first.bin", "second.bin");
        long limit = 4L << 20;
        ModelArchive.Limits limits = new ModelArchive.Limits(10, limit, Integer.MAX_VALUE);
        DiskWatchingInputStream in = new DiskWatchingInputStream(bomb, parent);

        CarraraException error = catchCarraraError(() -> ModelArchive.extract(in, parent.resolve("model"), limits));

        assertThat(bomb.length).isLessThan(100_000);
        assertThat(error.errorCode()).isEqualTo(StandardErrorCode.UNSAFE_ARCHIVE.toErrorCode());
        assertThat(error.field()).contains("artifact");
        assertThat(error.getMessage())
                .contains("expands to more than " + limit + " bytes")
                .contains("'first.bin'")
                .contains("limits.archive.maxExpandedBytes")
                .doesNotContain(temp.toString());
        assertThat(in.mostBytesOnDisk).isPositive().isLessThanOrEqualTo(limit + BUFFER);
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void highRatioEntryUnderTheSizeLimitIsRefusedByTheRatioWhileExtracting() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        byte[] bomb = zipOfZeros("zeros.bin", 10_000_000);
        ModelArchive.Limits limits = new ModelArchive.Limits(10, 1L << 30, 100);
        DiskWatchingInputStream in = new DiskWatchingInputStream(bomb, parent);

        assertCarraraError(() -> ModelArchive.extract(in, parent.resolve("model"), limits),
                StandardErrorCode.UNSAFE_ARCHIVE)
                .hasMessageContaining("expands more than 100 times its compressed size")
                .hasMessageContaining("limits.archive.maxCompressionRatio")
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain(temp.toString()));

        // Zeros pass 100 to 1 at once, so the ratio stops them as soon as the grace is spent.
        assertThat(in.mostBytesOnDisk).isLessThanOrEqualTo(ModelArchive.Limits.RATIO_GRACE_BYTES + BUFFER);
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void smallArchiveOfRepeatedBytesIsWithinTheRatioGrace() throws IOException {
        byte[] archive = zipOfZeros("zeros.bin", (int) ModelArchive.Limits.RATIO_GRACE_BYTES);

        ModelArchive.extract(new ByteArrayInputStream(archive), temp.resolve("model"));

        assertThat(temp.resolve("model/zeros.bin")).hasSize(ModelArchive.Limits.RATIO_GRACE_BYTES);
    }

    @Test
    void archiveOfModelLikeFilesPassesTheDefaultLimits() throws IOException {
        // Metadata-like JSON, which DEFLATE packs several times over, next to incompressible weights.
        Path model = writeModel(temp.resolve("model"));
        StringBuilder json = new StringBuilder("{\"class\":\"org.apache.spark.ml.feature.StringIndexerModel\",\"labels\":[");
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"city-").append(random.nextInt(100_000)).append('"');
        }
        Files.writeString(model.resolve("stages/0_assembler/metadata/part-00001"), json.append("]}"));
        byte[] archive = pack(model);

        ModelArchive.extract(new ByteArrayInputStream(archive), temp.resolve("extracted"));

        assertThat(contentsOf(temp.resolve("extracted"))).isEqualTo(contentsOf(model));
    }

    @Test
    void failingStreamLeavesNoTarget() throws IOException {
        Path parent = Files.createDirectories(temp.resolve("cache"));
        byte[] archive = pack(writeModel(temp.resolve("model")));
        InputStream failing = new InputStream() {
            private final InputStream delegate = new ByteArrayInputStream(archive, 0, archive.length / 2);

            @Override
            public int read() throws IOException {
                int b = delegate.read();
                if (b < 0) {
                    throw new IOException("connection reset");
                }
                return b;
            }
        };

        assertThatThrownBy(() -> ModelArchive.extract(failing, parent.resolve("model")))
                .isInstanceOf(IOException.class)
                .hasMessage("connection reset");
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void extractRefusesAnExistingTargetAndLeavesItAlone() throws IOException {
        Path target = Files.createDirectories(temp.resolve("model"));
        Files.writeString(target.resolve("mine.txt"), "mine");

        assertCarraraError(() -> ModelArchive.extract(new ByteArrayInputStream(zip("a")), target),
                StandardErrorCode.ALREADY_EXISTS)
                .hasMessageContaining("already exists");

        assertThat(contentsOf(target)).containsOnlyKeys("mine.txt");
        try (Stream<Path> siblings = Files.list(temp)) {
            assertThat(siblings).containsExactly(target);
        }
    }

    @Test
    void extractRefusesAnExistingEmptyTarget() throws IOException {
        Path target = Files.createDirectories(temp.resolve("model"));

        assertCarraraError(() -> ModelArchive.extract(new ByteArrayInputStream(zip("a")), target),
                StandardErrorCode.ALREADY_EXISTS);
    }

    @Test
    void extractRefusesEveryUnsafeCaseThatValidateRefuses() throws IOException {
        for (byte[] archive : List.of(zip("/abs"), zip("a/../../b"), zip("a", "a/b"), zip("C:/x"),
                replace(zip("dup-1", "dup-2"), "dup-2", "dup-1"))) {
            Path target = temp.resolve("model");
            assertCarraraError(() -> ModelArchive.extract(new ByteArrayInputStream(archive), target),
                    StandardErrorCode.UNSAFE_ARCHIVE);
            assertThat(temp).isEmptyDirectory();
        }
    }

    // ---- helpers ----

    private static byte[] pack(Path directory) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelArchive.pack(directory, out);
        return out.toByteArray();
    }

    /** An archive with these entries, written by the JDK exactly as named; files hold "content of NAME". */
    private static byte[] zip(String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, UTF_8)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                if (!name.endsWith("/")) {
                    zip.write(("content of " + name).getBytes(UTF_8));
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] zipOfZeros(String name, int size) throws IOException {
        return zipOfZeros(size, name);
    }

    /** An archive of entries of {@code size} zero bytes each: a ZIP bomb's shape. */
    private static byte[] zipOfZeros(int size, String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (ZipOutputStream zip = new ZipOutputStream(bytes, UTF_8)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                for (int written = 0; written < size; written += zeros.length) {
                    zip.write(zeros, 0, Math.min(zeros.length, size - written));
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] fromBytes = from.getBytes(UTF_8);
        byte[] toBytes = to.getBytes(UTF_8);
        assertThat(toBytes).hasSameSizeAs(fromBytes);
        byte[] result = bytes.clone();
        int replaced = 0;
        for (int i = 0; i + fromBytes.length <= result.length; i++) {
            if (Arrays.equals(result, i, i + fromBytes.length, fromBytes, 0, fromBytes.length)) {
                System.arraycopy(toBytes, 0, result, i, toBytes.length);
                replaced++;
            }
        }
        assertThat(replaced).as("occurrences of %s", from).isPositive();
        return result;
    }

    /** A small Spark-like model directory, with a nested tree, an empty file and a non-ASCII name. */
    private static Path writeModel(Path directory) throws IOException {
        byte[] weights = new byte[100_000];
        new Random(42).nextBytes(weights);
        Files.createDirectories(directory.resolve("metadata"));
        Files.createDirectories(directory.resolve("stages/0_assembler/metadata"));
        Files.createDirectories(directory.resolve("stages/0_assembler/data"));
        Files.writeString(directory.resolve("metadata/part-00000"), "{\"class\":\"PipelineModel\"}");
        Files.writeString(directory.resolve("stages/0_assembler/metadata/part-00000"), "{\"class\":\"Assembler\"}");
        Files.write(directory.resolve("stages/0_assembler/data/weights.bin"), weights);
        Files.write(directory.resolve("empty.txt"), new byte[0]);
        Files.writeString(directory.resolve("données.csv"), "ville,prix\nnyc,4\n");
        return directory;
    }

    private static Map<String, byte[]> contentsOf(Path directory) throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                contents.put(directory.relativize(path).toString().replace('\\', '/'), Files.readAllBytes(path));
            }
        }
        return new ContentMap(contents);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertCarraraError(
            ThrowingCallable call, StandardErrorCode code) {
        CarraraException error = catchCarraraError(call);
        assertThat(error.errorCode()).isEqualTo(code.toErrorCode());
        return assertThat((Throwable) error);
    }

    private static CarraraException catchCarraraError(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(CarraraException.class);
        return (CarraraException) thrown;
    }

    /** A sorted map whose equality compares byte array values by content, for readable assertions. */
    private static final class ContentMap extends TreeMap<String, byte[]> {
        private static final long serialVersionUID = 1L;

        ContentMap(Map<String, byte[]> contents) {
            super(contents);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Map<?, ?> map) || !map.keySet().equals(keySet())) {
                return false;
            }
            return entrySet().stream().allMatch(e -> map.get(e.getKey()) instanceof byte[] bytes
                    && Arrays.equals(bytes, e.getValue()));
        }

        @Override
        public int hashCode() {
            return keySet().hashCode();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("{");
            forEach((name, bytes) -> text.append(name).append('=').append(bytes.length).append(" bytes, "));
            return text.append('}').toString();
        }
    }

    private static final class CloseRecordingOutputStream extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    /** ModelArchive's copy buffer: the most it may write past a limit is what one read returns. */
    private static final long BUFFER = 64 * 1024;

    /** An archive in memory that, at every read, measures the bytes of the files under {@code directory}. */
    private static final class DiskWatchingInputStream extends ByteArrayInputStream {
        private final Path directory;
        long mostBytesOnDisk;

        DiskWatchingInputStream(byte[] bytes, Path directory) {
            super(bytes);
            this.directory = directory;
        }

        @Override
        public synchronized int read() {
            measure();
            return super.read();
        }

        @Override
        public synchronized int read(byte[] bytes, int offset, int length) {
            measure();
            return super.read(bytes, offset, length);
        }

        private void measure() {
            try (Stream<Path> paths = Files.walk(directory)) {
                long onDisk = paths.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
                mostBytesOnDisk = Math.max(mostBytesOnDisk, onDisk);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static final class CloseRecordingInputStream extends ByteArrayInputStream {
        boolean closed;

        CloseRecordingInputStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
