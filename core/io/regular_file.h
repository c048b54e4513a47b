// Opening outside input (data files, result files) so that only regular files are ever read and
// nothing blocks: a FIFO, a device node or a socket given as a file is refused at once.
#pragma once

#include <string>

namespace tb {

// Owns a file descriptor and closes it; release() hands it over (to fdopen, gzdopen, ...).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : m_fd(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

 private:
  int m_fd;
};

// Opens `path` read-only if it is a regular file (symbolic links followed). It opens with
// O_NONBLOCK, so a FIFO without a writer cannot hang the open, checks the opened file itself
// with fstat (no race with a check by name), then switches back to blocking reads. On failure
// the descriptor is invalid and `error` says why, without the path: "cannot open: No such file or
// directory", "cannot open: it is a directory", "not a regular file (it is a FIFO)".
FileDescriptor openRegularFile(const std::string& path, std::string& error);

}  // namespace tb
