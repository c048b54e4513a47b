// CIFAR-10 binary reader: record parsing, the extracted folder, the .tar.gz through libarchive,
// and finding the data under a data root.
#include "data/cifar_reader.h"

#include "io/regular_file.h"
#include "util/text.h"

#include <sys/stat.h>
#include <unistd.h>

#ifdef TRAINBENCH_WITH_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

namespace tb {
namespace {

namespace fs = std::filesystem;

using Bytes = std::vector<std::uint8_t>;

// Train files first, in order; the test file last.
constexpr std::array<const char*, kCifarTrainFiles + 1> kBatchFiles = {
    "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
    "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
constexpr std::size_t kTestFileIndex = kCifarTrainFiles;
constexpr const char* kDatasetFolder = "cifar10";  // the dataset's sub-folder of a data root
constexpr std::size_t kArchiveBlockBytes = 1u << 16;

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw DataError(name + ": " + what);
}

std::string expectedSize(std::int64_t records) {
  return "a CIFAR-10 batch file has exactly " + std::to_string(records * kCifarRecordBytes) +
         " bytes (" + std::to_string(records) + " records of " + std::to_string(kCifarRecordBytes) +
         " bytes)";
}

void checkSize(std::uint64_t size, const std::string& name, std::int64_t records) {
  const auto want = static_cast<std::uint64_t>(records * kCifarRecordBytes);
  if (size < want) {
    fail(name,
         "file is truncated: " + std::to_string(size) + " bytes, but " + expectedSize(records));
  }
  if (size > want) {
    fail(name,
         "file is too long: " + std::to_string(size) + " bytes, but " + expectedSize(records));
  }
}

// Parses into preallocated storage, so the five train files fill one tensor without a concat.
void parseInto(const std::uint8_t* data, std::size_t size, const std::string& name,
               std::int64_t records, std::uint8_t* images, std::int64_t* labels) {
  checkSize(size, name, records);
  for (std::int64_t i = 0; i < records; ++i) {
    const std::uint8_t* record = data + i * kCifarRecordBytes;
    if (record[0] >= kCifarClasses) {
      fail(name, "label " + std::to_string(record[0]) + " in record " + std::to_string(i) +
                     " is out of range; CIFAR-10 labels are 0.." +
                     std::to_string(kCifarClasses - 1));
    }
    labels[i] = record[0];
    std::memcpy(images + i * kCifarPixelBytes, record + 1, kCifarPixelBytes);
  }
}

// Opens a batch file or archive: regular files only, never blocking on a FIFO or device.
FileDescriptor openInput(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec) && !fs::is_symlink(path, ec)) fail(path, "file is missing");
  std::string error;
  FileDescriptor fd = openRegularFile(path, error);
  if (!fd.valid()) fail(path, error);
  return fd;
}

// Reads a whole batch file into `buffer`, checking its size before reading a byte.
void readFile(const std::string& path, std::int64_t records, Bytes& buffer) {
  const FileDescriptor fd = openInput(path);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    fail(path, std::string("cannot read its size: ") + std::strerror(errno));
  }
  checkSize(static_cast<std::uint64_t>(info.st_size), path, records);
  buffer.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t got = ::read(fd.get(), buffer.data() + done, buffer.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(path, std::string("read error: ") + std::strerror(errno));
    if (got == 0) fail(path, "file shrank while reading");
    done += static_cast<std::size_t>(got);
  }
}

LabelledImages allocate(std::int64_t records) {
  return LabelledImages{torch::empty({records, 3, kCifarSide, kCifarSide}, torch::kUInt8),
                        torch::empty({records}, torch::kInt64)};
}

// The place of file `index`'s records: train file k fills rows k*records.., the test file its own.
struct Target {
  std::uint8_t* images;
  std::int64_t* labels;
};

Target targetFor(DatasetSplits& splits, std::size_t index, std::int64_t records) {
  LabelledImages& split = index == kTestFileIndex ? splits.test : splits.train;
  const std::int64_t first =
      index == kTestFileIndex ? 0 : static_cast<std::int64_t>(index) * records;
  return {split.images.data_ptr<std::uint8_t>() + first * kCifarPixelBytes,
          split.labels.data_ptr<std::int64_t>() + first};
}

