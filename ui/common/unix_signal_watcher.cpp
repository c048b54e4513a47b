#include "common/unix_signal_watcher.h"

#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>

namespace tb::ui {
namespace {

int g_pipe[2] = {-1, -1};  // [0] written by the handler, [1] read on the GUI thread

// Async-signal-safe: one write(2) of the signal number. errno is kept: the handler runs on
// whichever thread the signal lands, between a failed call and the code that reads its errno.
extern "C" void forwardSignal(int signalNumber) {
  const int savedErrno = errno;
  const unsigned char byte = static_cast<unsigned char>(signalNumber);
  [[maybe_unused]] const ssize_t written = ::write(g_pipe[0], &byte, 1);
  errno = savedErrno;
}

}  // namespace

UnixSignalWatcher::UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent)
    : QObject(parent) {
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_pipe) != 0) return;
  m_notifier = new QSocketNotifier(g_pipe[1], QSocketNotifier::Read, this);
  connect(m_notifier, &QSocketNotifier::activated, this, &UnixSignalWatcher::readPipe);
  struct sigaction action {};
  action.sa_handler = forwardSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int number : signalNumbers) {
    struct sigaction previous {};
    ::sigaction(number, nullptr, &previous);
    // Ignored stays ignored: `nohup trainbench ...`, or a script's background job, asked for the
    // run to outlive the terminal, as the CLI's does.
    if (previous.sa_handler == SIG_IGN) continue;
    ::sigaction(number, &action, nullptr);
    m_previous.emplace_back(number, previous);
  }
}

UnixSignalWatcher::~UnixSignalWatcher() {
  for (const auto& [number, previous] : m_previous) ::sigaction(number, &previous, nullptr);
  for (int& fd : g_pipe) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

void UnixSignalWatcher::readPipe() {
  unsigned char byte = 0;
  while (::read(g_pipe[1], &byte, 1) == 1) Q_EMIT received(byte);
}

}  // namespace tb::ui
