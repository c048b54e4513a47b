// Where dataset files live; torch-free so front ends can ask without pulling LibTorch headers.
#pragma once

#include <optional>
#include <string>

namespace tb {

// The data source of files that are not a dataset's published set: another dataset in its
// format, or a part of one (runs on them compare apart from runs on the published files).
inline constexpr const char* kCustomFiles = "custom files";

// A result's `data_source` this version can train again: "files", "custom files", "synthetic",
// or empty (files from before it was recorded). Another (a newer version's) is none of them.
inline bool knownDataSource(const std::string& source) {
  return source.empty() || source == "files" || source == kCustomFiles || source == "synthetic";
}

// $TRAINBENCH_DATA_DIR, else $XDG_DATA_HOME/trainbench/datasets, else
// ~/.local/share/trainbench/datasets.
std::string defaultDataRoot();

// The folder holding `dataset`'s files under `dataDir` (or the default root when empty):
// the folder itself or its sub-folder named after the dataset; nullopt when neither has them
// (a folder whose test labels are another dataset's, MNIST's for Fashion-MNIST, has not).
// For cifar10 it may be a cifar-10-batches-bin/ folder or the cifar-10-binary.tar.gz itself.
std::optional<std::string> findDatasetFolder(const std::string& dataset, const std::string& dataDir);

}  // namespace tb
