// The download table of every known dataset, mirror lists and the on-disk status of a dataset.
#include "data/dataset_sources.h"

#include "data/data_paths.h"
#include "data/download_checksum.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace tb {
namespace {

namespace fs = std::filesystem;

// The MNIST layout: four gzip files, each also accepted already decompressed.
// An IDX file as published (.gz), or already decompressed: `items` images of 28x28 bytes (or
// labels of one byte) after the header, as both MNIST and Fashion-MNIST have them.
SourceFile idxFile(const char* name, std::int64_t size, const char* md5, std::int64_t items) {
  const std::string plain = name;
  const bool images = plain.find("images") != std::string::npos;
  const std::int64_t plainSize = images ? 16 + items * 28 * 28 : 8 + items;
  return SourceFile{plain + ".gz", size, md5, {LocalCopy{{{plain, plainSize}}}}};
}

// CIFAR-10's archive, or the six batches it holds (the files cifar_reader.cpp reads), extracted
// into its folder or beside it.
LocalCopy cifarBatches(const std::string& folder) {
  constexpr std::int64_t kBatchBytes = 10000 * (1 + 32 * 32 * 3);
  LocalCopy copy;
  for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                           "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
    copy.files.emplace_back(folder + name, kBatchBytes);
  }
  return copy;
}

