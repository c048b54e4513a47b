// Known datasets, the default data root and finding a dataset's files on disk.
#include "data/dataset_registry.h"

#include "data/cifar_reader.h"
#include "data/idx_reader.h"
#include "io/user_folders.h"
#include "util/text.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include <unistd.h>

namespace tb {
namespace {

namespace fs = std::filesystem;

// The four files of the MNIST layout, each accepted as NAME or NAME.gz.
constexpr std::array<const char*, 4> kMnistFiles = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

// Names of the MNIST files that `folder` lacks (in neither plain nor .gz form).
std::vector<std::string> missingFiles(const fs::path& folder) {
  std::vector<std::string> missing;
  std::error_code ec;
  for (const char* name : kMnistFiles) {
    const std::string plain = name;
    if (!fs::is_regular_file(folder / plain, ec) &&
        !fs::is_regular_file(folder / (plain + ".gz"), ec)) {
      missing.push_back(plain);
    }
  }
  return missing;
}

// The name of another known dataset when `root` is named after it ("/data/mnist" while looking
// for fashion-mnist): MNIST and Fashion-MNIST use the same file names, so its files would be
// read as this dataset's and the run would train on the wrong images. Empty otherwise.
std::string namedForAnother(const fs::path& root, const std::string& dataset) {
  const std::string name =
      (root.has_filename() ? root.filename() : root.parent_path().filename()).string();
  if (name == dataset) return {};
  for (const auto& info : knownDatasets()) {
    if (info.name == name) return name;
  }
  return {};
}

std::vector<std::int64_t> classCounts(const torch::Tensor& labels, int numClasses) {
  const torch::Tensor counts = torch::bincount(labels.to(torch::kLong), {}, numClasses);
  return {counts.data_ptr<std::int64_t>(), counts.data_ptr<std::int64_t>() + counts.numel()};
}

// "1000 of each" or "980, 1135, ...": images per class, as a message shows them.
std::string describeCounts(const std::vector<std::int64_t>& counts) {
  if (!counts.empty() && std::all_of(counts.begin(), counts.end(),
                                     [&](std::int64_t count) { return count == counts[0]; })) {
    return std::to_string(counts[0]) + " of each class";
  }
  std::vector<std::string> parts;
  for (const std::int64_t count : counts) parts.push_back(std::to_string(count));
  return joined(parts) + " of classes 0-" + std::to_string(counts.size() - 1);
}

// Why `labels` are another known dataset's official test labels (a folder of MNIST's digits
// asked for as Fashion-MNIST, say: the run would train on one and record the other), or empty.
// Their images per class tell: a subset, or a dataset of the user's own, passes.
std::string anotherDatasetsTestSet(const DatasetInfo& info, const torch::Tensor& labels) {
  const std::vector<std::int64_t> counts = classCounts(labels, info.numClasses);
  if (counts == info.testClassCounts) return {};
  for (const auto& other : knownDatasets()) {
    if (other.name == info.name || other.testClassCounts.empty()) continue;
    if (counts != other.testClassCounts) continue;
    return "holds " + other.title + ", not " + info.title + ": its test set has " +
           describeCounts(counts) + " as " + other.title + "'s does (" + info.title + "'s has " +
           describeCounts(info.testClassCounts) + ")";
  }
  return {};
}

constexpr std::uint32_t kMaxKnownTestLabels = 1000000;

// anotherDatasetsTestSet for the test labels in `folder` alone (10 kB, not the 50 MB of images);
// empty where they cannot be read: loading the folder then says what is wrong with them.
std::string anotherDatasetIn(const DatasetInfo& info, const fs::path& folder) {
  const std::string name = "t10k-labels-idx1-ubyte";
  for (const fs::path& path : {folder / name, folder / (name + ".gz")}) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    try {
      // No known dataset's test set has a million images: a header claiming more is a broken
      // file (loading the folder says so), not one to read into memory here.
      if (readIdxLabelCount(path.string()) > kMaxKnownTestLabels) return {};
      return anotherDatasetsTestSet(info, readIdxLabels(path.string(), info.numClasses));
    } catch (const DataError&) {
      return {};
    }
  }
  return {};
}

// The error for `folder` holding another dataset, with where this one's files belong: the
// folder itself when it is named after this dataset, else its sub-folder of that name.
[[noreturn]] void failHoldsAnother(const DatasetInfo& info, const fs::path& folder,
                                   const std::string& why) {
  const bool named = folder.filename() == info.name;
  throw DataError(folder.string() + " " + why + "; " +
                  (named ? "replace its files with " + info.title + "'s"
                         : "put " + info.title + "'s files in " + (folder / info.name).string() +
                               " (each dataset in a folder named after it)"));
}

}  // namespace

