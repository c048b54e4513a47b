// Where each dataset can be downloaded from (mirrors, files, sizes, published checksums), where
// downloads go, and what of a dataset is already on disk. Torch-free, for the CLI and the GUI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tb {

// Files (paths in the dataset folder) and the exact size of each, that together stand for a
// downloaded file.
struct LocalCopy {
  std::vector<std::pair<std::string, std::int64_t>> files;
};

struct SourceFile {
  std::string name;  // as published and saved: "train-images-idx3-ubyte.gz"
  std::int64_t size = 0;
  std::string md5;  // lower-case hex, as the dataset's authors (and torchvision) publish it
  // Copies in the dataset folder that make the download unnecessary: the file already
  // decompressed or extracted by hand, each a set of files with the sizes they must have
  // ("train-images-idx3-ubyte" of 47 040 016 bytes; the six CIFAR-10 batches).
  std::vector<LocalCopy> alternatives;
};

// A file's size in bytes; -1 where it has none (missing, unreadable, a folder).
std::int64_t sizeOf(const std::filesystem::path& path);

// Whether `folder` holds one of `file`'s alternatives whole: every file of it a regular file of
// its size. An empty or half-extracted copy does not count, so a fetch repairs it.
bool hasLocalCopy(const std::filesystem::path& folder, const SourceFile& file);

struct DatasetSource {
  std::string dataset;               // the registry's name: "fashion-mnist"
  std::string title;                 // "Fashion-MNIST"
  std::vector<std::string> mirrors;  // URL prefixes ending in '/', tried in order
  std::vector<SourceFile> files;

  std::int64_t totalBytes() const;
};

const std::vector<DatasetSource>& datasetSources();
std::optional<DatasetSource> findDatasetSource(const std::string& dataset);

// The URL prefixes to try for `source`. $TRAINBENCH_MIRROR (base URLs separated by ';' or
// spaces) replaces the official mirrors; each base is tried as BASE/<dataset>/ and then BASE/.
// The word "default" in the list puts the official mirrors at that place.
std::vector<std::string> mirrorsFor(const DatasetSource& source);
std::vector<std::string> mirrorsFor(const DatasetSource& source, const std::string& mirrorEnv);

// "http://host:port" of a URL, the part a downloader gives up on as a whole when one file from it
// is unreachable; the URL itself when it has no "://".
std::string urlOrigin(const std::string& url);

// The folder a download of `dataset` goes to: DIR/<dataset> under `dataDir` (the default data
// root when empty), or DIR itself when it is already named after the dataset.
std::string datasetTargetFolder(const std::string& dataset, const std::string& dataDir);

enum class FileState {
  Missing,  // neither the file, an alternative nor a partial download
  Partial,  // only a partial download (<name>.part), which a fetch resumes
  Invalid,  // present but of the wrong size or checksum; a fetch replaces it
  Present,  // the file (of the published size, or checksum when verified) or an alternative
};

struct FileStatus {
  SourceFile file;
  FileState state = FileState::Missing;
  std::int64_t bytesOnDisk = 0;  // of the file or of its partial download
  // Present as a copy extracted by hand: only its sizes are checked, as no checksum of the
  // extracted files is published.
  bool localCopy = false;
};

enum class DatasetState { Missing, Partial, Present };

struct DatasetStatus {
  std::string dataset;
  std::string folder;  // where the files are, or where a fetch puts them
  DatasetState state = DatasetState::Missing;
  std::vector<FileStatus> files;
  std::int64_t totalBytes = 0;    // the whole download
  std::int64_t bytesToFetch = 0;  // what a fetch still has to transfer
  int filesPresent() const;
};

// What of `source` lies where `run` reads it under `dataDir`: the data folder itself when it
// holds the dataset's files (whole or damaged), else its target folder. Sizes only, unless
// `verifyChecksums` (reads every file once).
DatasetStatus datasetStatus(const DatasetSource& source, const std::string& dataDir,
                            bool verifyChecksums = false);

// Where a fetch fills, or checks and repairs, `source` under `dataDir`: the folder
// datasetStatus looks at.
std::string datasetFetchFolder(const DatasetSource& source, const std::string& dataDir);

const char* toString(DatasetState state);
const char* toString(FileState state);

// "30.9 MB", "812 kB", "17 B": decimal units, as download pages give them.
std::string formatBytes(std::int64_t bytes);

}  // namespace tb
