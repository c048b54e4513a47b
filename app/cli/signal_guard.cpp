#include "signal_guard.h"

#include "exit_codes.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace tb::cli {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

std::atomic<bool> g_cancel{false};
std::atomic<bool> g_saving{false};
std::atomic<int> g_pendingSignal{0};  // a second signal that arrived during a save
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];

// Only async-signal-safe calls: lock-free atomics, signal() and raise().
extern "C" void onSignal(int signal) {
  if (!g_cancel.exchange(true)) return;  // the first one: cancel cleanly
  if (g_saving.load()) {
    g_pendingSignal.store(signal);
    return;
  }
  std::signal(signal, SIG_DFL);  // the second one: end at once, as the user asked twice
  std::raise(signal);
}

}  // namespace

SignalGuard::SignalGuard() {
  g_cancel.store(false);
  g_pendingSignal.store(0);
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    sigaction(kSignals[i], nullptr, &g_previous[i]);
    // A signal ignored when we started stays ignored: `nohup` (SIGHUP) and a shell's background
    // job (SIGINT) ask for a run that a closed session or a Ctrl-C elsewhere does not end.
    if (g_previous[i].sa_handler == SIG_IGN) continue;
    sigaction(kSignals[i], &action, nullptr);
  }
}

SignalGuard::~SignalGuard() {
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    sigaction(kSignals[i], &g_previous[i], nullptr);
  }
}

const std::atomic<bool>& SignalGuard::cancelFlag() const { return g_cancel; }

SignalGuard::SaveSection::SaveSection() { g_saving.store(true); }

SignalGuard::SaveSection::~SaveSection() {
  g_saving.store(false);
  // Ended as a cancelled command (130, what a shell shows for Ctrl-C), its output flushed: dying
  // of the signal reads as a crash to a caller that tells the two apart (QProcess), after a
  // clean save.
  if (g_pendingSignal.exchange(0) != 0) {
    std::fflush(nullptr);
    std::_Exit(kExitCancelled);
  }
}

void ignoreFileSignals() {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace tb::cli
