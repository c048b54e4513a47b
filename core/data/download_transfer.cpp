// libcurl easy-API transfer of one URL into a partial file (see download_transfer.h).
#include "data/download_transfer.h"

#include "util/text.h"

#ifdef TRAINBENCH_WITH_DOWNLOADS

#include <curl/curl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>

namespace tb::detail {
namespace {

namespace fs = std::filesystem;

struct TransferState {
  const TransferSettings* settings = nullptr;
  std::string partPath;
  std::int64_t resumeFrom = 0;
  bool http = false;
  // The current response (redirects bring several): its status and Content-Range start.
  long status = 0;
  std::int64_t rangeStart = -1;
  // The body's first bytes decide whether it continues the partial file or replaces it.
  bool decided = false;
  std::int64_t base = 0;  // bytes in the file before this body
  std::int64_t received = 0;
  std::FILE* file = nullptr;
  bool wrongRange = false;
  bool tooLarge = false;
  std::string localError;

  std::int64_t onDisk() const { return decided ? base + received : resumeFrom; }
};

extern "C" std::size_t onHeader(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const std::size_t length = size * count;
  const std::string line(buffer, length);
  if (startsWithNoCase(line, "HTTP/")) {
    // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
    state.status = 0;
    state.rangeStart = -1;
    const auto space = line.find(' ');
    if (space != std::string::npos)
      state.status = std::strtol(line.c_str() + space + 1, nullptr, 10);
  } else if (startsWithNoCase(line, "Content-Range:")) {
    const auto bytes = line.find("bytes");
    if (bytes != std::string::npos) {
      state.rangeStart = std::strtoll(line.c_str() + bytes + 5, nullptr, 10);
    }
  }
  return length;
}

bool decide(TransferState& state) {
  if (state.http && state.resumeFrom > 0 && state.status == 206) {
    // Appending at any other offset than the one asked for would corrupt the file.
    if (state.rangeStart != state.resumeFrom) {
      state.wrongRange = true;
      return false;
    }
    state.base = state.resumeFrom;
    state.file = std::fopen(state.partPath.c_str(), "ab");
  } else {
    // A full body (the server ignored the Range, or there was nothing to resume).
    state.base = 0;
    state.file = std::fopen(state.partPath.c_str(), "wb");
  }
  if (state.file == nullptr) {
    state.localError = state.partPath + ": " + std::strerror(errno);
    return false;
  }
  state.decided = true;
  return true;
}

extern "C" std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto& state = *static_cast<TransferState*>(user);
  const std::size_t length = size * count;
  if (!state.decided && !decide(state)) return 0;
  const std::int64_t expected = state.settings->expectedBytes;
  if (expected > 0 && state.base + state.received + static_cast<std::int64_t>(length) > expected) {
    state.tooLarge = true;
    return 0;
  }
  if (std::fwrite(data, 1, length, state.file) != length) {
    state.localError = state.partPath + ": " + std::strerror(errno);
    return 0;
  }
  state.received += static_cast<std::int64_t>(length);
  return length;
}

extern "C" int onProgress(void* user, curl_off_t /*dlTotal*/, curl_off_t /*dlNow*/,
                          curl_off_t /*ulTotal*/, curl_off_t /*ulNow*/) {
  auto& state = *static_cast<TransferState*>(user);
  if (state.settings->cancel != nullptr && state.settings->cancel->load()) return 1;
  if (state.settings->onBytes) state.settings->onBytes(state.onDisk());
  return 0;
}

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool isHttp(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// The local path a file:// URL names, decoded ("" when the URL is not file:// or does not parse).
std::string localPathOf(const std::string& url) {
  if (!startsWithNoCase(url, "file://")) return {};
  const std::unique_ptr<CURLU, void (*)(CURLU*)> parsed(curl_url(), &curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
  char* path = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK) return {};
  std::string decoded(path);
  curl_free(path);
  return decoded;
}

// libcurl opens a file:// source blocking: a FIFO there would hang the download for good, and a
// folder or a device gives no dataset. Only a regular file (or a link to one) is read.
std::string localSourceProblem(const std::string& url) {
  const std::string path = localPathOf(url);
  if (path.empty()) return {};
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || status.type() == fs::file_type::not_found) return {};  // libcurl says "not found"
  if (status.type() == fs::file_type::regular) return {};
  return path + ": not a regular file";
}

TransferOutcome classify(CURLcode code, CURL* curl, const TransferState& state,
                         const char* errorBuffer) {
  TransferOutcome outcome;
  outcome.bytesReceived = state.received;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  outcome.httpStatus = status;
  curl_off_t connectMicros = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connectMicros);
  const std::string detail = errorBuffer[0] != '\0' ? errorBuffer : curl_easy_strerror(code);
  using Result = TransferOutcome::Result;
  switch (code) {
    case CURLE_OK: {
      // A server that sends no length ends the body by closing the connection, so a dropped
      // connection reads as the end: short of the published size, it is an interruption to
      // resume, not a whole file (which was deleted as another file, losing what arrived).
      curl_off_t announced = -1;
      curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
      const std::int64_t expected = state.settings ? state.settings->expectedBytes : 0;
      if (state.http && announced < 0 && expected > 0 && state.onDisk() < expected) {
        outcome.result = Result::Interrupted;
        outcome.message = "the server closed the connection after " +
                          std::to_string(state.onDisk()) + " of " + std::to_string(expected) +
                          " bytes";
        return outcome;
      }
      outcome.result = Result::Complete;
      return outcome;
    }
    case CURLE_ABORTED_BY_CALLBACK:
      outcome.result = Result::Cancelled;
      outcome.message = "cancelled";
      return outcome;
    case CURLE_HTTP_RETURNED_ERROR:
      outcome.result = Result::HttpError;
      outcome.message = "HTTP " + std::to_string(status);
      return outcome;
    case CURLE_FILE_COULDNT_READ_FILE:
      outcome.result = Result::NotFound;
      outcome.message = "no such file";
      return outcome;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      outcome.result = Result::Unreachable;
      outcome.message = detail;
      return outcome;
    case CURLE_WRITE_ERROR:
      if (state.tooLarge) {
        outcome.result = Result::TooLarge;
        outcome.message = "the server sent more than the published " +
                          std::to_string(state.settings->expectedBytes) + " bytes";
      } else if (state.wrongRange) {
        outcome.result = Result::WrongOffset;
        outcome.message = "the server resumed at the wrong offset";
      } else {
        outcome.result = Result::LocalError;
        outcome.message = state.localError.empty() ? detail : state.localError;
      }
      return outcome;
    case CURLE_OPERATION_TIMEDOUT:
      // Timed out before a connection existed: as unreachable as a refused connection.
      outcome.result =
          connectMicros == 0 && status == 0 ? Result::Unreachable : Result::Interrupted;
      outcome.message = detail;
      return outcome;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      outcome.result = Result::Interrupted;
      outcome.message = detail;
      return outcome;
    default:
      outcome.result = Result::Failed;
      outcome.message = detail;
      return outcome;
  }
}

}  // namespace