DatasetSplits allocateSplits(std::int64_t recordsPerFile, const std::string& location) {
  if (recordsPerFile <= 0) throw DataError(location + ": records per file must be positive");
  DatasetSplits splits;
  splits.train = allocate(kCifarTrainFiles * recordsPerFile);
  splits.test = allocate(recordsPerFile);
  splits.source = "files";
  splits.location = location;
  return splits;
}

std::vector<std::string> missingIn(const fs::path& folder) {
  std::vector<std::string> missing;
  std::error_code ec;
  for (const char* name : kBatchFiles) {
    if (!fs::is_regular_file(folder / name, ec)) missing.push_back((folder / name).string());
  }
  return missing;
}

#ifdef TRAINBENCH_WITH_LIBARCHIVE
// A tar member's path that could escape the folder it is extracted into; never read, and the
// archive holding it is not trusted at all.
bool unsafeMemberPath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.front() == '\\') return true;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = path.find_first_of("/\\", start);
    const std::string part = path.substr(start, end == std::string::npos ? end : end - start);
    if (part == "..") return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

std::string baseName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct ArchiveFreer {
  void operator()(archive* handle) const { archive_read_free(handle); }
};

std::string archiveError(archive* handle) {
  const char* text = archive_error_string(handle);
  return text != nullptr ? text : "unknown libarchive error";
}

// Reads the current member, at most one byte beyond `limit` so an oversized one is seen as such.
Bytes readMember(archive* handle, std::size_t limit, const std::string& name) {
  Bytes bytes;
  bytes.reserve(limit);
  std::array<std::uint8_t, kArchiveBlockBytes> block{};
  while (bytes.size() <= limit) {
    const la_ssize_t got = archive_read_data(handle, block.data(), block.size());
    if (got < 0) fail(name, "cannot read (corrupt or cut-off archive): " + archiveError(handle));
    if (got == 0) break;
    bytes.insert(bytes.end(), block.begin(), block.begin() + got);
  }
  return bytes;
}
#endif

}  // namespace

LabelledImages parseCifarBatch(const std::uint8_t* data, std::size_t size, const std::string& name,
                               std::int64_t records) {
  checkSize(size, name, records);
  LabelledImages batch = allocate(records);
  parseInto(data, size, name, records, batch.images.data_ptr<std::uint8_t>(),
            batch.labels.data_ptr<std::int64_t>());
  return batch;
}

LabelledImages readCifarBatch(const std::string& path, std::int64_t records) {
  Bytes buffer;
  readFile(path, records, buffer);
  return parseCifarBatch(buffer.data(), buffer.size(), path, records);
}

DatasetSplits readCifarFolder(const std::string& folder, std::int64_t recordsPerFile) {
  if (const auto missing = missingIn(folder); !missing.empty()) {
    throw DataError(joined(missing) +
                    (missing.size() == 1 ? ": file is missing" : ": files are missing"));
  }
  DatasetSplits splits = allocateSplits(recordsPerFile, folder);
  Bytes buffer;  // one file at a time: ~31 MB on top of the dataset itself
  for (std::size_t index = 0; index < kBatchFiles.size(); ++index) {
    const std::string path = (fs::path(folder) / kBatchFiles[index]).string();
    readFile(path, recordsPerFile, buffer);
    const Target target = targetFor(splits, index, recordsPerFile);
    parseInto(buffer.data(), buffer.size(), path, recordsPerFile, target.images, target.labels);
  }
  return splits;
}

