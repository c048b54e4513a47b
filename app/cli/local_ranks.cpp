// --data-parallel N on one machine: starts the N ranks as child processes and supervises them
// (data_parallel.h). The ranks live in their own process group, so Ctrl-C reaches them once,
// forwarded from here; they end with this process (PR_SET_PDEATHSIG) even when it is killed; a
// rank that fails gives the others --dist-timeout to notice and stop, after which they are killed;
// so are ranks left 10 s after rank 0 saved the run, or 3 s after a second Ctrl-C.
#include "data_parallel.h"

#include "exit_codes.h"
#include "rank_journal.h"

#include "devices/system_info.h"
#include "engine/run_config.h"
#include "machine/cpu_budget.h"
#include "machine/disturbance.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <thread>
#include <vector>

namespace tb::cli {

namespace {

using Clock = std::chrono::steady_clock;

// How long the other ranks get to end once rank 0 has saved the run (they have nothing left to
// do but leave), and once a second Ctrl-C has asked for an end at once (a rank saving its part
// finishes the save first: signal_guard.h).
constexpr std::chrono::seconds kAfterRunGrace{10};
constexpr std::chrono::seconds kSecondSignalGrace{3};

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_signalsReceived{0};
std::atomic<int> g_lastSignal{SIGINT};

extern "C" void countSignal(int signal) {
  g_lastSignal.store(signal);
  g_signalsReceived.fetch_add(1);
}

// A port the kernel calls free now; the rendezvous binds it a moment later (a race torchrun's
// standalone mode takes too).
int freeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// argv without "--data-parallel N" and "--threads N" (either also as "--flag=N"), for the ranks:
// each rank is given its own share of the threads.
std::vector<std::string> rankArguments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-parallel" || arg == "--threads") {
      ++i;
      continue;
    }
    if (arg.rfind("--data-parallel=", 0) == 0 || arg.rfind("--threads=", 0) == 0) continue;
    args.push_back(arg);
  }
  return args;
}

// This program's path, so the ranks are "trainbench-cli" in ps and top, not the "exe" of
// /proc/self/exe; that link where the path is gone (the binary replaced since it started).
std::string ownProgram() {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error || !std::filesystem::is_regular_file(path, error)) return "/proc/self/exe";
  return path.string();
}

struct Rank {
  int index = 0;
  pid_t pid = -1;
  std::optional<int> exitCode;  // set once it has ended
  int endSignal = 0;  // the signal whose default action ended it; 0 when it exited
  bool endedHere = false;  // killed by this process, for not stopping in time
};

// What one rank is started with, made before fork: between fork and exec the child may only make
// async-signal-safe calls (the parent has threads; one may hold the allocator's or setenv's lock).
class RankLaunch {
 public:
  RankLaunch(int rank, int ranks, int port, const std::string& program,
             const std::vector<std::string>& args)
      : m_program(program), m_args(args) {
    const std::vector<std::pair<std::string, std::string>> place = {
        {"RANK", std::to_string(rank)},
        {"LOCAL_RANK", std::to_string(rank)},
        {"WORLD_SIZE", std::to_string(ranks)},
        {"MASTER_ADDR", "127.0.0.1"},
        {"MASTER_PORT", std::to_string(port)},
        {kSpawnedRankVariable, "1"}};  // "Starting N ranks" said where they are
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string variable = *entry;
      const std::string name = variable.substr(0, variable.find('='));
      // Started inside a one-process torchrun, the ranks must not look for its agent's store:
      // rank 0 serves the rendezvous on MASTER_PORT itself.
      const bool replaced = name == "TORCHELASTIC_USE_AGENT_STORE" ||
                            std::any_of(place.begin(), place.end(),
                                        [&](const auto& pair) { return pair.first == name; });
      if (!replaced) m_environment.push_back(variable);
    }
    for (const auto& [name, value] : place) m_environment.push_back(name + "=" + value);
    for (auto& arg : m_args) m_argv.push_back(arg.data());
    m_argv.push_back(nullptr);
    for (auto& variable : m_environment) m_envp.push_back(variable.data());
    m_envp.push_back(nullptr);
    m_failure = "trainbench-cli: error: cannot start rank " + std::to_string(rank) + "\n";
  }
  // The pointers point into its own strings: it stays where it was made.
  RankLaunch(const RankLaunch&) = delete;
  RankLaunch& operator=(const RankLaunch&) = delete;

  // In the child: its own process group, ended with its parent; the forwarded signals back to
  // their default actions (the parent's handler only counts) and unblocked, so one that came
  // since fork ends it now, as it would have before.
  [[noreturn]] void exec(pid_t parent, const sigset_t& forwarded) const {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(kExitCancelled);  // the parent died before prctl
    for (const int signal : kForwardedSignals) {
      struct sigaction current {};
      sigaction(signal, nullptr, &current);
      if (current.sa_handler == SIG_IGN) continue;  // nohup: ignored stays ignored
      struct sigaction reset {};
      reset.sa_handler = SIG_DFL;
      sigemptyset(&reset.sa_mask);
      sigaction(signal, &reset, nullptr);
    }
    sigprocmask(SIG_UNBLOCK, &forwarded, nullptr);
    execve(m_program.c_str(), m_argv.data(), m_envp.data());
    const ssize_t written = write(STDERR_FILENO, m_failure.data(), m_failure.size());
    (void)written;
    _exit(kExitRunFailed);
  }

 private:
  std::string m_program;
  std::vector<std::string> m_args;
  std::vector<std::string> m_environment;
  std::vector<char*> m_argv;
  std::vector<char*> m_envp;
  std::string m_failure;
};

