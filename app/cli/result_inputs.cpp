// readResultInputs (result_inputs.h).
#include "result_inputs.h"

#include "results/result_file.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace tb::cli {

namespace {

namespace fs = std::filesystem;

bool isResultFileName(const std::string& name) {
  if (name.size() <= 5 || name.front() == '.') return false;  // hidden: saves in progress
  std::string extension = name.substr(name.size() - 5);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == ".json";
}

// The files `paths` name, folders expanded; false (after saying which) when a path is missing.
bool collectFiles(const std::vector<std::string>& paths, std::vector<std::string>& files) {
  for (const auto& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      std::fprintf(stderr, "trainbench-cli: error: %s: no such file or folder\n", path.c_str());
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
                   path.c_str(), error.message().c_str());
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
  for (const auto& file : files) {
    // One broken file (a copy cut short, a foreign .json) must not hide the others.
    try {
      results.push_back(readResultFile(file));
    } catch (const ResultFileError& e) {
      std::fprintf(stderr, "trainbench-cli: warning: %s (skipped)\n", e.what());  // names the file
    } catch (const std::exception& e) {
      std::fprintf(stderr, "trainbench-cli: warning: %s: %s (skipped)\n", file.c_str(), e.what());
    }
  }
  if (results.empty()) {
    std::string list;
    for (const auto& path : paths) list += (list.empty() ? "" : ", ") + path;
    std::fprintf(stderr, "trainbench-cli: error: no readable result files in %s\n", list.c_str());
    return std::nullopt;
  }
  return results;
}

}  // namespace tb::cli
