// A TCP port on the loopback interface that nothing listens on now, for tests that start ranks
// by hand: a fixed port fails when another program (or a second test run) holds it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QString>

namespace tbtest {

// Asks the kernel for an unused port and lets it go again for the ranks to bind. Another
// program could take it in between, but far less often than it holds any one fixed port.
inline QString freeLocalPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port > 0 ? QString::number(port) : QString();
}

// A port held for as long as the object lives: listening on every interface, as a rendezvous
// binds, so one asked to serve on it finds it in use.
class HeldPort {
 public:
  HeldPort() : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t length = sizeof address;
    if (m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::listen(m_fd, 1) == 0 &&
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      m_port = ntohs(address.sin_port);
    }
  }
  ~HeldPort() {
    if (m_fd >= 0) ::close(m_fd);
  }
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;

  // Empty when no port could be held.
  QString port() const { return m_port > 0 ? QString::number(m_port) : QString(); }

 private:
  int m_fd;
  int m_port = 0;
};

}  // namespace tbtest
