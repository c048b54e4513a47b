// Small generated MNIST-layout files (gzip-compressed IDX, as the mirrors publish them) for the
// tests that download a dataset and then train on it.
#pragma once

#include <zlib.h>

#include <QCryptographicHash>

#include <cstdint>
#include <map>
#include <string>

namespace tbtest {

inline void appendBigEndian32(std::string& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>(value >> shift);
}

// A gzip-compressed IDX file of `count` 28x28 images, or of `count` labels 0..9.
inline std::string gzipIdx(std::uint32_t count, bool images) {
  std::string raw;
  appendBigEndian32(raw, images ? 0x00000803u : 0x00000801u);
  appendBigEndian32(raw, count);
  if (images) {
    appendBigEndian32(raw, 28);
    appendBigEndian32(raw, 28);
  }
  const std::uint32_t values = images ? count * 28 * 28 : count;
  for (std::uint32_t i = 0; i < values; ++i) raw += static_cast<char>(images ? i * 31 : i % 10);
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip
  std::string gz(deflateBound(&stream, raw.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(raw.data());
  stream.avail_in = static_cast<uInt>(raw.size());
  stream.next_out = reinterpret_cast<Bytef*>(gz.data());
  stream.avail_out = static_cast<uInt>(gz.size());
  deflate(&stream, Z_FINISH);
  gz.resize(stream.total_out);
  deflateEnd(&stream);
  return gz;
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