// "rank 1 (pid 4242) on this machine was killed by signal 9 (Killed)<when> (as the system does
// ...)".
std::string killedText(const Rank& rank, int signal, const std::string& when = {}) {
  const char* why = signal == SIGKILL ? " (as the system does when memory runs out: a smaller "
                                        "--batch-size or --train-limit, or fewer ranks, may fit)"
                                      : "";
  return "rank " + std::to_string(rank.index) + " (pid " + std::to_string(rank.pid) +
         ") on this machine was killed by signal " + std::to_string(signal) + " (" +
         strsignal(signal) + ")" + when + why;
}

// The exit code a rank's end stands for; a rank killed by a signal is named on stderr, since it
// could not say so itself.
int recordEnd(const Rank& rank, int status, bool expected) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (!expected) {
    // SIGKILL from no one here is most often the system's out-of-memory killer. (Rank 0 is the
    // one that saves: what it left is saved once every rank has ended, saveWhatRankZeroLeft.)
    std::fprintf(stderr, "trainbench-cli: error: %s\n", killedText(rank, signal).c_str());
  }
  return signal == SIGINT || signal == SIGTERM ? kExitCancelled : kExitRunFailed;
}

class Supervisor {
 public:
  Supervisor(std::vector<Rank>& ranks, int timeoutSeconds)
      : m_ranks(ranks), m_timeout(std::chrono::seconds(timeoutSeconds)) {}

