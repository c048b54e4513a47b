// Ctrl-C, SIGTERM and SIGHUP (a closed terminal or SSH session) cancel a CLI command cleanly:
// the first one sets a flag the running work polls; a second one ends the program at once,
// except while a result is being saved, which always finishes first.
#pragma once

#include <atomic>

namespace tb::cli {

class SignalGuard {
 public:
  // Installs the handlers (and clears the flag); the destructor restores the previous ones.
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  // Set by the first signal; the trainer and downloads poll it.
  const std::atomic<bool>& cancelFlag() const;
  bool cancelled() const { return cancelFlag().load(); }

  // While one lives, a second signal waits until it ends: a save is never cut short.
  class SaveSection {
   public:
    SaveSection();
    ~SaveSection();  // ends the program here if a second signal came during the save
    SaveSection(const SaveSection&) = delete;
    SaveSection& operator=(const SaveSection&) = delete;
  };
};

// Progress written to a closed pipe (`... | head`) is dropped instead of ending the process with
// SIGPIPE, and a write past the file-size limit (`ulimit -f`) fails with EFBIG, reported like a
// full disk, instead of killing the process with SIGXFSZ mid-save.
void ignoreFileSignals();

}  // namespace tb::cli
