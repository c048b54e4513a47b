// IDX reader: header validation, chunked reading through zlib and the MNIST folder layout.
#include "data/idx_reader.h"

#include "io/regular_file.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

namespace tb {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kImagesMagic = 0x00000803;  // uint8 data, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // uint8 data, 1 dimension
constexpr std::uint8_t kUint8Type = 0x08;
// Trailing data is counted up to this much, then reported as "at least".
constexpr std::uint64_t kMaxTrailingCount = 64u << 20;
constexpr std::size_t kChunkBytes = 1u << 20;
// Real MNIST-like images are tiny; anything larger is a corrupt header, not a picture.
constexpr std::uint32_t kMaxSide = 1u << 16;

std::string hex(std::uint32_t value, int digits) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%0*X", digits, value);
  return text;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// gzdopen reads gzip and plain files alike, so callers never care which one they were given.
class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : m_path(path) {
    std::string error;
    FileDescriptor fd = openRegularFile(path, error);
    if (!fd.valid()) fail(path, error);
    m_fd = fd.get();
    m_file.reset(gzdopen(m_fd, "rb"));
    if (!m_file) fail(path, "cannot open: out of memory");
    fd.release();                        // gzclose closes it from now on
    gzbuffer(m_file.get(), 256 * 1024);  // fewer syscalls and inflate calls than the 8 KiB default
  }

