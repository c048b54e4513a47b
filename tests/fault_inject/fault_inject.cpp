// A preload library (LD_PRELOAD) that makes file-system faults happen on purpose, so the tests
// can prove that a full, read-only or slow results folder never loses or damages a result.
// Each fault is switched on by an environment variable naming a folder (or a delay):
//   TB_FAULT_ENOSPC_DIR=DIR    write() to files under DIR fails with ENOSPC (a full disk)
//   TB_FAULT_EROFS_DIR=DIR     creating files under DIR fails with EROFS (a read-only mount)
//   TB_FAULT_NOSPACE_DIR=DIR   statvfs() on DIR reports 0 bytes free
//   TB_FAULT_FSYNC_DELAY_MS=N  fsync() waits N ms first (widens the window of a save, as a
//                              slow disk or network file system does)
//   TB_FAULT_SPARE_DIR=DIR     files under DIR (inside a faulty folder) are spared
//   TB_FAULT_WHILE=FILE        the folder faults hold only while FILE exists (a test turns
//                              them on mid-run)
// Without the variables every call goes straight to the C library.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

template <typename Function>
Function next(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

// True when `path` lies in the folder named by the environment variable `variable`.
bool inFolder(const char* variable, const std::string& path) {
  const char* folder = std::getenv(variable);
  if (folder == nullptr || *folder == '\0') return false;
  std::string prefix = folder;
  if (prefix.back() != '/') prefix += '/';
  std::string absolute = path;
  if (!absolute.empty() && absolute[0] != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd) != nullptr) absolute = std::string(cwd) + "/" + absolute;
  }
  return absolute.compare(0, prefix.size(), prefix) == 0 || absolute + "/" == prefix;
}

// True when the fault of `variable` applies to `path` now.
bool under(const char* variable, const std::string& path) {
  if (!inFolder(variable, path) || inFolder("TB_FAULT_SPARE_DIR", path)) return false;
  const char* trigger = std::getenv("TB_FAULT_WHILE");
  return trigger == nullptr || *trigger == '\0' || ::access(trigger, F_OK) == 0;
}

std::string pathOf(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

// O_TMPFILE makes an unnamed file in the folder it is given, as Qt's QSaveFile and QTemporaryFile
// do: a read-only mount refuses it too.
bool creates(int flags) { return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE; }

}  // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
  static auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
  if (fd > 2 && std::getenv("TB_FAULT_ENOSPC_DIR") != nullptr &&
      under("TB_FAULT_ENOSPC_DIR", pathOf(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return real(fd, data, size);
}

int fsync(int fd) {
  static auto real = next<int (*)(int)>("fsync");
  if (const char* delay = std::getenv("TB_FAULT_FSYNC_DELAY_MS")) {
    const long ms = std::atol(delay);
    timespec pause{ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
  }
  return real(fd);
}

int mkostemp(char* pattern, int flags) {
  static auto real = next<int (*)(char*, int)>("mkostemp");
  if (under("TB_FAULT_EROFS_DIR", pattern)) {
    errno = EROFS;
    return -1;
  }
  return real(pattern, flags);
}

int mkstemp(char* pattern) { return mkostemp(pattern, 0); }

// open() and open64() are separate symbols; both create files the same way.
#define TB_FAULT_OPEN(name)                                         \
  int name(const char* path, int flags, ...) {                      \
    static auto real = next<int (*)(const char*, int, ...)>(#name); \
    mode_t mode = 0;                                                \
    if (creates(flags)) {                                           \
      va_list args;                                                 \
      va_start(args, flags);                                        \
      mode = static_cast<mode_t>(va_arg(args, int));                \
      va_end(args);                                                 \
      if (under("TB_FAULT_EROFS_DIR", path)) {                      \
        errno = EROFS;                                              \
        return -1;                                                  \
      }                                                             \
    }                                                               \
    return real(path, flags, mode);                                 \
  }

TB_FAULT_OPEN(open)
TB_FAULT_OPEN(open64)

int statvfs(const char* path, struct statvfs* buffer) {
  static auto real = next<int (*)(const char*, struct statvfs*)>("statvfs");
  const int rc = real(path, buffer);
  if (rc == 0 && under("TB_FAULT_NOSPACE_DIR", path)) buffer->f_bavail = 0;
  return rc;
}

}  // extern "C"
