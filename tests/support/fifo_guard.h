// A FIFO for tests that check a reader refuses it at once. If a regressed reader blocks in open()
// or read() on it, finish() unblocks it by opening the write end, so the test fails instead of
// hanging the suite.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

namespace tbtest {

class Fifo {
 public:
  explicit Fifo(std::string path) : m_path(std::move(path)) {
    m_ok = ::mkfifo(m_path.c_str(), 0600) == 0;
  }
  bool ok() const { return m_ok; }
  const std::string& path() const { return m_path; }

  // Runs `read` on another thread and returns its error text, or "" when it returned normally;
  // `timedOut` is set (and the reader released) when it did not finish within `limit`.
  template <typename Read>
  std::string errorOf(Read read, bool& timedOut,
                      std::chrono::seconds limit = std::chrono::seconds(10)) {
    std::future<std::string> done = std::async(std::launch::async, [read]() -> std::string {
      try {
        read();
      } catch (const std::exception& error) {
        return error.what();
      }
      return {};
    });
    timedOut = done.wait_for(limit) != std::future_status::ready;
    if (timedOut) {
      // Whatever it blocks on, a writer that connects and leaves gives it an end of file.
      const int fd = ::open(m_path.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
    }
    return done.get();
  }

 private:
  std::string m_path;
  bool m_ok = false;
};

}  // namespace tbtest