DatasetSplits readCifarArchive(const std::string& archivePath, std::int64_t recordsPerFile) {
  const FileDescriptor fd = openInput(archivePath);  // outlives the archive handle below
#ifndef TRAINBENCH_WITH_LIBARCHIVE
  // Builds for GPU servers may lack libarchive; the extracted folder still works there.
  (void)recordsPerFile;
  fail(archivePath, "this build reads no .tar.gz archives (built without libarchive); extract "
                    "it with `tar xzf` and use the cifar-10-batches-bin folder");
#else
  std::unique_ptr<archive, ArchiveFreer> handle(archive_read_new());
  if (!handle) fail(archivePath, "cannot open: out of memory");
  // gzip, or an already decompressed .tar; nothing else, as filter_all would also run external
  // programs (lrzip, lzop, grzip) on whatever a crafted file claims to be.
  archive_read_support_filter_gzip(handle.get());
  archive_read_support_filter_none(handle.get());
  archive_read_support_format_tar(handle.get());
  if (archive_read_open_fd(handle.get(), fd.get(), kArchiveBlockBytes) != ARCHIVE_OK) {
    fail(archivePath, "cannot open as a tar archive: " + archiveError(handle.get()));
  }

  DatasetSplits splits = allocateSplits(recordsPerFile, archivePath);
  const auto fileBytes = static_cast<std::size_t>(recordsPerFile * kCifarRecordBytes);
  std::array<bool, kBatchFiles.size()> found{};
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(handle.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) {
      fail(archivePath, "cannot read (corrupt or cut-off archive): " + archiveError(handle.get()));
    }
    const char* rawPath = archive_entry_pathname(entry);
    const std::string member = rawPath != nullptr ? rawPath : "";
    if (unsafeMemberPath(member)) {
      fail(archivePath, "refusing the archive: member '" + member +
                            "' has an absolute path or a '..' component");
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::size_t index = 0;
    while (index < kBatchFiles.size() && baseName(member) != kBatchFiles[index]) ++index;
    if (index == kBatchFiles.size()) continue;  // batches.meta.txt, readme.html
    const std::string name = archivePath + ": " + member;
    if (found[index]) fail(name, std::string("a second ") + kBatchFiles[index] + " in the archive");
    found[index] = true;
    if (archive_entry_size_is_set(entry) != 0) {
      checkSize(static_cast<std::uint64_t>(archive_entry_size(entry)), name, recordsPerFile);
    }
    const Bytes bytes = readMember(handle.get(), fileBytes, name);
    const Target target = targetFor(splits, index, recordsPerFile);
    parseInto(bytes.data(), bytes.size(), name, recordsPerFile, target.images, target.labels);
  }

  std::vector<std::string> missing;
  for (std::size_t index = 0; index < kBatchFiles.size(); ++index) {
    if (!found[index]) missing.push_back(std::string(kCifarFolderName) + "/" + kBatchFiles[index]);
  }
  if (!missing.empty()) fail(archivePath, "the archive lacks " + joined(missing));
  return splits;
#endif
}

namespace {

std::optional<std::string> findCifarArchive(const fs::path& base) {
  std::error_code ec;
  for (const fs::path& dir : {base, base / kDatasetFolder}) {
    if (fs::is_regular_file(dir / kCifarArchiveName, ec)) return (dir / kCifarArchiveName).string();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> findCifarSource(const std::string& root) {
  const fs::path base = root;
  for (const fs::path& dir : {base, base / kDatasetFolder}) {
    for (const fs::path& folder : {dir, dir / kCifarFolderName}) {
      if (missingIn(folder).empty()) return folder.string();
    }
  }
  return findCifarArchive(base);
}

DatasetSplits loadCifar10(const std::string& root) {
  if (const auto source = findCifarSource(root)) {
    std::error_code ec;
    if (!fs::is_directory(*source, ec)) return readCifarArchive(*source);
    try {
      return readCifarFolder(*source);
    } catch (const DataError&) {
      // An extraction cut short (`tar xzf` interrupted: a truncated batch) beside the archive
      // it came from: the archive holds the whole data. Where it fails too, the folder's
      // problem is the one to report.
      if (const auto archive = findCifarArchive(root)) {
        try {
          return readCifarArchive(*archive);
        } catch (const DataError&) {
        }
      }
      throw;
    }
  }
  const fs::path base = root;
  // A half-copied folder is the likely mistake: reading it names exactly what it lacks.
  for (const fs::path& dir : {base, base / kDatasetFolder}) {
    for (const fs::path& folder : {dir, dir / kCifarFolderName}) {
      if (missingIn(folder).size() < kBatchFiles.size()) readCifarFolder(folder.string());
    }
  }
  throw DataError("cifar10 data not found: looked in " + base.string() + " and " +
                  (base / kDatasetFolder).string() + " for " + kCifarArchiveName + ", a " +
                  kCifarFolderName + "/ folder or its data_batch_1..5.bin and test_batch.bin; " +
                  "put them there, pass --data-dir, or use --synthetic");
}

}  // namespace tb
