// In-memory datasets: images load as uint8 (N, C, H, W); the run normalises them on the device.
#pragma once

#include "data/data_paths.h"

#include <torch/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tb {

// Thrown for missing or malformed data files; what() names the file and what is wrong.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ImageShape {
  std::int64_t channels = 1;
  std::int64_t height = 28;
  std::int64_t width = 28;
};

struct LabelledImages {
  torch::Tensor images;  // uint8, (N, C, H, W)
  torch::Tensor labels;  // int64, (N)
  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

struct DatasetSplits {
  LabelledImages train;
  LabelledImages test;
  std::string source;  // "files" (the published set), kCustomFiles or "synthetic"
  std::string location;  // folder the files came from; empty for synthetic data
  std::string warning;   // why custom files are not the published set
  // Tells two sets of custom files of one size apart (dataFingerprint); empty for the published
  // set and synthetic data, which their source names already.
  std::string fingerprint;
};

// "crc32 0a1b2c3d": a CRC-32 of the images and labels of both splits, in order. Not a
// security hash: it only has to tell apart two datasets a user trains on, of one size.
std::string dataFingerprint(const DatasetSplits& data);

// Keeps the first `limit` samples (0 keeps all).
LabelledImages takeFirst(const LabelledImages& data, std::int64_t limit);

}  // namespace tb
