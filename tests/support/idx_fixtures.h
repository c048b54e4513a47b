// The tests' one IDX writer: image and label files built in memory (so a test can also break
// them byte by byte), gzip-compressed as the mirrors publish them, written to disk, and small
// generated MNIST-layout datasets for the tests that download a dataset and then train on it.
#pragma once

#include <zlib.h>

#include <QCryptographicHash>
#include <QFile>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tbtest {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension

inline void appendBigEndian32(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

// An IDX image file: the header (magic, count, rows, cols), then `pixels` as they are (a test may
// pass fewer or more than count * rows * cols to make a broken file).
inline Bytes idxImageFile(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                          const Bytes& pixels, std::uint32_t magic = kIdxImagesMagic) {
  Bytes bytes;
  for (const std::uint32_t field : {magic, count, rows, cols}) appendBigEndian32(bytes, field);
  bytes.insert(bytes.end(), pixels.begin(), pixels.end());
  return bytes;
}

// An IDX label file of `labels`.
inline Bytes idxLabelFile(const Bytes& labels) {
  Bytes bytes;
  appendBigEndian32(bytes, kIdxLabelsMagic);
  appendBigEndian32(bytes, static_cast<std::uint32_t>(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

// `bytes` as a gzip stream (what gunzip and the readers' zlib expect).
inline Bytes gzipped(const Bytes& bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip
  Bytes gz(deflateBound(&stream, static_cast<uLong>(bytes.size())));
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = gz.data();
  stream.avail_out = static_cast<uInt>(gz.size());
  deflate(&stream, Z_FINISH);
  gz.resize(stream.total_out);
  deflateEnd(&stream);
  return gz;
}

// A gzip file: `header` followed by `zeroBytes` zero bytes, compressed a chunk at a time so the
// test never holds the uncompressed data (zeros shrink about a thousandfold).
inline std::string gzipWithZeros(const Bytes& header, std::uint64_t zeroBytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  std::vector<Bytef> chunk(1u << 20);
  std::vector<Bytef> zeros(1u << 20, 0);
  const auto pump = [&](const Bytef* data, std::size_t size, int flush) {
    stream.next_in = const_cast<Bytef*>(data);
    stream.avail_in = static_cast<uInt>(size);
    do {
      stream.next_out = chunk.data();
      stream.avail_out = static_cast<uInt>(chunk.size());
      deflate(&stream, flush);
      out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  pump(header.data(), header.size(), Z_NO_FLUSH);
  for (std::uint64_t left = zeroBytes; left > 0;) {
    const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
    pump(zeros.data(), size, Z_NO_FLUSH);
    left -= size;
  }
  pump(nullptr, 0, Z_FINISH);
  deflateEnd(&stream);
  return out;
}

inline std::string asString(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// Writes `bytes` to `path`, gzip-compressed when `gzip`; false on any failure.
inline bool writeIdxFile(const QString& path, const Bytes& bytes, bool gzip) {
  const Bytes data = gzip ? gzipped(bytes) : bytes;
  QFile file(path);
  const auto size = static_cast<qint64>(data.size());
  return file.open(QIODevice::WriteOnly) &&
         file.write(reinterpret_cast<const char*>(data.data()), size) == size;
}

// A gzip-compressed IDX file of `count` 28x28 images, or of `count` labels 0..9.
inline std::string gzipIdx(std::uint32_t count, bool images) {
  Bytes values(images ? std::size_t{count} * 28 * 28 : count);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint8_t>(images ? i * 31 : i % 10);
  }
  return asString(gzipped(images ? idxImageFile(count, 28, 28, values) : idxLabelFile(values)));
}

// The four files of an MNIST-layout dataset with `train` and `test` images, by file name.
inline std::map<std::string, std::string> mnistLayoutFiles(std::uint32_t train,
                                                           std::uint32_t test) {
  return {{"train-images-idx3-ubyte.gz", gzipIdx(train, true)},
          {"train-labels-idx1-ubyte.gz", gzipIdx(train, false)},
          {"t10k-images-idx3-ubyte.gz", gzipIdx(test, true)},
          {"t10k-labels-idx1-ubyte.gz", gzipIdx(test, false)}};
}

inline std::string md5Hex(const std::string& bytes) {
  return QCryptographicHash::hash(QByteArray::fromStdString(bytes), QCryptographicHash::Md5)
      .toHex()
      .toStdString();
}

}  // namespace tbtest
