// Non-blocking, regular-files-only opening of outside input (see regular_file.h).
#include "io/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tb {
namespace {

const char* kindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "it is a FIFO";
  if (S_ISCHR(mode)) return "it is a character device";
  if (S_ISBLK(mode)) return "it is a block device";
  if (S_ISSOCK(mode)) return "it is a socket";
  return "it is not a file";
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (m_fd >= 0) ::close(m_fd);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.release();
  }
  return *this;
}

FileDescriptor openRegularFile(const std::string& path, std::string& error) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return FileDescriptor();
  }
  FileDescriptor file(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return FileDescriptor();
  }
  if (S_ISDIR(info.st_mode)) {
    error = "cannot open: it is a directory";
    return FileDescriptor();
  }
  if (!S_ISREG(info.st_mode)) {
    error = std::string("not a regular file (") + kindOf(info.st_mode) + ")";
    return FileDescriptor();
  }
  // Regular files never block anyway; clearing the flag keeps later reads plain and portable.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return FileDescriptor();
  }
  return file;
}

}  // namespace tb
