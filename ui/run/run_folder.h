// The temporary folder a data-parallel command saves its result into. The app removes it when
// the run ends, but an app killed with SIGKILL cannot: the folder's name carries the app's
// process id ("trainbench-run-4242-a1B2c3"), so a later app removes those whose app is gone.
#pragma once

#include <QDir>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace tb::ui {

// A new folder under `tempRoot`, removed with the returned object.
std::unique_ptr<QTemporaryDir> makeRunFolder(const QString& tempRoot = QDir::tempPath());

// Removes the run folders under `tempRoot` left by apps that no longer run (another app's, still
// running, are kept); returns how many it removed.
int removeAbandonedRunFolders(const QString& tempRoot = QDir::tempPath());

}  // namespace tb::ui
