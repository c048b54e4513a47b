// The dataset downloader: for each file, mirrors in order, resume on interruption, verify,
// rename into place; one clear message when nothing could be reached.
#include "data/download.h"

#include "data/download_checksum.h"
#include "data/download_transfer.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tb {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using detail::TransferOutcome;

// Often enough to look live, rare enough not to flood a terminal or the GUI's event queue.
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
// The rate is measured over this window: steady, yet quick to show a stalled server.
constexpr auto kRateWindow = std::chrono::seconds(3);
constexpr const char* kNextMirror = "; trying the next mirror";

// Recent download rate from (time, bytes) samples.
class RateMeter {
 public:
  void add(Clock::time_point now, std::int64_t bytes) {
    // libcurl reports every chunk; a sample every 50 ms is plenty for a rate.
    if (!m_samples.empty() && now - m_samples.back().first < std::chrono::milliseconds(50)) {
      m_samples.back().second = bytes;
      return;
    }
    m_samples.emplace_back(now, bytes);
    while (m_samples.size() > 2 && now - m_samples.front().first > kRateWindow) {
      m_samples.pop_front();
    }
  }
  void reset() { m_samples.clear(); }
  double bytesPerSecond() const {
    if (m_samples.size() < 2) return 0.0;
    const double seconds =
        std::chrono::duration<double>(m_samples.back().first - m_samples.front().first).count();
    const auto bytes = m_samples.back().second - m_samples.front().second;
    return seconds > 0.05 ? static_cast<double>(bytes) / seconds : 0.0;
  }

 private:
  std::deque<std::pair<Clock::time_point, std::int64_t>> m_samples;
};

void removeQuietly(const fs::path& path) {
  std::error_code error;
  fs::remove(path, error);
}

// Holds an exclusive lock on the dataset folder, so two fetches never write the same .part.
class FolderLock {
 public:
  explicit FolderLock(const std::string& folder) : m_fd(::open(folder.c_str(), O_RDONLY)) {
    if (m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(m_fd);
      throw DownloadError(DownloadError::Kind::Local,
                          folder +
                              " is being downloaded into by another TrainBench; wait for "
                              "it to finish");
    }
  }
  ~FolderLock() {
    if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int m_fd;
};

class Fetcher {
 public:
  Fetcher(const DatasetSource& source, std::string folder, const DownloadOptions& options)
      : m_source(source),
        m_folder(std::move(folder)),
        m_options(options),
        m_mirrors(options.mirrors.empty() ? mirrorsFor(source) : options.mirrors) {
    m_progress.dataset = source.dataset;
    m_progress.fileCount = static_cast<int>(source.files.size());
  }

  // `madeHere`: the folder did not exist when the fetch began. A fetch that then fails before
  // any file arrives removes it again (a partial file stays, for the next fetch to resume) —
  // while it holds the folder's lock: a fetch that found another one at work must not remove
  // the folder the other has just made and not yet written into.
  // "Not a directory" names no path: the file in the way, where one is.
  std::string whyNotAFolder(const std::error_code& error) const {
    for (fs::path above = fs::path(m_folder).parent_path(); !above.empty();
         above = above.parent_path()) {
      std::error_code ignored;
      if (fs::exists(above, ignored) && !fs::is_directory(above, ignored)) {
        return above.string() + " is a file, not a folder";
      }
      if (above == above.parent_path()) break;
    }
    return error.message();
  }

  FetchSummary run(bool madeHere) {
    std::error_code error;
    fs::create_directories(m_folder, error);
    if (error) {
      throw DownloadError(DownloadError::Kind::Local,
                          "cannot create " + m_folder + ": " + whyNotAFolder(error));
    }
    FolderLock lock(m_folder);
    try {
      return runLocked();
    } catch (...) {
      if (madeHere) fs::remove(m_folder, error);  // only when empty
      throw;
    }
  }

 private:
  FetchSummary runLocked() {
    FetchSummary summary;
    summary.folder = m_folder;
    std::vector<bool> needed;
    for (const auto& file : m_source.files) {
      // Checking a large file already here reads all of it: Ctrl-C must not wait for them all.
      if (cancelled()) throwCancelled();
      needed.push_back(!alreadyPresent(file));
      if (needed.back()) m_progress.total += file.size;
    }
    for (std::size_t i = 0; i < m_source.files.size(); ++i) {
      const SourceFile& file = m_source.files[i];
      m_progress.fileIndex = static_cast<int>(i) + 1;
      m_progress.file = file.name;
      m_progress.fileTotal = file.size;
      m_progress.fileDone = 0;
      if (!needed[i]) {
        ++summary.filesPresent;
        emit(DownloadProgress::Stage::FileSkipped);
        continue;
      }
      summary.bytesTransferred += fetchFile(file);
      ++summary.filesDownloaded;
      m_doneBefore += file.size;
    }
    return summary;
  }

