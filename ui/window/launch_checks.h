// Checks the app makes on its command line before anything starts: a file it would overwrite on
// closing, and files it would write when done, hours of training later.
#pragma once

#include <QString>

namespace tb::ui {

// Why `path` cannot be the app's --settings file, or empty. The app writes its settings back on
// closing, so a file that holds none of TrainBench's (a result JSON, a README, a script, a .env)
// is refused rather than overwritten. A missing or empty file is fine: it becomes one.
QString settingsFileProblem(const QString& path);

// Whether `path` asks for a session whose settings are not kept (/dev/null, or a link to it):
// the app then keeps them in a scratch file, since QSettings saves by renaming a new file over
// the old one, and run as root it replaced the device /dev/null with a regular file.
bool discardsSettings(const QString& path);

// Why the settings could not be saved at `path` when the app closes, or empty: the file is
// read-only, or its folder (or, where it is missing, the nearest one there is) takes no new
// files (QSettings writes a new file and renames it over the old). Tried, not read off the
// permissions, so a read-only mount is found too; nothing is left behind.
QString settingsSaveProblem(const QString& path);

// Why the app cannot use the results folder ($TRAINBENCH_RESULTS_DIR, or the one in the home
// folder): a path that is not UTF-8 has no name in Qt, and the app would save to, and list,
// another folder than the CLI. Empty when it can.
QString resultsFolderProblem();

// Why a file cannot be written at `path` (a folder there, a missing or read-only folder, a
// read-only file), or empty. Nothing is created.
QString outputFileProblem(const QString& path);

}  // namespace tb::ui
