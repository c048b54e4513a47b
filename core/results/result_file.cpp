// Result files on disk: crash-safe writing (temp file + fsync, then rename or link), checks of the
// results folder before a run, size-capped reading and the default file name. POSIX file calls
// are used because std::ofstream cannot fsync.
#include "results/result_file.h"

#include "io/regular_file.h"
#include "results/created_time.h"
#include "util/host_name.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <vector>

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
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

// This machine's name as it may stand in a file name.
std::string hostNamePart() { return fileNamePart(hostName()); }

// The umask, read without changing it (umask(2) can only swap, a race with other threads
// creating files): Linux reports it in /proc/self/status; elsewhere the usual 022.
mode_t processUmask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8) & 0777);
    }
  }
  return 022;
}

// Temporary files are named ".<name>.tmp-<pid>-<host>-XXXXXX", so a later save can tell one
// left behind by a process that died (kill -9, power loss) from one still being written.
constexpr const char* kTempMarker = ".tmp-";

// Names of at most this many bytes fit every file system we save to (ext4, xfs, btrfs, tmpfs).
constexpr std::size_t kMaxFileNameBytes = NAME_MAX;

std::string tempPrefix(const fs::path& target) {
  const std::string tail = kTempMarker + std::to_string(::getpid()) + "-" + hostNamePart() + "-";
  constexpr std::size_t kUniqueChars = 6;  // mkstemp's XXXXXX
  // A long result name is cut short here, or its temporary file's name would not fit where the
  // result's own does (only the marker and what follows it identify a temporary file).
  const std::size_t room = kMaxFileNameBytes - std::min(kMaxFileNameBytes - 2, 1 + tail.size() + kUniqueChars);
  return "." + target.filename().string().substr(0, room) + tail;
}

// True for a temporary file of ours whose writer, on this machine, no longer runs.
bool isAbandonedTempFile(const std::string& name, const std::string& host) {
  const std::size_t marker = name.rfind(kTempMarker);
  if (name.empty() || name[0] != '.' || marker == std::string::npos) return false;
  const std::size_t pidStart = marker + std::string(kTempMarker).size();
  const std::size_t pidEnd = name.find('-', pidStart);
  constexpr std::size_t kUniqueChars = 6;  // mkstemp's XXXXXX
  if (pidEnd == std::string::npos || pidEnd == pidStart || name.size() < kUniqueChars + 1) {
    return false;
  }
  const std::size_t hostEnd = name.size() - kUniqueChars - 1;
  if (hostEnd <= pidEnd || name[hostEnd] != '-' ||
      name.substr(pidEnd + 1, hostEnd - pidEnd - 1) != host) {
    return false;
  }
  const std::string pidText = name.substr(pidStart, pidEnd - pidStart);
  if (pidText.find_first_not_of("0123456789") != std::string::npos || pidText.size() > 9) {
    return false;
  }
  const pid_t pid = static_cast<pid_t>(std::stol(pidText));
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

bool noHardLinks(int error) {
  return error == EPERM || error == ENOTSUP || error == EOPNOTSUPP || error == EMLINK ||
         error == ENOSYS || error == EXDEV;
}

enum class WriteMode { Replace, CreateNew };

// The one durable write: a temporary file in the target's folder (so the final step stays on one
// file system and is atomic), written, flushed to disk, then renamed over the target (Replace)
// or linked to it (CreateNew: link(2) fails when the name exists, even if another process
// created it a moment ago, so concurrent savers never take the same name). Returns false only
// when CreateNew finds the name taken.
bool writeDurably(const std::string& text, const std::string& path, WriteMode mode) {
  const fs::path target(path);
  const fs::path folder = target.parent_path();
  if (!folder.empty()) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) fail(path, "cannot create folder " + folder.string() + ": " + ec.message());
  }
  removeAbandonedTempFiles(folder.empty() ? "." : folder.string());

  std::string pattern = (folder / (tempPrefix(target) + "XXXXXX")).string();
  std::unique_ptr<char[]> buffer(new char[pattern.size() + 1]);
  std::memcpy(buffer.get(), pattern.c_str(), pattern.size() + 1);
  int fd = ::mkostemp(buffer.get(), O_CLOEXEC);
  if (fd < 0) {
    fail(path, "cannot create a file in " + (folder.empty() ? std::string(".") : folder.string()) +
                   ": " + errnoText(errno));
  }
  TempFile temp(fd, buffer.get());

  // mkstemp creates 0600; a result is an ordinary document, so keep the replaced file's mode or
  // make it as any new file is: 0666 less the user's umask (0644 for the usual 022).
  struct stat existing {};
  const bool replacing = mode == WriteMode::Replace && ::stat(path.c_str(), &existing) == 0;
  ::fchmod(temp.fd(), replacing ? (existing.st_mode & 07777) : (0666 & ~processUmask()));
  if (!writeAll(temp.fd(), text)) fail(path, "cannot write: " + errnoText(errno));
  if (::fsync(temp.fd()) != 0) fail(path, "cannot flush to disk: " + errnoText(errno));
  if (temp.close() != 0) fail(path, "cannot write: " + errnoText(errno));

  if (mode == WriteMode::Replace) {
    if (::rename(temp.path().c_str(), path.c_str()) != 0) {
      fail(path, "cannot replace the file: " + errnoText(errno));
    }
    temp.release();
  } else if (::link(temp.path().c_str(), path.c_str()) != 0) {
    const int error = errno;
    if (error == EEXIST) return false;
    if (!noHardLinks(error)) fail(path, "cannot create the file: " + errnoText(error));
    // A file system without hard links: claim the name with an exclusive create, then move the
    // finished file over the (empty) claim.
    const int claim = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (claim < 0) {
      if (errno == EEXIST) return false;
      fail(path, "cannot create the file: " + errnoText(errno));
    }
    ::close(claim);
    if (::rename(temp.path().c_str(), path.c_str()) != 0) {
      const int renameError = errno;
      ::unlink(path.c_str());
      fail(path, "cannot create the file: " + errnoText(renameError));
    }
    temp.release();
  }
  // After link(2) the temporary name is removed by ~TempFile; the result is already in place.
  syncFolder(folder);
  return true;
}

