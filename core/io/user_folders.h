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

}  // namespace tb
