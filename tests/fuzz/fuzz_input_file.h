// Helpers shared by the fuzz targets: the readers under test take paths, so each input is written
// to one scratch file per fuzzing process; and a gzip compressor for inputs fuzzed as plain data.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tbfuzz {

// A per-process file under $TMPDIR (parallel fuzzing jobs must not share one).
inline const std::string& scratchPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/trainbench-fuzz-" +
           std::to_string(::getpid());
  }();
  return path;
}

// Replaces the scratch file's content with `size` bytes at `data`; returns its path.
inline const std::string& writeScratch(const void* data, std::size_t size) {
  const std::string& path = scratchPath();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fwrite(data, 1, size, file) != size || std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();  // a harness problem, not a finding in the code under test
  }
  return path;
}

// `data` as one gzip member, so the structure behind the decompressor is fuzzed too.
inline std::string gzip(const std::uint8_t* data, std::size_t size) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(size)), '\0');
  stream.next_in = const_cast<Bytef*>(data);
  stream.avail_in = static_cast<uInt>(size);
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace tbfuzz