  // Waits until every rank has ended; returns the run's exit code.
  int wait() {
    while (running() > 0) {
      forwardSignals();
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid > 0) {
        ended(pid, status);
      } else if (pid < 0 && errno != EINTR) {
        break;
      } else {
        killStragglers();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    if (g_signalsReceived.load() > 0) return kExitCancelled;
    // Rank 0 reports and saves the run: when it ended well, the run did, whatever a rank did
    // after (killed while rank 0 evaluated, said on stderr as it happened).
    if (m_ranks[0].exitCode) return *m_ranks[0].exitCode;
    return m_firstFailure.value_or(kExitOk);
  }

 private:
  std::size_t running() const {
    std::size_t count = 0;
    for (const auto& rank : m_ranks) count += rank.exitCode ? 0 : 1;
    return count;
  }

  // Each signal this process gets goes to every rank once: the first cancels them cleanly, a
  // second ends them (signal_guard.h), and ends a rank that cannot act on it (stopped, stuck in
  // a call) kSecondSignalGrace later.
  void forwardSignals() {
    const int received = g_signalsReceived.load();
    for (; m_forwarded < received; ++m_forwarded) {
      for (const auto& rank : m_ranks) {
        if (!rank.exitCode) kill(rank.pid, g_lastSignal.load());
      }
    }
    if (received >= 2) endBy(Clock::now() + kSecondSignalGrace, "after a second interrupt");
  }

  // The remaining ranks are killed at `deadline` (or the earlier one already set), named as
  // not having stopped `when`.
  void endBy(Clock::time_point deadline, const char* when) {
    if (m_deadline && *m_deadline <= deadline) return;
    m_deadline = deadline;
    m_deadlineReason = when;
  }

  void ended(pid_t pid, int status) {
    for (auto& rank : m_ranks) {
      if (rank.pid != pid) continue;
      const bool expected = m_killed || g_signalsReceived.load() > 0;
      rank.exitCode = recordEnd(rank, status, expected);
      rank.endSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      if (*rank.exitCode == kExitOk) {
        // The run is saved: a rank that does not leave (stopped, stuck) must not hold the
        // command open for ever.
        if (rank.index == 0) endBy(Clock::now() + kAfterRunGrace, "after the run finished");
        return;
      }
      if (!m_firstFailure) {
        m_firstFailure = *rank.exitCode;
        // The others notice within --dist-timeout (at once when the rank died) and stop.
        endBy(Clock::now() + m_timeout + std::chrono::seconds(10), "after the run failed");
      }
      // Without rank 0 (it reports and saves) the others have nothing left to do.
      if (rank.index == 0) endBy(Clock::now() + std::chrono::seconds(5), "after the run failed");
      return;
    }
  }

  void killStragglers() {
    if (!m_deadline || Clock::now() < *m_deadline || m_killed) return;
    m_killed = true;
    for (auto& rank : m_ranks) {
      if (rank.exitCode) continue;
      rank.endedHere = true;
      // After a run saved as completed it is no error of the run's.
      std::fprintf(stderr, "trainbench-cli: %s: rank %d (pid %d) did not stop %s; ending it\n",
                   m_ranks[0].exitCode == kExitOk ? "warning" : "error", rank.index,
                   static_cast<int>(rank.pid), m_deadlineReason);
      kill(rank.pid, SIGKILL);
    }
  }

  std::vector<Rank>& m_ranks;
  std::chrono::seconds m_timeout;
  int m_forwarded = 0;
  bool m_killed = false;
  std::optional<int> m_firstFailure;
  std::optional<Clock::time_point> m_deadline;
  const char* m_deadlineReason = "";
};

// A Ctrl-C before the ranks could catch it (starting, joining the rendezvous: its default
// action ends them) leaves nothing saved, and no rank said so. (A second one ends them by its
// default action too, as asked, after the first was said.)
void sayWhenCancelledBeforeTheRun(const std::vector<Rank>& ranks) {
  if (g_signalsReceived.load() == 1 && ranks[0].endSignal == g_lastSignal.load()) {
    std::fprintf(stderr, "trainbench-cli: cancelled before the run started; nothing saved\n");
  }
}

// An empty file of this process's, in a folder of its own (mode 700) in the temporary one; both
// removed, with the ".part" a writer left beside the file, when it goes.
class TemporaryFile {
 public:
  static std::optional<TemporaryFile> make(const std::string& prefix) {
    std::error_code error;
    const auto temporary = std::filesystem::temp_directory_path(error);
    if (error) return std::nullopt;
    std::string folder = (temporary / (prefix + "-XXXXXX")).string();
    if (mkdtemp(folder.data()) == nullptr) return std::nullopt;
    TemporaryFile file(folder);
    const int fd = open(file.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return std::nullopt;
    close(fd);
    return file;
  }
  TemporaryFile(TemporaryFile&& other) noexcept : m_folder(std::move(other.m_folder)) {
    other.m_folder.clear();
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  TemporaryFile& operator=(TemporaryFile&&) = delete;
  ~TemporaryFile() {
    if (m_folder.empty()) return;
    unlink(path().c_str());
    unlink((path() + ".part").c_str());
    rmdir(m_folder.c_str());
  }
  std::string path() const { return m_folder + "/run.json"; }

 private:
  explicit TemporaryFile(std::string folder) : m_folder(std::move(folder)) {}
  std::string m_folder;
};

// Ctrl-C, SIGTERM and SIGHUP are counted here and forwarded; the previous handlers come back.
class ForwardedSignals {
 public:
  ForwardedSignals() {
    g_signalsReceived.store(0);
    struct sigaction action {};
    action.sa_handler = countSignal;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(kForwardedSignals); ++i) {
      sigaction(kForwardedSignals[i], nullptr, &m_previous[i]);
      // Ignored stays ignored (nohup), for this process and, through exec, for its ranks.
      if (m_previous[i].sa_handler == SIG_IGN) continue;
      sigaction(kForwardedSignals[i], &action, nullptr);
    }
  }
  ~ForwardedSignals() {
    for (std::size_t i = 0; i < std::size(kForwardedSignals); ++i) {
      sigaction(kForwardedSignals[i], &m_previous[i], nullptr);
    }
  }

 private:
  struct sigaction m_previous[std::size(kForwardedSignals)];
};

}  // namespace

int spawnLocalRanks(const RunOptions& options, int argc, char** argv) {
  // From the start: a Ctrl-C before the ranks start ends the command with 130 and a word, where
  // the default action ended it in silence.
  const ForwardedSignals signals;
  const int ranks = options.dataParallel;
  const int port = freeLocalPort();
  if (port == 0) {
    std::fprintf(stderr, "trainbench-cli: error: --data-parallel: no free local port\n");
    return kExitRunFailed;
  }
  std::vector<std::string> args = rankArguments(argc, argv);
  // The ranks share the machine's cores: --threads is the run's, and each rank gets its part.
  // CPU ranks share the default too; a GPU rank keeps the default, as a run of one GPU does.
  const bool cpuRanks = options.devices.size() == 1 && options.devices[0] == "cpu";
  if (options.config.threads > 0 || cpuRanks) {
    args.push_back("--threads");
    args.push_back(std::to_string(std::max(1, cpuThreadCount(options.config.threads) / ranks)));
  }
  if (const std::string warning = threadSplitWarning(options.config.threads, ranks);
      !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
  }
  // Each rank checks only its own share: the run's total is checked here, as the ranks will
  // use it (3 threads over 2 ranks are 2 in all, which the split's warning says).
  const int usedThreads = options.config.threads > 0
                              ? std::max(1, options.config.threads / ranks) * ranks
                              : 0;
  if (const std::string warning = tooManyThreadsWarning(usedThreads, usableCpuCount());
      cpuRanks && !warning.empty()) {
    std::fprintf(stderr, "trainbench-cli: warning: --threads: %s\n", warning.c_str());
  }
  // The machine is checked once, here, before any rank starts: a rank checking it would count
  // its sibling ranks, loading their data, as another program's load.
  if (options.checkMachine) {
    for (const auto& warning : checkMachineBeforeRun()) {
      std::fprintf(stderr, "trainbench-cli: warning: %s\n", warning.c_str());
    }
  }
  setenv("TRAINBENCH_SKIP_MACHINE_CHECK", "1", 1);
  // Progress, as the ranks' own lines are: -q leaves only the summary.
  if (!options.quiet) {
    std::printf("Starting %d ranks on 127.0.0.1:%d\n", ranks, port);
    std::fflush(stdout);
  }
  const std::string program = ownProgram();

  if (g_signalsReceived.load() > 0) {
    std::fprintf(stderr, "trainbench-cli: cancelled before the run started; nothing saved\n");
    return kExitCancelled;
  }
  const pid_t self = getpid();
  // Rank 0 keeps the run so far there (rank_journal.h), for this process to save if it is killed.
  const std::optional<TemporaryFile> journal = TemporaryFile::make("trainbench-rank0");
  if (journal) setenv(kRankJournalVariable, journal->path().c_str(), 1);
  std::vector<std::unique_ptr<RankLaunch>> launches;
  for (int rank = 0; rank < ranks; ++rank) {
    launches.push_back(std::make_unique<RankLaunch>(rank, ranks, port, program, args));
  }
  // Blocked across fork: until a child has reset them (RankLaunch::exec) a signal would run this
  // process's handler there, counted in the child and lost; one for this process waits, and is
  // forwarded once the ranks are there.
  sigset_t forwarded;
  sigset_t previousMask;
  sigemptyset(&forwarded);
  for (const int signal : kForwardedSignals) sigaddset(&forwarded, signal);
  sigprocmask(SIG_BLOCK, &forwarded, &previousMask);
  std::vector<Rank> children;
  for (int rank = 0; rank < ranks; ++rank) {
    const pid_t pid = fork();
    if (pid == 0) launches[static_cast<std::size_t>(rank)]->exec(self, forwarded);
    if (pid < 0) {
      std::fprintf(stderr, "trainbench-cli: error: --data-parallel: cannot start rank %d: %s\n",
                   rank, std::strerror(errno));
      for (const auto& child : children) kill(child.pid, SIGKILL);  // none has trained yet
      for (const auto& child : children) waitpid(child.pid, nullptr, 0);
      sigprocmask(SIG_SETMASK, &previousMask, nullptr);
      return kExitRunFailed;
    }
    children.push_back(Rank{rank, pid, std::nullopt});
  }
  sigprocmask(SIG_SETMASK, &previousMask, nullptr);
  const int code = Supervisor(children, options.distTimeoutSeconds).wait();
  sayWhenCancelledBeforeTheRun(children);
  // Killed (by the system, not a Ctrl-C here), rank 0 could not save the run: what it left is.
  const Rank& first = children[0];
  if (journal && first.endSignal != 0 && g_signalsReceived.load() == 0) {
    saveWhatRankZeroLeft(options, journal->path(),
                         first.endedHere ? "rank 0 (pid " + std::to_string(first.pid) +
                                               ") did not stop after the run failed and was ended"
                                         : killedText(first, first.endSignal,
                                                      " before it saved the run"));
  }
  return code;
}

}  // namespace tb::cli
