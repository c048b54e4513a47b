#include "io/user_folders.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace tb {

namespace {

namespace fs = std::filesystem;

// The variable's value when it is an absolute path; empty otherwise. A relative one would put
// the library under whatever folder the program started in: each its own, none found again.
fs::path absoluteVariable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return {};
  const fs::path path(value);
  return path.is_absolute() ? path : fs::path();
}

// The account's home folder from the password database (HOME unset under some service managers).
fs::path passwordHome() {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->pw_dir == nullptr) {
    return {};
  }
  const fs::path home(found->pw_dir);
  return home.is_absolute() ? home : fs::path();
}

// $HOME when absolute, else the account's home; empty when neither is known.
fs::path homeFolder() {
  const fs::path home = absoluteVariable("HOME");
  return home.empty() ? passwordHome() : home;
}

}  // namespace

std::string folderFromVariable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return {};
  std::string text(value);
  if (text == "~" || text.rfind("~/", 0) == 0) {
    if (const fs::path home = homeFolder(); !home.empty()) {
      // "~//x" as a shell reads it: below the home folder (an absolute rest would replace it).
      const std::size_t rest = text.find_first_not_of('/', 1);
      text = (home / (rest == std::string::npos ? std::string() : text.substr(rest))).string();
    }
  }
  std::error_code error;
  const fs::path absolute = fs::absolute(text, error);
  return error ? text : absolute.string();
}

namespace {

// The home folder, or where there is none, the working folder (made absolute).
fs::path homeOrWorkingFolder() {
  fs::path home = homeFolder();
  if (home.empty()) {
    std::error_code error;
    home = fs::current_path(error);
    if (error) home = fs::temp_directory_path(error);
    if (error) home = "/";
  }
  return home;
}

}  // namespace

std::string userDataHome() {
  if (fs::path xdg = absoluteVariable("XDG_DATA_HOME"); !xdg.empty()) return xdg.string();
  return (homeOrWorkingFolder() / ".local" / "share").string();
}

std::string userConfigHome() {
  if (fs::path xdg = absoluteVariable("XDG_CONFIG_HOME"); !xdg.empty()) return xdg.string();
  return (homeOrWorkingFolder() / ".config").string();
}

}  // namespace tb