const std::vector<DatasetInfo>& knownDatasets() {
  static const std::vector<DatasetInfo> datasets = {
      {"fashion-mnist", "Fashion-MNIST", ImageShape{1, 28, 28}, 10, 60000, 10000,
       std::vector<std::int64_t>(10, 1000)},
      {"mnist", "MNIST", ImageShape{1, 28, 28}, 10, 60000, 10000,
       {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
      {"cifar10", "CIFAR-10", ImageShape{3, 32, 32}, 10, 50000, 10000, {}},
  };
  return datasets;
}

std::optional<DatasetInfo> findDataset(const std::string& name) {
  for (const auto& info : knownDatasets()) {
    if (info.name == name) return info;
  }
  return std::nullopt;
}

std::string defaultDataRoot() {
  if (std::string dir = folderFromVariable("TRAINBENCH_DATA_DIR"); !dir.empty()) return dir;
  return (fs::path(userDataHome()) / "trainbench" / "datasets").string();
}

std::optional<std::string> findDatasetFolder(const std::string& dataset,
                                             const std::string& dataDir) {
  const fs::path root = dataDir.empty() ? fs::path(defaultDataRoot()) : fs::path(dataDir);
  if (dataset == "cifar10") return findCifarSource(root.string());  // a folder or the .tar.gz
  const auto info = findDataset(dataset);
  const auto holdsThis = [&](const fs::path& folder) {
    return missingFiles(folder).empty() && (!info || anotherDatasetIn(*info, folder).empty());
  };
  if (namedForAnother(root, dataset).empty() && holdsThis(root)) return root.string();
  if (holdsThis(root / dataset)) return (root / dataset).string();
  return std::nullopt;
}

namespace {

// A data folder that is a file, or one this process may not read, would read as one without the
// files ("not found"), sending the user to download what is already there.
void checkDataFolder(const fs::path& root) {
  std::error_code error;
  const fs::file_status status = fs::status(root, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    throw DataError("the data folder " + root.string() + " cannot be read: " + error.message());
  }
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw DataError("the data folder " + root.string() + " is a file, not a folder");
  }
  if (fs::is_directory(status) && ::access(root.c_str(), R_OK | X_OK) != 0) {
    throw DataError("the data folder " + root.string() +
                    " cannot be read: " + std::strerror(errno));
  }
}

}  // namespace

DatasetSplits loadDataset(const DatasetInfo& info, const std::string& dataDir) {
  const fs::path root = dataDir.empty() ? fs::path(defaultDataRoot()) : fs::path(dataDir);
  checkDataFolder(root);
  if (info.name == "cifar10") return loadCifar10(root.string());
  const fs::path sub = root / info.name;

  const std::vector<std::string> missingInRoot = missingFiles(root);
  const std::vector<std::string> missingInSub = missingFiles(sub);
  const std::string other = namedForAnother(root, info.name);
  const std::string rootHolds =
      missingInRoot.empty() && other.empty() ? anotherDatasetIn(info, root) : std::string();
  fs::path folder;
  if (missingInRoot.empty() && other.empty() && rootHolds.empty()) {
    folder = root;
  } else if (missingInSub.empty()) {
    folder = sub;
  } else if (!rootHolds.empty()) {
    failHoldsAnother(info, root, rootHolds);
  } else {
    std::vector<std::string> all(kMnistFiles.begin(), kMnistFiles.end());
    // A root named for another dataset was not looked in for this one's files: said below.
    const std::string lookedIn = other.empty() ? root.string() + " and " + sub.string() : sub.string();
    std::string message = info.name + " data not found: looked in " + lookedIn + " for " +
                          joined(all, "[.gz]") +
                          "; put the files there, pass --data-dir, or use --synthetic";
    if (!other.empty()) {
      message += " (" + root.string() + " is named for " + other + ": its files are taken for " +
                 other + "'s, not " + info.name + "'s)";
    }
    // A half-copied folder is the likely mistake; say what it still lacks.
    for (const auto& [dir, missing] :
         {std::pair{root, missingInRoot}, std::pair{sub, missingInSub}}) {
      if (!missing.empty() && missing.size() < kMnistFiles.size()) {
        message += " (" + dir.string() + " lacks " + joined(missing) + ")";
      }
    }
    throw DataError(message);
  }

  DatasetSplits splits = readMnistFolder(folder.string());
  if (const std::string why = anotherDatasetsTestSet(info, splits.test.labels); !why.empty()) {
    failHoldsAnother(info, folder, why);
  }
  const auto expectShape = [&](const torch::Tensor& images) {
    const bool ok = images.size(1) == info.shape.channels && images.size(2) == info.shape.height &&
                    images.size(3) == info.shape.width;
    if (!ok) {
      throw DataError(folder.string() + ": " + info.name + " images must be " +
                      std::to_string(info.shape.channels) + "x" +
                      std::to_string(info.shape.height) + "x" + std::to_string(info.shape.width));
    }
  };
  expectShape(splits.train.images);
  expectShape(splits.test.images);
  return splits;
}

std::string notThePublishedSet(const DatasetInfo& info, const DatasetSplits& data) {
  const std::string apart = ": the run compares apart from runs on the published files, and its "
                            "accuracy and times are not the seed article's";
  if (data.train.size() != info.trainSamples || data.test.size() != info.testSamples) {
    return "not the published " + info.title + " (the files hold " +
           std::to_string(data.train.size()) + " training and " +
           std::to_string(data.test.size()) + " test images; the published set has " +
           std::to_string(info.trainSamples) + " and " + std::to_string(info.testSamples) + ")" +
           apart;
  }
  if (!info.testClassCounts.empty()) {
    const std::vector<std::int64_t> counts = classCounts(data.test.labels, info.numClasses);
    if (counts != info.testClassCounts) {
      return "not the published " + info.title + " (its test set has " + describeCounts(counts) +
             "; the published one has " + describeCounts(info.testClassCounts) + ")" + apart;
    }
  }
  return {};
}

}  // namespace tb
