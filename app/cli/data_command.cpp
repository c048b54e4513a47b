// `trainbench-cli data status|fetch`: a table of the known datasets on this machine, and verified
// downloads with live progress (bytes, rate) that Ctrl-C cancels.
#include "data_command.h"

#include "exit_codes.h"
#include "option_checks.h"
#include "progress_printer.h"
#include "signal_guard.h"

#include "data/dataset_sources.h"
#include "data/download.h"
#include "models/workload.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace tb::cli {

namespace {

std::string datasetNames() {
  std::string names;
  for (const auto& source : datasetSources()) {
    names += (names.empty() ? "" : ", ") + source.dataset;
  }
  return names;
}

std::string formatRate(double bytesPerSecond) {
  return bytesPerSecond > 0 ? formatBytes(static_cast<std::int64_t>(bytesPerSecond)) + "/s"
                            : std::string("--");
}

// Download progress on stderr: one live line on a terminal that can erase one (as `run`'s bar,
// progress_printer.h), one line per file otherwise.
class FetchPrinter {
 public:
  FetchPrinter(std::FILE* out, bool quiet)
      : m_out(out), m_quiet(quiet), m_live(styleFor(out, quiet) == ProgressPrinter::Style::Bar) {}

  void operator()(const DownloadProgress& event) {
    using Stage = DownloadProgress::Stage;
    if (m_quiet) return;
    const std::string prefix = "  [" + std::to_string(event.fileIndex) + "/" +
                               std::to_string(event.fileCount) + "] " + event.file;
    switch (event.stage) {
      case Stage::Started:
        m_fileStart = std::chrono::steady_clock::now();
        m_startBytes = event.fileDone;
        if (m_live) {
          printLine(prefix + "  " + (event.fileDone > 0 ? "resuming from " : "from ") + event.url,
                    false);
        } else {
          std::fprintf(m_out, "%s: %s %s\n", prefix.c_str(),
                       event.fileDone > 0 ? "resuming from" : "downloading", event.url.c_str());
        }
        break;
      case Stage::Transferring:
        if (m_live) printLive(prefix, event);
        break;
      case Stage::Verifying:
        if (m_live) printLine(prefix + "  verifying MD5...", false);
        break;
      case Stage::FileDone: {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_fileStart).count();
        const auto bytes = event.fileTotal - m_startBytes;
        const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0.0;
        printLine(prefix + "  " + formatBytes(event.fileTotal) + "  " + formatRate(rate) +
                      "  MD5 verified",
                  true);
        break;
      }
      case Stage::FileSkipped:
        printLine(prefix + "  already here", true);
        break;
      case Stage::Retrying:
        printLine("  " + event.url + ": " + event.message, true);
        break;
    }
    std::fflush(m_out);
  }

  // Ends a live line so what follows starts on its own.
  void finish() {
    if (m_live && m_lineOpen) std::fputc('\n', m_out);
    m_lineOpen = false;
  }

 private:
  void printLive(const std::string& prefix, const DownloadProgress& event) {
    const int percent =
        event.fileTotal > 0 ? static_cast<int>(100 * event.fileDone / event.fileTotal) : 0;
    std::string line = prefix + "  " + formatBytes(event.fileDone) + " / " +
                       formatBytes(event.fileTotal) + "  " + std::to_string(percent) + "%  " +
                       formatRate(event.bytesPerSecond);
    if (event.bytesPerSecond > 0 && event.total > event.done) {
      const auto eta = static_cast<long long>(static_cast<double>(event.total - event.done) /
                                              event.bytesPerSecond);
      line += "  ETA " + std::to_string(eta) + " s";
    }
    printLine(line, false);
  }

  void printLine(const std::string& text, bool final) {
    if (m_live) {
      const std::string shown = final ? text : fitted(text, terminalColumns(m_out) - 1);
      std::fprintf(m_out, "\r%s\x1b[K%s", shown.c_str(), final ? "\n" : "");
      m_lineOpen = !final;
    } else if (final) {
      std::fprintf(m_out, "%s\n", text.c_str());
    }
  }

