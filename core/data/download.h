// Downloads a dataset's files: mirrors in order, resumable partial files, published checksums
// verified before a file takes its place. Qt-free and torch-free (libcurl underneath).
#pragma once

#include "data/dataset_sources.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tb {

struct DownloadProgress {
  enum class Stage {
    Started,       // a file's transfer from `url` begins (or resumes)
    Transferring,  // bytes arrived (at most ~10 events a second)
    Verifying,     // the file is complete; its checksum is being checked
    FileDone,      // verified and in place
    FileSkipped,   // already present, nothing to transfer
    Retrying,      // the attempt at `url` failed (`message` says why); trying again or elsewhere
  };
  Stage stage = Stage::Started;
  std::string dataset;
  std::string file;  // "train-images-idx3-ubyte.gz"
  std::string url;
  std::string message;
  int fileIndex = 0;  // 1-based among the dataset's files
  int fileCount = 0;
  std::int64_t fileDone = 0;  // bytes of this file on disk, a resumed part included
  std::int64_t fileTotal = 0;
  std::int64_t done = 0;        // bytes of the files this fetch needs, on disk so far
  std::int64_t total = 0;       // bytes of the files this fetch needs (present ones not counted)
  double bytesPerSecond = 0.0;  // over the last seconds; 0 until measured
};

struct DownloadOptions {
  // Empty: mirrorsFor(source), i.e. the official mirrors or $TRAINBENCH_MIRROR.
  std::vector<std::string> mirrors;
  // A server that accepts no connection within this fails over to the next mirror.
  long connectTimeoutMs = 15000;
  // A transfer slower than lowSpeedBytes per second for lowSpeedSeconds is abandoned (and
  // resumed), so a server that goes silent mid-transfer fails rather than hangs.
  long lowSpeedBytes = 1;
  long lowSpeedSeconds = 30;
  // Interrupted transfers that made progress are resumed this many times per mirror.
  int resumeAttempts = 3;
  std::function<void(const DownloadProgress&)> onProgress;
  const std::atomic<bool>* cancel = nullptr;  // checked several times a second
};

class DownloadError : public std::runtime_error {
 public:
  enum class Kind {
    Offline,    // no mirror could be reached at all
    Failed,     // mirrors answered, but no verified copy of some file came of it
    Cancelled,  // the cancel flag was set; the partial file is kept for the next fetch
    Local,      // the data folder cannot be written, or another fetch of it is running
  };
  DownloadError(Kind kind, const std::string& message)
      : std::runtime_error(message), m_kind(kind) {}
  Kind kind() const { return m_kind; }

 private:
  Kind m_kind;
};

struct FetchSummary {
  std::string folder;
  int filesDownloaded = 0;
  int filesPresent = 0;  // already there and valid, or present in an alternative form
  std::int64_t bytesTransferred = 0;
};

// Makes every file of `source` present and verified in `folder` (created if needed). Files that
// are already there with the published size and checksum are kept. Each missing file is
// downloaded into <file>.part, resumed with an HTTP Range request when a partial file exists,
// verified, and only then renamed into place; a file that fails verification is deleted and the
// next mirror tried. Throws DownloadError.
FetchSummary fetchDataset(const DatasetSource& source, const std::string& folder,
                          const DownloadOptions& options = {});

}  // namespace tb
