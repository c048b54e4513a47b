// Result files on disk: crash-safe writing (temp file + fsync + rename), size-capped reading and
// the default file name. POSIX file calls are used because std::ofstream cannot fsync.
#include "results/result_file.h"

#include "io/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace tb {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ResultFileError(path + ": " + what);
}

std::string errnoText(int error) { return std::strerror(error); }

// Removes the temporary file unless the rename succeeded; keeps every error path leak-free.
class TempFile {
 public:
  TempFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~TempFile() {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return m_fd; }
  const std::string& path() const { return m_path; }
  // close() reports deferred write errors (e.g. on NFS), so its result matters.
  int close() {
    int rc = ::close(m_fd);
    m_fd = -1;
    return rc;
  }
  void release() { m_path.clear(); }

 private:
  int m_fd;
  std::string m_path;
};

bool writeAll(int fd, const std::string& data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

// Makes the rename itself durable; best effort, since the data is already safe in the file.
void syncFolder(const fs::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Keeps letters, digits, '.', '_' and '-' so the name is valid on every file system.
std::string fileNamePart(const std::string& text) {
  std::string out;
  for (char ch : text) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '.' || ch == '_' || ch == '-';
    out += keep ? ch : '-';
  }
  return out.empty() ? "unknown" : out;
}

}  // namespace

void writeResultFile(const RunResult& result, const std::string& path) {
  // Serialise first: if that fails nothing on disk has been touched.
  const std::string text = toJson(result) + "\n";

  const fs::path target(path);
  const fs::path folder = target.parent_path();
  if (!folder.empty()) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) fail(path, "cannot create folder " + folder.string() + ": " + ec.message());
  }

  // Same folder as the target, so rename() stays on one file system and is atomic.
  std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::unique_ptr<char[]> buffer(new char[pattern.size() + 1]);
  std::memcpy(buffer.get(), pattern.c_str(), pattern.size() + 1);
  int fd = ::mkstemp(buffer.get());
  if (fd < 0) fail(path, "cannot create a temporary file: " + errnoText(errno));
  TempFile temp(fd, buffer.get());

  // mkstemp creates 0600; a result is an ordinary document, so keep the replaced file's mode or
  // use the usual 0644.
  struct stat existing {};
  ::fchmod(temp.fd(), ::stat(path.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : 0644);
  if (!writeAll(temp.fd(), text)) fail(path, "cannot write: " + errnoText(errno));
  if (::fsync(temp.fd()) != 0) fail(path, "cannot flush to disk: " + errnoText(errno));
  if (temp.close() != 0) fail(path, "cannot write: " + errnoText(errno));
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    fail(path, "cannot replace the file: " + errnoText(errno));
  }
  temp.release();
  syncFolder(folder);
}

RunResult readResultFile(const std::string& path) {
  // Regular files only, opened without blocking: a FIFO in the results library (or given to
  // `show`) would otherwise hang the reader forever in open().
  std::string error;
  FileDescriptor fd = openRegularFile(path, error);
  if (!fd.valid()) fail(path, error);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(::fdopen(fd.get(), "rb"), &std::fclose);
  if (!file) fail(path, "cannot open: " + errnoText(errno));
  fd.release();  // fclose closes it from now on

  // Read at most one byte past the cap: enough to know the file is too large without loading it.
  std::string text;
  char chunk[65536];
  while (text.size() <= kMaxResultFileBytes) {
    std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    text.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) fail(path, "cannot read: " + errnoText(errno));
  if (text.size() > kMaxResultFileBytes) {
    fail(path, "larger than " + std::to_string(kMaxResultFileBytes / (1024 * 1024)) +
                   " MiB; not a TrainBench result");
  }
  return fromJson(text, path);
}

std::string defaultResultFileName(const RunResult& result) {
  std::string stamp;
  for (char ch : result.created) {
    if (ch != '-' && ch != ':') stamp += ch;
  }
  return fileNamePart(stamp) + "_" + fileNamePart(result.workload.name) + "_" +
         fileNamePart(result.device.id) + ".json";
}

}  // namespace tb
