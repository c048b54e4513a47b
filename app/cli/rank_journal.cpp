// RankJournal and saveWhatRankZeroLeft (rank_journal.h).
#include "rank_journal.h"

#include "json_progress.h"
#include "run_command.h"

#include "results/result_file.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>

namespace tb::cli {

namespace {

constexpr std::chrono::seconds kInterval{2};

// Rank 0 killed between its save and its journal's removal (finish) saved the run: its file is
// under the name it wanted or the next free "_N". The same run started at the same second on the
// same device, and its first epoch took the same time to the last digit (a repeat of a short run
// may start within the second of the one before).
bool savedByRankZero(const RunResult& left, const std::string& wanted) {
  for (int n = 1; n <= kMaxNameSuffix; ++n) {
    const std::string candidate = numberedPath(wanted, n, "_");
    std::error_code error;
    if (!std::filesystem::exists(candidate, error)) return false;
    try {
      const RunResult saved = readResultFile(candidate);
      if (saved.created == left.created && saved.device.id == left.device.id &&
          !saved.epochs.empty() && saved.epochs.front().seconds == left.epochs.front().seconds &&
          saved.epochs.front().trainLoss == left.epochs.front().trainLoss) {
        return true;
      }
    } catch (const std::exception&) {
      // Another file under the name, unreadable: not rank 0's.
    }
  }
  return false;
}

}  // namespace

void RankJournal::runStarted(const RunStarted& event) {
  m_soFar = event.header;
  write();
  m_inner.runStarted(event);
}

void RankJournal::epochFinished(const EpochRecord& epoch) {
  m_soFar.epochs.push_back(epoch);
  // The first epoch at once: a run killed before its second keeps it.
  if (!m_written || m_soFar.epochs.size() == 1 ||
      std::chrono::steady_clock::now() - *m_written >= kInterval) {
    write();
  }
  m_inner.epochFinished(epoch);
}

void RankJournal::evaluationStarted() {
  // Every epoch trained is kept before the test set is read: evaluation may be what runs out
  // of memory.
  if (m_soFar.epochs.size() != m_writtenEpochs) write();
  m_inner.evaluationStarted();
}

void RankJournal::finish() {
  m_finished = true;
  std::error_code error;
  std::filesystem::remove(m_path, error);
  std::filesystem::remove(m_path + ".part", error);
}

void RankJournal::write() {
  if (m_finished) return;
  m_written = std::chrono::steady_clock::now();
  m_writtenEpochs = m_soFar.epochs.size();
  // Written whole, then renamed over the last: the launcher never reads half a file. (The
  // launcher's folder is its own, mode 700: ofstream's umask mode exposes nothing.)
  const std::string part = m_path + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out << toJson(m_soFar, -1);
    if (!out) return;  // a journal that cannot be written costs nothing but itself
  }
  std::error_code error;
  std::filesystem::rename(part, m_path, error);
}

std::string saveWhatRankZeroLeft(const RunOptions& options, const std::string& path,
                                 const std::string& why) {
  std::error_code gone;
  if (!std::filesystem::exists(path, gone)) return {};  // rank 0 saved it (RankJournal::finish)
  RunResult result;
  try {
    result = readResultFile(path);
  } catch (const std::exception&) {
    result.epochs.clear();  // empty (rank 0 never started), or cut off: nothing to keep
  }
  if (result.epochs.empty()) {
    std::fprintf(stderr, "trainbench-cli: nothing was saved: rank 0 had finished no epoch\n");
    return {};
  }
  const std::string wanted =
      resultPath(options.out, defaultResultFileName(result), result.device.id, false);
  if (savedByRankZero(result, wanted)) return {};
  result.status = RunStatus::Failed;
  result.failure = FailureKind::Run;
  result.error = why + "; the " + std::to_string(result.epochs.size()) +
                 " epoch(s) it had finished are kept";
  result.test.reset();
  result.totalSeconds.reset();
  try {
    const std::string saved = saveResultUnderFreeName(result, wanted);
    // Said as rank 0 would have said it: a --progress-json reader gets its "finished" event.
    if (options.jsonProgress && !options.quiet) {
      JsonProgress(stdout).finishedEvent(result, saved);
    } else {
      std::printf("Result saved to %s\n", saved.c_str());
    }
    std::fflush(stdout);
    return saved;
  } catch (const ResultFileError& e) {
    std::fprintf(stderr, "trainbench-cli: error: cannot save the result: %s\n", e.what());
    return {};
  }
}

}  // namespace tb::cli
