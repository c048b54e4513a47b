// The user's data folder, as the XDG Base Directory specification defines it, for the results
// library and the datasets. Shared by the CLI and the app, so both find the same runs.
#pragma once

#include <string>

namespace tb {

// $XDG_DATA_HOME when it is an absolute path (the specification says to ignore a relative one),
// else the home folder's .local/share: $HOME when absolute, else the account's home from the
// password database. An absolute path always: with no home folder at all (some service
// accounts), the working folder's .local/share, made absolute so that messages say where.
std::string userDataHome();

// $XDG_CONFIG_HOME when it is an absolute path, else the home folder's .config, found as
// userDataHome finds it: the app's settings belong there. Qt's own choice, with HOME unset (a
// service manager's environment), was /.config, where no user can write.
std::string userConfigHome();

// The folder the environment variable `name` names (TRAINBENCH_RESULTS_DIR, ...); empty when it
// is unset or empty. A leading "~" is the home folder: shells expand it, but systemd's
// Environment=, a Dockerfile's ENV and a quoted assignment pass it on, and the results went to
// a folder named "~" below the working folder. A relative path is made absolute from the working
// folder, so that "Result saved to" says where.
std::string folderFromVariable(const char* name);

}  // namespace tb