// Sizes and MD5s as the datasets' authors publish them; the MD5s are the ones torchvision
// checks (torchvision/datasets/mnist.py), the CIFAR-10 one is from its download page.
std::vector<DatasetSource> buildSources() {
  return {
      {"fashion-mnist",
       "Fashion-MNIST",
       {"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"},
       {idxFile("train-images-idx3-ubyte", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 60000),
        idxFile("train-labels-idx1-ubyte", 29515, "25c81989df183df01b3e8a0aad5dffbe", 60000),
        idxFile("t10k-images-idx3-ubyte", 4422102, "bef4ecab320f06d8554ea6380940ec79", 10000),
        idxFile("t10k-labels-idx1-ubyte", 5148, "bb300cfdad3c16e7a12a480ee83cd310", 10000)}},
      {"mnist",
       "MNIST",
       // LeCun's own site often refuses downloads now, so PyTorch's copy comes first.
       {"https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"},
       {idxFile("train-images-idx3-ubyte", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873", 60000),
        idxFile("train-labels-idx1-ubyte", 28881, "d53e105ee54ea40749a09fcbcd1e9432", 60000),
        idxFile("t10k-images-idx3-ubyte", 1648877, "9fb629c4189551a2d022fa330f9573f3", 10000),
        idxFile("t10k-labels-idx1-ubyte", 4542, "ec29112dd5afa0611ce80d1b7f02629c", 10000)}},
      {"cifar10",
       "CIFAR-10",
       {"https://www.cs.toronto.edu/~kriz/"},
       {SourceFile{"cifar-10-binary.tar.gz",
                   170052171,
                   "c32a1d4ab5d03f1284b67883e8d87530",
                   {cifarBatches("cifar-10-batches-bin/"), cifarBatches("")}}}},
  };
}

std::vector<std::string> splitMirrorList(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (const char c : text) {
    if (c == ';' || c == ' ' || c == '\t' || c == '\n' || c == ',') {
      if (!current.empty()) items.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) items.push_back(current);
  return items;
}

std::string withSlash(std::string url) {
  if (url.empty() || url.back() != '/') url += '/';
  return url;
}

// A base that names a folder ("/mnt/datasets", as a shared drive is named, or "./sets"): its
// file:// URL, absolute, with the bytes a URL path cannot hold percent-encoded. Given to
// libcurl as it was, it failed with "URL using bad/illegal format".
std::string mirrorUrl(const std::string& base) {
  // A folder only as a path is written, or one that is there: "localhost:8000/data" is a web
  // server without its scheme, which libcurl takes as http://.
  std::error_code error;
  const bool pathLike = base.front() == '/' || base.rfind("./", 0) == 0 || base.rfind("../", 0) == 0;
  if (base.find("://") != std::string::npos || (!pathLike && !fs::is_directory(base, error))) {
    return base;
  }
  const std::string path = fs::absolute(base, error).lexically_normal().string();
  std::string url = "file://";
  for (const unsigned char c : error ? base : path) {
    const bool plain = std::isalnum(c) != 0 || std::strchr("/-._~", c) != nullptr;
    if (plain && c < 0x80) {
      url += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      url += escaped;
    }
  }
  return url;
}

}  // namespace

std::int64_t sizeOf(const fs::path& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? -1 : static_cast<std::int64_t>(size);
}

namespace {

FileStatus fileStatus(const fs::path& folder, const SourceFile& file, bool verifyChecksums) {
  FileStatus status{file, FileState::Missing, 0};
  const std::int64_t size = sizeOf(folder / file.name);
  if (size >= 0) {
    status.bytesOnDisk = size;
    bool valid = size == file.size;
    if (valid && verifyChecksums) {
      try {
        valid = md5OfFile((folder / file.name).string()) == file.md5;
      } catch (const std::exception&) {
        valid = false;
      }
    }
    // A wrong download beside a good extracted copy is no gap: `fetch` and `run` use the copy,
    // so the status says the same as they do.
    status.localCopy = !valid && hasLocalCopy(folder, file);
    status.state = valid || status.localCopy ? FileState::Present : FileState::Invalid;
    return status;
  }
  if (hasLocalCopy(folder, file)) {
    status.state = FileState::Present;
    status.localCopy = true;
    status.bytesOnDisk = file.size;  // stands for the download
    return status;
  }
  if (const std::int64_t part = sizeOf(folder / (file.name + ".part")); part > 0) {
    status.state = FileState::Partial;
    status.bytesOnDisk = part;
  }
  return status;
}

DatasetStatus statusIn(const DatasetSource& source, const fs::path& folder, bool verify) {
  DatasetStatus status;
  status.dataset = source.dataset;
  status.folder = folder.string();
  status.totalBytes = source.totalBytes();
  bool anything = false;
  for (const auto& file : source.files) {
    FileStatus entry = fileStatus(folder, file, verify);
    if (entry.state != FileState::Present) {
      const std::int64_t resumed = entry.state == FileState::Partial ? entry.bytesOnDisk : 0;
      status.bytesToFetch += std::max<std::int64_t>(file.size - resumed, 0);
    }
    anything = anything || entry.state != FileState::Missing;
    status.files.push_back(entry);
  }
  const int present = status.filesPresent();
  status.state = present == static_cast<int>(source.files.size())
                     ? DatasetState::Present
                     : (anything ? DatasetState::Partial : DatasetState::Missing);
  return status;
}

// Whether `path` is `folder` or lies under it, by the names alone.
bool isInside(const fs::path& path, const fs::path& folder) {
  const fs::path relative = path.lexically_normal().lexically_relative(folder.lexically_normal());
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

bool hasLocalCopy(const fs::path& folder, const SourceFile& file) {
  for (const LocalCopy& copy : file.alternatives) {
    const bool whole = std::all_of(copy.files.begin(), copy.files.end(), [&](const auto& entry) {
      std::error_code error;
      const fs::path path = folder / entry.first;
      return fs::is_regular_file(path, error) && sizeOf(path) == entry.second;
    });
    if (whole && !copy.files.empty()) return true;
  }
  return false;
}

std::int64_t DatasetSource::totalBytes() const {
  std::int64_t total = 0;
  for (const auto& file : files) total += file.size;
  return total;
}

const std::vector<DatasetSource>& datasetSources() {
  static const std::vector<DatasetSource> sources = buildSources();
  return sources;
}

std::optional<DatasetSource> findDatasetSource(const std::string& dataset) {
  for (const auto& source : datasetSources()) {
    if (source.dataset == dataset) return source;
  }
  return std::nullopt;
}

std::vector<std::string> mirrorsFor(const DatasetSource& source) {
  const char* env = std::getenv("TRAINBENCH_MIRROR");
  return mirrorsFor(source, env != nullptr ? env : "");
}

std::vector<std::string> mirrorsFor(const DatasetSource& source, const std::string& mirrorEnv) {
  const std::vector<std::string> bases = splitMirrorList(mirrorEnv);
  if (bases.empty()) return source.mirrors;
  std::vector<std::string> mirrors;
  for (const auto& base : bases) {
    if (base == "default") {
      mirrors.insert(mirrors.end(), source.mirrors.begin(), source.mirrors.end());
      continue;
    }
    // A lab mirror usually copies the whole data root (one folder per dataset, where the
    // two MNIST datasets' identical file names cannot clash); a base that holds just this
    // dataset's files works too. The checksums catch a base that holds another dataset's.
    const std::string url = withSlash(mirrorUrl(base));
    mirrors.push_back(url + source.dataset + "/");
    mirrors.push_back(url);
  }
  return mirrors;
}

std::string urlOrigin(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string datasetTargetFolder(const std::string& dataset, const std::string& dataDir) {
  const fs::path root = dataDir.empty() ? fs::path(defaultDataRoot()) : fs::path(dataDir);
  fs::path name = root.filename();
  if (name.empty()) name = root.parent_path().filename();  // "DIR/" names DIR
  return name == dataset ? root.string() : (root / dataset).string();
}

int DatasetStatus::filesPresent() const {
  int present = 0;
  for (const auto& file : files) present += file.state == FileState::Present ? 1 : 0;
  return present;
}

DatasetStatus datasetStatus(const DatasetSource& source, const std::string& dataDir,
                            bool verifyChecksums) {
  const fs::path target = datasetTargetFolder(source.dataset, dataDir);
  // The data folder (`--data-dir`, else the default root) may also hold the files themselves,
  // as `run` accepts, and `run` reads those before DIR/<dataset>. The status, and with it a
  // fetch or a repair, looks where `run` reads: a damaged copy in the root is the one to mend.
  const std::string root = dataDir.empty() ? defaultDataRoot() : dataDir;
  const std::optional<std::string> reads = findDatasetFolder(source.dataset, root);
  DatasetStatus inTarget = statusIn(source, target, verifyChecksums);
  if (reads && !isInside(*reads, target)) {
    DatasetStatus inRoot = statusIn(source, fs::path(root), verifyChecksums);
    // CIFAR-10's batches cut short in the root: `run` falls back to a whole archive in
    // DIR/cifar10, and so does the status (a fetch would download it again).
    if (source.dataset == "cifar10" && inRoot.state != DatasetState::Present &&
        inTarget.state == DatasetState::Present) {
      return inTarget;
    }
    return inRoot;
  }
  return inTarget;
}

std::string datasetFetchFolder(const DatasetSource& source, const std::string& dataDir) {
  return datasetStatus(source, dataDir).folder;
}

const char* toString(DatasetState state) {
  switch (state) {
    case DatasetState::Missing:
      return "missing";
    case DatasetState::Partial:
      return "partial";
    case DatasetState::Present:
      return "present";
  }
  return "?";
}

const char* toString(FileState state) {
  switch (state) {
    case FileState::Missing:
      return "missing";
    case FileState::Partial:
      return "partial";
    case FileState::Invalid:
      return "invalid";
    case FileState::Present:
      return "present";
  }
  return "?";
}

std::string formatBytes(std::int64_t bytes) {
  char text[32];
  const double value = static_cast<double>(bytes);
  if (bytes < 1000) {
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(text, sizeof text, "%.0f kB", value / 1e3);
  } else if (bytes < std::int64_t{1000} * 1000 * 1000) {
    std::snprintf(text, sizeof text, "%.1f MB", value / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.2f GB", value / 1e9);
  }
  return text;
}

}  // namespace tb