  bool alreadyPresent(const SourceFile& file) const {
    const fs::path path = fs::path(m_folder) / file.name;
    if (sizeOf(path) == file.size) {
      try {
        if (md5OfFile(path.string()) == file.md5) return true;
      } catch (const std::exception&) {
        return false;  // unreadable: download it again (the rename replaces it)
      }
    }
    return hasLocalCopy(m_folder, file);
  }

  void emit(DownloadProgress::Stage stage, const std::string& url = std::string(),
            const std::string& message = std::string()) {
    m_progress.stage = stage;
    m_progress.url = url;
    m_progress.message = message;
    m_progress.done = m_doneBefore + m_progress.fileDone;
    m_progress.bytesPerSecond = m_rate.bytesPerSecond();
    if (m_options.onProgress) m_options.onProgress(m_progress);
  }

  void onBytes(std::int64_t onDisk, const std::string& url) {
    const auto now = Clock::now();
    m_rate.add(now, onDisk);
    m_progress.fileDone = onDisk;
    if (now - m_lastEmit >= kProgressInterval) {
      m_lastEmit = now;
      emit(DownloadProgress::Stage::Transferring, url);
    }
  }

  bool cancelled() const { return m_options.cancel != nullptr && m_options.cancel->load(); }

  [[noreturn]] void throwCancelled() const {
    throw DownloadError(DownloadError::Kind::Cancelled,
                        "download of " + m_source.dataset + " cancelled");
  }

  // True when the part is complete and verified (and now in place); deletes a bad one.
  bool verifyAndPlace(const SourceFile& file, const fs::path& part, const fs::path& target,
                      const std::string& url, std::string& why) {
    const std::int64_t size = sizeOf(part);
    if (size != file.size) {
      why = "got " + std::to_string(size) + " bytes, expected " + std::to_string(file.size);
      // The server called it complete, so it sent another file (a page saying "not found",
      // say): resuming it from the next mirror would splice two files together, fail the
      // checksum and do the same on every later fetch.
      removeQuietly(part);
      return false;
    }
    emit(DownloadProgress::Stage::Verifying, url);
    std::string md5;
    try {
      md5 = md5OfFile(part.string());
    } catch (const std::exception& e) {
      throw DownloadError(DownloadError::Kind::Local, e.what());
    }
    if (md5 != file.md5) {
      // Never let it near the real file's place, nor resume from it.
      removeQuietly(part);
      why = "checksum mismatch (MD5 " + md5 + ", published " + file.md5 + ")";
      return false;
    }
    std::error_code error;
    fs::rename(part, target, error);
    if (error) {
      throw DownloadError(DownloadError::Kind::Local,
                          "cannot move " + part.string() + " into place: " + error.message());
    }
    return true;
  }