TransferOutcome transferToFile(const std::string& url, const std::string& partPath,
                               const TransferSettings& settings) {
  initCurlOnce();
  if (const std::string problem = localSourceProblem(url); !problem.empty()) {
    return {TransferOutcome::Result::Failed, 0, 0, problem};
  }
  // A FIFO or a device under the part's name would block the open (and so Cancel) or take the
  // bytes somewhere else.
  if (std::error_code kind; fs::exists(partPath, kind) && !fs::is_regular_file(partPath, kind)) {
    return {TransferOutcome::Result::LocalError, 0, 0,
            partPath + ": not a regular file; remove it and fetch again"};
  }
  TransferState state;
  state.settings = &settings;
  state.partPath = partPath;
  state.http = isHttp(url);
  std::error_code error;
  const auto existing = fs::file_size(partPath, error);
  // Only HTTP resumes; a file:// mirror is local and simply copied again.
  state.resumeFrom = !error && state.http ? static_cast<std::int64_t>(existing) : 0;

  const std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {TransferOutcome::Result::Failed, 0, 0, "libcurl could not start"};
  CURL* handle = curl.get();
  char errorBuffer[CURL_ERROR_SIZE] = {};
  const std::string range = std::to_string(state.resumeFrom) + "-";
  const std::string userAgent = std::string("TrainBench/") + TRAINBENCH_VERSION;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorBuffer);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);  // GitHub's raw URLs redirect
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);  // 4xx/5xx bodies are error pages, not data
  curl_easy_setopt(handle, CURLOPT_USERAGENT, userAgent.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMs);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, settings.lowSpeedBytes);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, settings.lowSpeedSeconds);
  // No CURLOPT_ACCEPT_ENCODING: the published checksums are of the bytes as stored.
  if (state.resumeFrom > 0) curl_easy_setopt(handle, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);

  const CURLcode code = curl_easy_perform(handle);
  if (state.file != nullptr && std::fclose(state.file) != 0 && code == CURLE_OK) {
    return {TransferOutcome::Result::LocalError, 0, state.received,
            partPath + ": " + std::strerror(errno)};
  }
  if (code == CURLE_OK && !state.decided && state.resumeFrom == 0) {
    // An empty body: leave an empty part so the caller's size check reports it.
    if (std::FILE* empty = std::fopen(partPath.c_str(), "wb")) std::fclose(empty);
  }
  if (settings.onBytes) settings.onBytes(state.onDisk());
  return classify(code, handle, state, errorBuffer);
}

}  // namespace tb::detail

#else
// Built without libcurl (a GPU server without apt): every transfer fails, and fetchDataset says
// why before it gets here.
namespace tb::detail {

TransferOutcome transferToFile(const std::string& /*url*/, const std::string& /*partPath*/,
                               const TransferSettings& /*settings*/) {
  TransferOutcome outcome;
  outcome.message = "this build has no download support (built without libcurl)";
  return outcome;
}

}  // namespace tb::detail
#endif