  // Reads up to `size` bytes; returns how many arrived (less only at the end of the data).
  std::size_t read(std::uint8_t* data, std::size_t size) {
    std::size_t total = 0;
    while (total < size) {
      const auto want = static_cast<unsigned>(std::min(size - total, kChunkBytes));
      const int got = gzread(m_file.get(), data + total, want);
      if (got < 0) checkStream();
      if (got <= 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  }

  // A corrupt or cut-off gzip stream is reported as such rather than as a short file.
  void checkStream() {
    int code = Z_OK;
    const char* message = gzerror(m_file.get(), &code);
    if (code != Z_OK) {
      // zlib prefixes its message with what it was opened on ("<fd:3>" after gzdopen), which
      // our own prefix, the path, says better.
      std::string detail = message != nullptr ? message : "unknown zlib error";
      const std::string opened = "<fd:" + std::to_string(m_fd) + ">: ";
      for (const std::string& prefix : {m_path + ": ", opened}) {
        if (detail.rfind(prefix, 0) == 0) detail.erase(0, prefix.size());
      }
      fail(m_path, "cannot decompress (corrupt or cut-off gzip data): " + detail);
    }
  }

  std::uint32_t readBigEndian32(const char* what) {
    std::array<std::uint8_t, 4> bytes{};
    if (read(bytes.data(), bytes.size()) != bytes.size()) {
      fail(m_path, std::string("file is truncated: it ends inside the IDX header (") + what + ")");
    }
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
  }

  // Makes sure exactly `payloadBytes` follow the `headerBytes` just read, before the caller
  // allocates anything of that size: the header's count is only a claim. A plain file shows its
  // size; a gzip stream is decompressed once into a small scratch buffer and counted, because a
  // few megabytes of gzip can expand to gigabytes and the header may promise terabytes. Memory
  // thus never exceeds what the data really holds and the header agrees with.
  void checkPayloadSize(std::uint64_t headerBytes, std::uint64_t payloadBytes,
                        const std::string& promise) {
    if (gzdirect(m_file.get()) != 0) {
      struct stat info {};
      if (::fstat(m_fd, &info) != 0 || static_cast<std::uint64_t>(info.st_size) < headerBytes) {
        fail(m_path, "cannot read its size");
      }
      checkCount(static_cast<std::uint64_t>(info.st_size) - headerBytes, false, payloadBytes,
                 promise);
      return;
    }
    std::uint64_t follow = 0;
    std::array<std::uint8_t, 64 * 1024> scratch{};
    // Stop counting a while past the promise: a decompression bomb must not keep us busy.
    while (follow <= payloadBytes + kMaxTrailingCount) {
      const std::size_t got = read(scratch.data(), scratch.size());
      if (got == 0) break;
      follow += got;
    }
    checkStream();
    checkCount(follow, follow > payloadBytes + kMaxTrailingCount, payloadBytes, promise);
    // Back to the first payload byte for the real read.
    if (gzrewind(m_file.get()) != 0 || gzseek(m_file.get(), static_cast<z_off_t>(headerBytes),
                                              SEEK_SET) != static_cast<z_off_t>(headerBytes)) {
      checkStream();
      fail(m_path, "cannot rewind the gzip stream");
    }
  }

  // Reads exactly `payloadBytes` (already checked by checkPayloadSize) into `out`.
  void readPayload(std::uint8_t* out, std::uint64_t payloadBytes, const std::string& promise) {
    const std::size_t got = read(out, static_cast<std::size_t>(payloadBytes));
    if (got < payloadBytes) {
      checkStream();  // the file changed under us, or the disk failed
      fail(m_path, "file is truncated: header promises " + promise + " but only " +
                       std::to_string(got) + " bytes follow");
    }
  }

 private:
  void checkCount(std::uint64_t follow, bool atLeast, std::uint64_t payloadBytes,
                  const std::string& promise) {
    if (follow < payloadBytes) {
      fail(m_path, "file is truncated: header promises " + promise + " but only " +
                       std::to_string(follow) + " bytes follow");
    }
    if (follow > payloadBytes) {
      const std::uint64_t bytes = follow - payloadBytes;
      fail(m_path, "unexpected trailing data: " + std::string(atLeast ? "at least " : "") +
                       std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes") + " after the " +
                       promise + " the header promises");
    }
  }

  std::string m_path;
  int m_fd = -1;
  GzHandle m_file;
};

// Checks the magic number word by word so the message says exactly what is off.
void checkMagic(const std::string& path, std::uint32_t found, std::uint32_t expected,
                const char* kind) {
  if (found == expected) return;
  const std::string expectation = "expected " + hex(expected, 8) + " for an IDX " + kind +
                                  " file (uint8 data, " + std::to_string(expected & 0xFF) +
                                  (expected == kLabelsMagic ? " dimension)" : " dimensions)");
  std::string problem;
  if ((found >> 16) != 0) {
    problem = "not an IDX file";
  } else if (((found >> 8) & 0xFF) != kUint8Type) {
    problem = "unsupported data type " + hex((found >> 8) & 0xFF, 2) + " (only uint8 is supported)";
  } else {
    problem = "wrong number of dimensions: " + std::to_string(found & 0xFF);
  }
  fail(path, "wrong magic number " + hex(found, 8) + ": " + problem + "; " + expectation);
}

std::string promiseText(std::uint64_t count, const char* noun, std::uint64_t bytes) {
  return std::to_string(count) + " " + noun + " (" + std::to_string(bytes) + " bytes)";
}

// NAME and NAME.gz, those that exist, NAME first.
std::vector<std::string> idxCandidates(const fs::path& folder, const std::string& name) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& candidate : {folder / name, folder / (name + ".gz")}) {
    if (fs::is_regular_file(candidate, ec)) found.push_back(candidate.string());
  }
  if (found.empty()) {
    throw DataError(folder.string() + ": missing " + name + " (or " + name + ".gz)");
  }
  return found;
}

// `read` of the first candidate it succeeds on. An extracted copy cut short (`gunzip`
// interrupted) must not hide the whole .gz beside it; where every one fails, the first one's
// problem is reported.
template <typename Read>
auto readFirstGood(const std::vector<std::string>& candidates, Read read)
    -> std::pair<decltype(read(candidates.front())), std::string> {
  for (std::size_t i = 0;; ++i) {
    try {
      return {read(candidates[i]), candidates[i]};
    } catch (const DataError&) {
      if (i + 1 == candidates.size()) break;
    }
  }
  return {read(candidates.front()), candidates.front()};  // throws the first one's problem
}