  // A live line wider than the terminal wraps, and the next erase clears only its last row,
  // leaving the others behind: it is cut to the width (at a character, not inside one).
  static std::string fitted(const std::string& text, int columns) {
    if (columns <= 0 || text.size() <= static_cast<std::size_t>(columns)) return text;
    std::size_t end = static_cast<std::size_t>(columns);
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
  }

  std::FILE* m_out;
  bool m_quiet;
  bool m_live;
  bool m_lineOpen = false;
  std::chrono::steady_clock::time_point m_fileStart{};
  std::int64_t m_startBytes = 0;
};

std::string statusNote(const DatasetStatus& status) {
  if (status.state == DatasetState::Missing) return std::string();
  std::string note = std::to_string(status.filesPresent()) + " of " +
                     std::to_string(status.files.size()) + " files";
  if (status.state == DatasetState::Partial) {
    note += ", " + formatBytes(status.bytesToFetch) + " left to fetch";
  }
  return note;
}

// `text` as one word a POSIX shell reads back as it is: quoted where it holds anything else
// than letters, digits and / . _ - +.
std::string shellWord(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._-+", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string fetchHint(const std::string& error, const std::string& dataset,
                      const std::string& dataDir) {
  if (error.find("data not found") == std::string::npos || !findDatasetSource(dataset)) return {};
  std::string command = "trainbench-cli data fetch " + dataset;
  // Another rank's data ("rank 1 could not load its data: ..."): its folder is on its machine,
  // given by its own --data-dir, not this one's.
  int rank = 0;
  if (std::sscanf(error.c_str(), "rank %d could not load its data", &rank) == 1 && rank > 0) {
    return "trainbench-cli: to download it on rank " + std::to_string(rank) +
           "'s machine: " + command + " (with that rank's --data-dir, if it has one)\n";
  }
  if (!dataDir.empty()) command += " --data-dir " + shellWord(dataDir);
  return "trainbench-cli: to download it: " + command + "\n";
}

DataCommand::DataCommand(CLI::App& app) {
  m_data = app.add_subcommand("data", "Show and download the datasets the workloads train on");
  m_data->require_subcommand(0, 1);  // `data` alone is `data status`
  const auto knownName = [](const std::string& name) {
    if (findDatasetSource(name)) return std::string();
    // A workload's name is the likeliest mistake: say which dataset it trains on.
    if (const auto workload = findWorkload(name)) {
      return "'" + name + "' is a workload; the dataset it trains on is " + workload->dataset;
    }
    return "unknown dataset '" + name + "'; available: " + datasetNames();
  };
  const std::string dataDirHelp =
      "Data folder (default: $TRAINBENCH_DATA_DIR or $XDG_DATA_HOME/trainbench/datasets); "
      "each dataset lives in DIR/<dataset>";

  m_status = m_data->add_subcommand("status", "Which datasets are here, partial or missing");
  m_status->add_option("dataset", m_datasets, "Only these datasets, with each file's state")
      ->check(knownName);
  m_status->add_option("--data-dir", m_dataDir, dataDirHelp)->check(pathName());
  m_status->add_flag("--verify", m_verify,
                     "Also check every downloaded file's MD5 (reads them all); exit 3 if one is "
                     "wrong, or a dataset named is partial or missing. A copy extracted by hand "
                     "is checked by its sizes only: no checksums of extracted files are "
                     "published");

  m_fetch = m_data->add_subcommand(
      "fetch",
      "Download datasets from their official mirrors (or $TRAINBENCH_MIRROR) and "
      "verify their checksums");
  m_fetch->add_option("dataset", m_datasets, "Dataset(s) to download: " + datasetNames())
      ->required()
      ->check(knownName);
  m_fetch->add_option("--data-dir", m_dataDir, dataDirHelp)->check(pathName());
  m_fetch->add_flag("-q,--quiet", m_quiet, "No progress output");
}

bool DataCommand::parsed() const { return m_data->parsed(); }

int DataCommand::run() const { return m_fetch->parsed() ? fetch() : status(); }

