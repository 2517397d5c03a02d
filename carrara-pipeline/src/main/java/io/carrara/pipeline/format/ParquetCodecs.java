package io.carrara.pipeline.format;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Decompresses Parquet pages without Hadoop. parquet-hadoop's default factory builds a Hadoop
 * {@code Configuration} and Hadoop codecs, which would drag the whole Hadoop client into the
 * runtime; Spark writes snappy by default and zstd, lz4 or gzip when configured, all of which
 * aircompressor (pure Java) and the JDK decode.
 */
final class ParquetCodecs implements CompressionCodecFactory {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        throw new UnsupportedOperationException("carrara-pipeline only reads Parquet");
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        return switch (codecName) {
            case UNCOMPRESSED -> new PageDecompressor(null, codecName);
            case SNAPPY -> new PageDecompressor(new SnappyDecompressor(), codecName);
            case ZSTD -> new PageDecompressor(new ZstdDecompressor(), codecName);
            case LZ4_RAW -> new PageDecompressor(new Lz4Decompressor(), codecName);
            case GZIP -> new PageDecompressor(null, codecName);
            default -> throw new UnsupportedOperationException("Parquet codec " + codecName
                    + " is not supported; save the model with spark.sql.parquet.compression.codec=snappy");
        };
    }

    @Override
    public void release() {
    }

    private static final class PageDecompressor implements BytesInputDecompressor {
        private final Decompressor decompressor;
        private final CompressionCodecName codecName;

        PageDecompressor(Decompressor decompressor, CompressionCodecName codecName) {
            this.decompressor = decompressor;
            this.codecName = codecName;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] input = bytes.toByteArray();
            return BytesInput.from(decompress(input, uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
            byte[] compressed = new byte[compressedSize];
            input.get(compressed);
            output.put(decompress(compressed, uncompressedSize));
        }

        private byte[] decompress(byte[] input, int uncompressedSize) throws IOException {
            if (codecName == CompressionCodecName.UNCOMPRESSED) {
                return input;
            }
            byte[] output = new byte[uncompressedSize];
            if (codecName == CompressionCodecName.GZIP) {
                try (InputStream stream = new GZIPInputStream(new ByteArrayInputStream(input))) {
                    int read = stream.readNBytes(output, 0, uncompressedSize);
                    if (read != uncompressedSize) {
                        throw new IOException("gzip page is " + read + " bytes, expected " + uncompressedSize);
                    }
                }
                return output;
            }
            int written = decompressor.decompress(input, 0, input.length, output, 0, uncompressedSize);
            if (written != uncompressedSize) {
                throw new IOException(codecName + " page is " + written + " bytes, expected " + uncompressedSize);
            }
            return output;
        }

        @Override
        public void release() {
        }
    }
}