LabelledImages readSplit(const std::string& folder, const std::string& imagesName,
                         const std::string& labelsName) {
  const auto images = readFirstGood(idxCandidates(folder, imagesName),
                                    [](const std::string& path) { return readIdxImages(path); });
  const std::int64_t count = images.first.size(0);
  const auto labels = readFirstGood(idxCandidates(folder, labelsName), [&](const std::string& path) {
    // Compared before the labels are read: a small file can claim (and hold) billions of them.
    const std::uint32_t labelCount = readIdxLabelCount(path);
    if (count != static_cast<std::int64_t>(labelCount)) {
      throw DataError(images.second + " holds " + std::to_string(count) + " images but " + path +
                      " holds " + std::to_string(labelCount) + " labels; they must match");
    }
    return readIdxLabels(path);
  });
  return LabelledImages{images.first, labels.first};
}

}  // namespace

torch::Tensor readIdxImages(const std::string& path, std::int64_t expectedRows,
                            std::int64_t expectedCols) {
  IdxFile file(path);
  checkMagic(path, file.readBigEndian32("magic number"), kImagesMagic, "image");
  const std::uint32_t count = file.readBigEndian32("image count");
  const std::uint32_t rows = file.readBigEndian32("row count");
  const std::uint32_t cols = file.readBigEndian32("column count");
  const bool rowsOk = expectedRows <= 0 || rows == static_cast<std::uint64_t>(expectedRows);
  const bool colsOk = expectedCols <= 0 || cols == static_cast<std::uint64_t>(expectedCols);
  if (!rowsOk || !colsOk) {
    const std::string want = (expectedRows > 0 ? std::to_string(expectedRows) : "any") + "x" +
                             (expectedCols > 0 ? std::to_string(expectedCols) : "any");
    fail(path, "expected " + want + " images, found " + std::to_string(rows) + "x" +
                   std::to_string(cols));
  }
  if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide) {
    fail(path, "implausible image size " + std::to_string(rows) + "x" + std::to_string(cols));
  }
  // count < 2^32 and rows * cols <= 2^32, so the product cannot overflow 64 bits.
  const std::uint64_t imageBytes = std::uint64_t{rows} * cols;
  const std::uint64_t payload = std::uint64_t{count} * imageBytes;
  const std::string promise = promiseText(count, "images", payload);
  file.checkPayloadSize(16, payload, promise);

  torch::Tensor images =
      torch::empty({static_cast<std::int64_t>(count), 1, static_cast<std::int64_t>(rows),
                    static_cast<std::int64_t>(cols)},
                   torch::kUInt8);
  file.readPayload(images.data_ptr<std::uint8_t>(), payload, promise);
  return images;
}

torch::Tensor readIdxLabels(const std::string& path, int numClasses) {
  IdxFile file(path);
  checkMagic(path, file.readBigEndian32("magic number"), kLabelsMagic, "label");
  const std::uint32_t count = file.readBigEndian32("label count");
  const std::string promise = promiseText(count, "labels", count);
  file.checkPayloadSize(8, count, promise);
  std::vector<std::uint8_t> raw(count);
  file.readPayload(raw.data(), count, promise);

  torch::Tensor labels = torch::empty({static_cast<std::int64_t>(count)}, torch::kInt64);
  auto* out = labels.data_ptr<std::int64_t>();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] >= numClasses) {
      fail(path, "label " + std::to_string(raw[i]) + " at index " + std::to_string(i) +
                     " is out of range 0.." + std::to_string(numClasses - 1));
    }
    out[i] = raw[i];
  }
  return labels;
}

std::uint32_t readIdxLabelCount(const std::string& path) {
  IdxFile file(path);
  checkMagic(path, file.readBigEndian32("magic number"), kLabelsMagic, "label");
  return file.readBigEndian32("label count");
}

DatasetSplits readMnistFolder(const std::string& folder) {
  DatasetSplits splits;
  splits.train = readSplit(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
  splits.test = readSplit(folder, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  splits.source = "files";
  splits.location = folder;
  return splits;
}

}  // namespace tb
