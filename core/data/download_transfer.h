// One transfer of one URL into a partial file with libcurl: resumes with a Range request,
// restarts when the server ignores it, times out on silent servers, reports bytes, cancels.
// Internal to the downloader (download.cpp), which decides what to do with each outcome.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace tb::detail {

struct TransferSettings {
  long connectTimeoutMs = 15000;
  long lowSpeedBytes = 1;
  long lowSpeedSeconds = 30;
  // The published size: a body that would make the file larger is cut off at once (TooLarge),
  // so a wrong or endless reply cannot fill the disk. 0: not known.
  std::int64_t expectedBytes = 0;
  const std::atomic<bool>* cancel = nullptr;
  // Bytes of the file on disk so far (a resumed part included); called often, from the
  // transferring thread.
  std::function<void(std::int64_t onDisk)> onBytes;
};

struct TransferOutcome {
  enum class Result {
    Complete,     // the server sent the whole body (its size is not checked here)
    HttpError,    // the server answered with an error status (404, 403, 416, ...)
    NotFound,     // a file:// URL that does not exist
    Unreachable,  // no connection could be made (DNS, refused, connect timeout)
    Interrupted,  // connected, but the transfer ended early or stalled
    WrongOffset,  // asked to resume, the server sent the file from another offset
    TooLarge,     // the body went past TransferSettings::expectedBytes: another file
    Cancelled,
    LocalError,  // the partial file could not be written
    Failed,      // anything else (TLS, bad URL, ...)
  };
  Result result = Result::Failed;
  long httpStatus = 0;
  std::int64_t bytesReceived = 0;  // during this attempt
  std::string message;             // why it failed, for people
};

// Downloads `url` into `partPath`: appends to an existing partial file when the server honours
// a Range request (206 at the right offset), otherwise rewrites it from the start.
TransferOutcome transferToFile(const std::string& url, const std::string& partPath,
                               const TransferSettings& settings);

}  // namespace tb::detail
