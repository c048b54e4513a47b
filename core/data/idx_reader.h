// Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed files).
#pragma once

#include "data/dataset.h"

#include <string>

namespace tb {

// Reads an IDX image file (magic 0x00000803, uint8, N x rows x cols) into (N, 1, rows, cols).
// `expectedRows`/`expectedCols` of 0 accept any size. Throws DataError naming the file.
torch::Tensor readIdxImages(const std::string& path, std::int64_t expectedRows = 28,
                            std::int64_t expectedCols = 28);

// Reads an IDX label file (magic 0x00000801, uint8, N) into int64 (N); every label must be
// below `numClasses`. Throws DataError naming the file.
torch::Tensor readIdxLabels(const std::string& path, int numClasses = 10);

// The label count an IDX label file's header claims, read without its payload: checked against
// the images (or a plausible size) before the labels are read. Throws DataError naming the file.
std::uint32_t readIdxLabelCount(const std::string& path);

// Reads the four files of an MNIST-style dataset from `folder` (each as NAME or NAME.gz) and checks
// that image and label counts agree. Throws DataError.
DatasetSplits readMnistFolder(const std::string& folder);

}  // namespace tb