// What checkResultsFolder() asks of the folder `shown` once it exists: a file can be made in it,
// of the size a result needs, and the disk has room.
void checkMadeFolder(const std::string& shown) {
  removeAbandonedTempFiles(shown);

  // Proves that a file can be created here (read-only mounts, permissions, quotas).
  std::string pattern = (fs::path(shown) / ".trainbench-write-check-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = ::mkostemp(buffer.data(), O_CLOEXEC);
  if (fd < 0) {
    throw ResultFileError(shown + ": cannot save results here: " + errnoText(errno));
  }
  ::close(fd);
  ::unlink(buffer.data());

  // A file size limit (ulimit -f, set on some shared servers) under what a result may need
  // would stop the save after the run, however much the disk has free.
  struct rlimit fileSize {};
  if (::getrlimit(RLIMIT_FSIZE, &fileSize) == 0 && fileSize.rlim_cur != RLIM_INFINITY &&
      fileSize.rlim_cur < kMinFreeBytesForResults) {
    throw ResultFileError(shown + ": cannot save results: this process may write files of only " +
                          std::to_string(fileSize.rlim_cur / 1024) +
                          " KiB (its file size limit, ulimit -f; at least " +
                          std::to_string(kMinFreeBytesForResults / (1024 * 1024)) + " MiB needed)");
  }

  struct statvfs space {};
  if (::statvfs(shown.c_str(), &space) == 0) {
    const auto freeBytes = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
    if (freeBytes < kMinFreeBytesForResults) {
      throw ResultFileError(shown + ": cannot save results here: only " +
                            std::to_string(freeBytes / 1024) + " KiB free (at least " +
                            std::to_string(kMinFreeBytesForResults / (1024 * 1024)) +
                            " MiB needed)");
    }
  }
}

}  // namespace

void writeResultFile(const RunResult& result, const std::string& path) {
  // Serialise first: if that fails nothing on disk has been touched.
  writeDurably(toJson(result) + "\n", path, WriteMode::Replace);
}

bool writeNewResultFile(const RunResult& result, const std::string& path) {
  return writeDurably(toJson(result) + "\n", path, WriteMode::CreateNew);
}

bool writeNewResultText(const std::string& text, const std::string& path) {
  return writeDurably(text, path, WriteMode::CreateNew);
}

std::string numberedPath(const std::string& path, int n, const std::string& separator) {
  if (n <= 1) return path;
  const fs::path original(path);
  return (original.parent_path() / (original.stem().string() + separator + std::to_string(n) +
                                    original.extension().string()))
      .string();
}

std::string saveResultUnderFreeName(const RunResult& result, const std::string& path) {
  const std::string text = toJson(result) + "\n";
  for (int n = 1; n <= kMaxNameSuffix; ++n) {
    const std::string candidate = numberedPath(path, n, "_");
    if (writeDurably(text, candidate, WriteMode::CreateNew)) return candidate;
  }
  fail(path, "no free file name: " + std::to_string(kMaxNameSuffix) + " results already use it");
}