int DataCommand::status() const {
  std::vector<DatasetSource> sources;
  if (m_datasets.empty()) {
    sources = datasetSources();
  } else {
    for (const auto& name : m_datasets) sources.push_back(*findDatasetSource(name));
  }
  const bool details = !m_datasets.empty() || m_verify;
  std::printf("%-14s %-8s %-9s %s\n", "DATASET", "STATE", "DOWNLOAD", "FOLDER");
  bool anyMissing = false;
  bool anyInvalid = false;
  for (const auto& source : sources) {
    const DatasetStatus status = datasetStatus(source, m_dataDir, m_verify);
    anyMissing = anyMissing || status.state != DatasetState::Present;
    const std::string note = statusNote(status);
    std::printf("%-14s %-8s %-9s %s%s\n", source.dataset.c_str(), toString(status.state),
                formatBytes(status.totalBytes).c_str(), status.folder.c_str(),
                note.empty() ? "" : ("  (" + note + ")").c_str());
    if (!details) continue;
    for (const auto& file : status.files) {
      anyInvalid = anyInvalid || file.state == FileState::Invalid;
      std::printf("    %-30s %-9s %s%s\n", file.file.name.c_str(),
                  formatBytes(file.file.size).c_str(), toString(file.state),
                  file.localCopy ? " (extracted copy: sizes checked, no published checksum)" : "");
    }
  }
  // Into the folder looked in: without its --data-dir the fetch filled the default one, and
  // the run with --data-dir still found nothing.
  const std::string into = m_dataDir.empty() ? "" : " --data-dir " + shellWord(m_dataDir);
  if (anyMissing) std::printf("\nDownload one with: trainbench-cli data fetch NAME%s\n", into.c_str());
  // A script checking its copies must be able to tell: a wrong file is a data error.
  if (m_verify && anyInvalid) {
    std::fprintf(stderr, "trainbench-cli: error: data status --verify: some files have the wrong "
                         "size or checksum (marked invalid); `data fetch` replaces them\n");
    return kExitData;
  }
  // So is a dataset it was asked to verify that is not all here (`data status X --verify ||
  // data fetch X` never fetched); a listing of every dataset names the missing ones only.
  if (m_verify && anyMissing && !m_datasets.empty()) {
    std::fprintf(stderr, "trainbench-cli: error: data status --verify: a dataset named is "
                         "partial or missing, so it could not be verified; `data fetch` "
                         "downloads it\n");
    return kExitData;
  }
  return kExitOk;
}

int DataCommand::fetch() const {
  // Ctrl-C (or SIGTERM, SIGHUP) cancels; the partial file stays for the next fetch to resume.
  const SignalGuard signals;
  // A dataset that fails does not stop the others (`data fetch mnist cifar10` left CIFAR-10
  // untried after a bad MNIST mirror); the exit code still says one failed.
  bool anyFailed = false;
  for (const auto& name : m_datasets) {
    const DatasetSource source = *findDatasetSource(name);
    // Where `run` reads it when it is here (the files in --data-dir itself, CIFAR-10 extracted
    // there): checked there, and only what is damaged is downloaded again.
    const std::string folder = datasetFetchFolder(source, m_dataDir);
    FetchPrinter printer(stderr, m_quiet);
    DownloadOptions options;
    options.cancel = &signals.cancelFlag();
    options.onProgress = [&printer](const DownloadProgress& event) { printer(event); };
    if (!m_quiet) {
      std::fprintf(stderr, "Fetching %s (%zu %s, %s) into %s\n", source.title.c_str(),
                   source.files.size(), source.files.size() == 1 ? "file" : "files",
                   formatBytes(source.totalBytes()).c_str(), folder.c_str());
    }
    try {
      const FetchSummary summary = fetchDataset(source, folder, options);
      printer.finish();
      std::printf("%s ready in %s (%d downloaded, %d already here)\n", source.dataset.c_str(),
                  summary.folder.c_str(), summary.filesDownloaded, summary.filesPresent);
      std::fflush(stdout);
    } catch (const DownloadError& e) {
      printer.finish();
      if (e.kind() == DownloadError::Kind::Cancelled) {
        std::fprintf(stderr, "trainbench-cli: %s; run the same command to resume\n", e.what());
        return kExitCancelled;
      }
      std::fprintf(stderr, "trainbench-cli: error: %s\n", e.what());
      anyFailed = true;
    }
  }
  return anyFailed ? kExitData : kExitOk;
}

}  // namespace tb::cli
