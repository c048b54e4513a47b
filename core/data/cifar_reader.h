// Reader for the binary version of CIFAR-10: data_batch_1..5.bin and test_batch.bin, from the
// extracted cifar-10-batches-bin/ folder or straight out of cifar-10-binary.tar.gz (libarchive).
#pragma once

#include "data/dataset.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tb {

// Each record: 1 label byte, then 3072 pixel bytes (the R, G and B planes, each 32x32 row-major).
constexpr std::int64_t kCifarSide = 32;
constexpr std::int64_t kCifarPixelBytes = 3 * kCifarSide * kCifarSide;
constexpr std::int64_t kCifarRecordBytes = 1 + kCifarPixelBytes;
constexpr std::int64_t kCifarRecordsPerFile = 10000;  // 30 730 000 bytes per file
constexpr int kCifarTrainFiles = 5;
constexpr int kCifarClasses = 10;
constexpr const char* kCifarFolderName = "cifar-10-batches-bin";
constexpr const char* kCifarArchiveName = "cifar-10-binary.tar.gz";

// Parses one batch file's bytes: exactly `records` records, every label below 10. The images
// stay uint8 (N, 3, 32, 32); the planes already are in channel-first order. Throws DataError
// naming `name`.
LabelledImages parseCifarBatch(const std::uint8_t* data, std::size_t size, const std::string& name,
                               std::int64_t records = kCifarRecordsPerFile);

// Reads one batch file. Throws DataError naming the file.
LabelledImages readCifarBatch(const std::string& path, std::int64_t records = kCifarRecordsPerFile);

// Reads the six batch files from `folder`: 5 x `recordsPerFile` train and `recordsPerFile` test
// images. Throws DataError naming the missing or malformed file.
DatasetSplits readCifarFolder(const std::string& folder,
                              std::int64_t recordsPerFile = kCifarRecordsPerFile);

// Reads the same six files from a .tar.gz without extracting it. Members with an absolute path
// or a ".." component make the whole archive refused. Throws DataError naming archive and member.
DatasetSplits readCifarArchive(const std::string& archive,
                               std::int64_t recordsPerFile = kCifarRecordsPerFile);

// Where CIFAR-10 is under `root`: in `root` or `root`/cifar10, the six .bin files themselves, a
// cifar-10-batches-bin/ folder holding them, or cifar-10-binary.tar.gz (extracted data first).
// Returns the folder or the archive; nullopt when there is none.
std::optional<std::string> findCifarSource(const std::string& root);

// Loads CIFAR-10 from what findCifarSource finds; a DataError saying where it looked otherwise.
DatasetSplits loadCifar10(const std::string& root);

}  // namespace tb
