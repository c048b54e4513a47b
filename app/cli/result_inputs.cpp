// readResultInputs (result_inputs.h).
#include "result_inputs.h"

#include "results/result_file.h"
#include "results/table_text.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

namespace tb::cli {

namespace {

namespace fs = std::filesystem;

// A path or message as the terminal may show it: a file name in a shared folder can hold escape
// sequences or line breaks (table::printable).
std::string shown(const std::string& text) { return table::printable(text); }

bool isResultFileName(const std::string& name) {
  if (name.size() <= 5 || name.front() == '.') return false;  // hidden: saves in progress
  return asciiLower(name.substr(name.size() - 5)) == ".json";
}

// The files `paths` name, folders expanded; false (after saying which) when a path is missing.
bool collectFiles(const std::vector<std::string>& paths, std::vector<std::string>& files) {
  for (const auto& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      // A folder it cannot enter or a link loop exists but cannot be read: say which.
      const std::string why = error && error != std::errc::no_such_file_or_directory
                                  ? error.message()
                                  : "no such file or folder";
      std::fprintf(stderr, "trainbench-cli: error: %s: %s\n", shown(path).c_str(), why.c_str());
      return false;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      std::error_code typeError;
      if (it->is_directory(typeError)) continue;
      if (isResultFileName(it->path().filename().string())) inside.push_back(it->path().string());
    }
    if (error) {
      std::fprintf(stderr, "trainbench-cli: warning: %s: cannot list the folder: %s\n",
                   shown(path).c_str(), error.message().c_str());
    }
    // Result files are named by their creation time: by name is oldest first.
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return true;
}

}  // namespace

std::optional<std::vector<RunResult>> readResultInputs(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  if (!collectFiles(paths, files)) return std::nullopt;
  std::vector<RunResult> results;
  std::set<fs::path> seenPaths;
  std::map<std::string, std::string> seenRuns;  // a run's JSON text -> the file it came from
  for (const auto& file : files) {
    // A file named twice (a folder and a file in it) is one run, not two repeats.
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(file, error);
    if (!seenPaths.insert(error ? fs::path(file) : canonical).second) continue;
    // One broken file (a copy cut short, a foreign .json) must not hide the others.
    try {
      RunResult result = readResultFile(file);
      // So is a copy of a run under another name (a folder and its backup, say).
      const auto [at, isNew] = seenRuns.emplace(toJson(result), file);
      if (!isNew) {
        std::fprintf(stderr, "trainbench-cli: warning: %s: the same run as %s (skipped)\n",
                     shown(file).c_str(), shown(at->second).c_str());
        continue;
      }
      results.push_back(std::move(result));
    } catch (const ResultFileError& e) {
      // The message names the file.
      std::fprintf(stderr, "trainbench-cli: warning: %s (skipped)\n", shown(e.what()).c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "trainbench-cli: warning: %s: %s (skipped)\n", shown(file).c_str(),
                   shown(e.what()).c_str());
    }
  }
  if (results.empty()) {
    std::string list;
    for (const auto& path : paths) list += (list.empty() ? "" : ", ") + path;
    std::fprintf(stderr, "trainbench-cli: error: no readable result files in %s\n",
                 shown(list).c_str());
    return std::nullopt;
  }
  return results;
}

}  // namespace tb::cli
