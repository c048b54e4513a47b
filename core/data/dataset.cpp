// Small helpers on in-memory datasets.
#include "data/dataset.h"

#include <stdexcept>

namespace tb {

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