  // Returns the bytes transferred. Throws when no mirror gave a verified copy.
  std::int64_t fetchFile(const SourceFile& file) {
    const fs::path target = fs::path(m_folder) / file.name;
    const fs::path part = fs::path(m_folder) / (file.name + ".part");
    if (sizeOf(part) > file.size) removeQuietly(part);
    m_progress.fileDone = std::max<std::int64_t>(sizeOf(part), 0);
    std::string why;
    // A part left complete by an interrupted run (killed while verifying) needs no network.
    if (sizeOf(part) == file.size && verifyAndPlace(file, part, target, "", why)) {
      emit(DownloadProgress::Stage::FileDone);
      return 0;
    }

    std::vector<std::string> failures;  // "URL: why", for the final message
    std::int64_t transferred = 0;
    bool anyReached = false;
    for (std::size_t m = 0; m < m_mirrors.size(); ++m) {
      const std::string& mirror = m_mirrors[m];
      const std::string url = mirror + file.name;
      if (m_unreachable.count(urlOrigin(mirror)) > 0) continue;
      int resumes = 0;
      bool restartedFromZero = false;
      while (true) {
        if (cancelled()) throwCancelled();
        m_rate.reset();
        m_progress.fileDone = std::max<std::int64_t>(sizeOf(part), 0);
        emit(DownloadProgress::Stage::Started, url);
        detail::TransferSettings settings;
        settings.connectTimeoutMs = m_options.connectTimeoutMs;
        settings.lowSpeedBytes = m_options.lowSpeedBytes;
        settings.lowSpeedSeconds = m_options.lowSpeedSeconds;
        settings.expectedBytes = file.size;
        settings.cancel = m_options.cancel;
        settings.onBytes = [this, &url](std::int64_t onDisk) { onBytes(onDisk, url); };
        const TransferOutcome outcome = detail::transferToFile(url, part.string(), settings);
        transferred += outcome.bytesReceived;
        m_progress.fileDone = std::max<std::int64_t>(sizeOf(part), 0);
        using Result = TransferOutcome::Result;
        if (outcome.result != Result::Unreachable) anyReached = true;
        if (outcome.result == Result::Cancelled || cancelled()) throwCancelled();
        if (outcome.result == Result::LocalError) {
          throw DownloadError(DownloadError::Kind::Local, outcome.message);
        }
        // Every byte arrived, though the transfer did not end cleanly (a server that closes
        // right after the last one): checked now, where resuming past its end would get a 416.
        const bool allArrived =
            outcome.result == Result::Interrupted && sizeOf(part) == file.size;
        if (outcome.result == Result::Complete || allArrived) {
          if (verifyAndPlace(file, part, target, url, why)) {
            emit(DownloadProgress::Stage::FileDone, url);
            return transferred;
          }
          failures.push_back(url + ": " + why);
          if (mirrorAfter(m)) emit(DownloadProgress::Stage::Retrying, url, why + kNextMirror);
          break;  // the next mirror may hold the right file
        }
        if (outcome.result == Result::TooLarge) {
          // Another file (or an endless one) under this name: never resume from it.
          removeQuietly(part);
          failures.push_back(url + ": " + outcome.message);
          if (mirrorAfter(m)) {
            emit(DownloadProgress::Stage::Retrying, url, outcome.message + kNextMirror);
          }
          break;
        }
        // The partial file does not fit this server's copy (416), or the server cannot resume
        // it where it ends (a proxy answering another range): start it over, once. Kept, the
        // part met the same answer on every later fetch.
        const bool cannotResume = (outcome.result == Result::HttpError && outcome.httpStatus == 416) ||
                                  outcome.result == Result::WrongOffset;
        if (cannotResume && !restartedFromZero) {
          removeQuietly(part);
          restartedFromZero = true;
          continue;
        }
        failures.push_back(url + ": " + outcome.message);
        if (outcome.result == Result::Unreachable) m_unreachable.insert(urlOrigin(mirror));
        const bool resumable = outcome.result == Result::Interrupted && outcome.bytesReceived > 0 &&
                               resumes < m_options.resumeAttempts;
        if (resumable) {
          emit(DownloadProgress::Stage::Retrying, url, outcome.message + "; resuming");
          ++resumes;  // it made progress: continue from where it stopped
          continue;
        }
        if (mirrorAfter(m)) {
          emit(DownloadProgress::Stage::Retrying, url, outcome.message + kNextMirror);
        }
        break;
      }
    }
    throw failure(file, failures, anyReached);
  }

  // Whether a mirror after the m-th is still worth trying.
  bool mirrorAfter(std::size_t m) const {
    for (std::size_t next = m + 1; next < m_mirrors.size(); ++next) {
      if (m_unreachable.count(urlOrigin(m_mirrors[next])) == 0) return true;
    }
    return false;
  }

  DownloadError failure(const SourceFile& file, const std::vector<std::string>& failures,
                        bool anyReached) const {
    if (!anyReached) {
      std::string tried;
      std::set<std::string> seen;
      for (const auto& mirror : m_mirrors) {
        if (seen.insert(mirror).second) tried += (tried.empty() ? "" : ", ") + mirror;
      }
      return DownloadError(DownloadError::Kind::Offline,
                           "could not download " + m_source.dataset +
                               ": no mirror reachable (tried " + tried +
                               "); check your connection or set TRAINBENCH_MIRROR");
    }
    std::string message = "could not download " + m_source.dataset + ": " + file.name + ": ";
    for (std::size_t i = 0; i < failures.size(); ++i) {
      message += (i == 0 ? "" : "; ") + failures[i];
    }
    if (failures.empty()) message += "no mirror left to try";
    return DownloadError(DownloadError::Kind::Failed, message);
  }

  const DatasetSource& m_source;
  std::string m_folder;
  const DownloadOptions& m_options;
  std::vector<std::string> m_mirrors;
  std::set<std::string> m_unreachable;  // origins that refused a connection in this fetch
  DownloadProgress m_progress;
  std::int64_t m_doneBefore = 0;  // bytes of the files this fetch already finished
  RateMeter m_rate;
  Clock::time_point m_lastEmit{};
};

}  // namespace

FetchSummary fetchDataset(const DatasetSource& source, const std::string& folder,
                          const DownloadOptions& options) {
#ifndef TRAINBENCH_WITH_DOWNLOADS
  throw DownloadError(DownloadError::Kind::Failed,
                      "this build of TrainBench cannot download " + source.dataset +
                          " (built without libcurl and OpenSSL); copy its files into " + folder);
#endif
  std::error_code error;
  const bool existed = fs::exists(folder, error);
  return Fetcher(source, folder, options).run(!existed);
}

}  // namespace tb