void removeAbandonedTempFiles(const std::string& folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  if (ec) return;  // an unreadable folder is reported by the write that follows
  const std::string host = hostNamePart();
  for (; it != end; it.increment(ec)) {
    if (ec) return;
    const std::string name = it->path().filename().string();
    if (isAbandonedTempFile(name, host)) ::unlink(it->path().c_str());
  }
}

void checkResultsFolder(const std::string& folder, const std::string& fileName) {
  const std::string shown = folder.empty() ? std::string(".") : folder;
  // Room for what may be added to the name: a device ("_cuda-12", for several devices) and a
  // number after a taken one ("_999", writeNewResultFile).
  constexpr std::size_t suffix = 16;
  if (fileName.size() + suffix > kMaxFileNameBytes) {
    throw ResultFileError((fs::path(shown) / fileName).string() + ": the file name is " +
                          std::to_string(fileName.size()) + " bytes long; at most " +
                          std::to_string(kMaxFileNameBytes - suffix) + " fit");
  }
  std::error_code ec;
  const auto status = fs::status(shown, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw ResultFileError(shown + ": not a folder (a file of that name is in the way)");
  }
  // A link to a folder that is gone, the folder itself or one above it ("--out dir/" names
  // the folder with a slash): creating it would fail with a baffling "File exists".
  if (!fs::exists(status)) {
    // A file on the way ("--out notes.txt/", "--out notes.txt/runs"): making the folder failed
    // with a baffling "File exists" or "Not a directory".
    fs::path up = fs::path(shown);
    while (up.has_relative_path() && !up.has_filename()) up = up.parent_path();  // "dir/"
    for (; !up.empty(); up = up.parent_path()) {
      const auto upStatus = fs::status(up, ec);
      if (fs::exists(upStatus)) {
        if (!fs::is_directory(upStatus)) {
          throw ResultFileError(shown + ": " + up.string() +
                                " is a file, not a folder (a file of that name is in the way)");
        }
        break;
      }
      if (up == up.parent_path()) break;
    }
    fs::path part = fs::path(shown);
    while (part.has_relative_path() && !part.has_filename()) part = part.parent_path();  // "dir/"
    for (; !part.empty() && part != part.root_path(); part = part.parent_path()) {
      if (fs::is_symlink(fs::symlink_status(part, ec)) && !fs::exists(fs::status(part, ec))) {
        throw ResultFileError(shown + ": " + part.string() + " is a link to " +
                              fs::read_symlink(part, ec).string() +
                              ", which does not exist (a drive not mounted?)");
      }
    }
  }
  // The folders made here go again where the folder is refused: a refused --out leaves nothing.
  std::vector<fs::path> made;
  for (fs::path p = fs::path(shown).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    made.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(shown, ec);
  if (ec) throw ResultFileError(shown + ": cannot create the results folder: " + ec.message());
  try {
    checkMadeFolder(shown);
  } catch (const ResultFileError&) {
    for (const fs::path& folder : made) fs::remove(folder, ec);  // deepest first; empty only
    throw;
  }
}

RunResult readResultFile(const std::string& path) {
  const std::string text = readResultText(path);
  try {
    return fromJson(text, path);
  } catch (const std::bad_alloc&) {
    fail(path, "too large to read into this machine's free memory");
  }
}

std::string readResultText(const std::string& path) {
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
    // Not "not a result": versions before the timeline was thinned wrote long runs this large.
    fail(path, "larger than " + std::to_string(kMaxResultFileBytes / (1024 * 1024)) +
                   " MiB, more than this version reads (its own results stay far below that)");
  }
  return text;
}

std::string defaultResultFileName(const RunResult& result) {
  // In UTC, so that names sort by time and a "+14:00" does not read as "-1400".
  std::string stamp;
  for (char ch : createdUtc(result.created)) {
    if (ch != '-' && ch != ':') stamp += ch;
  }
  // Each part is cut short so that any name, "-999" added, fits NAME_MAX: a foreign result with
  // a 300-character workload name must still import and save.
  const auto part = [](const std::string& text, std::size_t bytes) {
    return fileNamePart(text).substr(0, bytes);
  };
  std::string name = part(stamp, 40) + "_" + part(result.workload.name, 100) + "_" +
                     part(result.device.id, 80) + ".json";
  // A foreign `created` of ".hidden" made a hidden file that no listing showed.
  if (name.front() == '.') name.front() = '_';
  return name;
}

}  // namespace tb
