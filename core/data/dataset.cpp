// Small helpers on in-memory datasets.
#include "data/dataset.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace tb {
namespace {

uLong crcOf(uLong crc, const torch::Tensor& tensor) {
  if (!tensor.defined()) return crc;
  const torch::Tensor bytes = tensor.contiguous();
  const auto* data = static_cast<const Bytef*>(bytes.data_ptr());
  // crc32 takes at most a uInt at a time; a CIFAR-10 training set is 150 MB, a custom one more.
  for (std::size_t left = bytes.nbytes(); left > 0;) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = crc32(crc, data, chunk);
    data += chunk;
    left -= chunk;
  }
  return crc;
}

}  // namespace

std::string dataFingerprint(const DatasetSplits& data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const LabelledImages* split : {&data.train, &data.test}) {
    crc = crcOf(crcOf(crc, split->images), split->labels);
  }
  char text[16];
  std::snprintf(text, sizeof text, "crc32 %08lx", static_cast<unsigned long>(crc & 0xffffffffUL));
  return text;
}

LabelledImages takeFirst(const LabelledImages& data, std::int64_t limit) {
  if (limit < 0) {
    throw std::invalid_argument("takeFirst: limit must be 0 (keep all) or positive, got " +
                                std::to_string(limit));
  }
  if (limit == 0 || limit >= data.size()) {
    return data;
  }
  // narrow() on dim 0 keeps the slice contiguous and shares storage: no copy of the pixels.
  return LabelledImages{data.images.narrow(0, 0, limit), data.labels.narrow(0, 0, limit)};
}

}  // namespace tb
