// settingsFileProblem, settingsSaveProblem, resultsFolderProblem and outputFileProblem
// (launch_checks.h).
#include "window/launch_checks.h"

#include "results/result_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStringList>
#include <QTemporaryFile>

namespace tb::ui {

namespace {

// The groups the app writes (main_window.cpp, setup_settings.cpp, export_actions.cpp).
const QStringList& ownGroups() {
  static const QStringList groups = {QStringLiteral("setup/"), QStringLiteral("window/"),
                                     QStringLiteral("view/"), QStringLiteral("export/")};
  return groups;
}

bool isOwnKey(const QString& key) {
  for (const QString& group : ownGroups()) {
    if (key.startsWith(group)) return true;
  }
  return false;
}

// The number of the first line that opens a group without closing it; 0 when none does.
int unclosedGroupLine(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return 0;  // QSettings says what it cannot read
  int number = 0;
  // A settings file is a few kilobytes: the first megabyte is every line a user wrote.
  for (const QByteArray& line : file.read(1 << 20).split('\n')) {
    ++number;
    const QByteArray trimmed = line.trimmed();
    if (trimmed.startsWith('[') && !trimmed.contains(']')) return number;
  }
  return 0;
}

}  // namespace

QString resultsFolderProblem() {
  const QByteArray raw = QByteArray::fromStdString(defaultResultsDir());
  const QString name = QFile::decodeName(raw);
  if (QFile::encodeName(name) == raw) return {};
  return QStringLiteral("the results folder '%1' has a name that is not valid UTF-8, which the "
                        "app cannot use; set TRAINBENCH_RESULTS_DIR to another folder")
      .arg(name);
}

QString settingsFileProblem(const QString& path) {
  const QFileInfo info(path);
  // Its folder a file: the settings could be read from nowhere and saved nowhere, which was said
  // only on closing, the session's settings lost.
  if (const QFileInfo folder(info.absolutePath()); folder.exists() && !folder.isDir()) {
    return QStringLiteral("'%1': %2 is a file, not a folder").arg(path, folder.filePath());
  }
  if (!info.exists() || (info.isFile() && info.size() == 0)) return {};
  if (info.isDir()) return QStringLiteral("'%1' is a folder, not a settings file").arg(path);
  // A pipe (`<(...)`, a FIFO) held the app before its window, for ever, waiting to be read; and
  // it could not take the settings back. /dev/null stays a way to start without settings.
  if (!info.isFile()) {
    if (info.canonicalFilePath() == QLatin1String("/dev/null")) return {};
    return QStringLiteral("'%1' is not a regular file (a pipe or a device): the settings must "
                          "be a file the app can read and write back")
        .arg(path);
  }
  // A group line without its "]" ("[setup") puts every key after it in a group of that name:
  // they were all reset to their defaults, and written back so on closing. (Other stray lines
  // are passed over.)
  if (const int line = unclosedGroupLine(path); line > 0) {
    return QStringLiteral("'%1', line %2: a '[' without its ']': fix or delete the line, or "
                          "closing the app would rewrite the settings after it with their "
                          "defaults")
        .arg(path)
        .arg(line);
  }
  QSettings settings(path, QSettings::IniFormat);
  // A hand-edited settings file with a stray line still holds the app's own keys.
  const QStringList keys = settings.allKeys();
  for (const QString& key : keys) {
    if (isOwnKey(key)) return {};
  }
  return QStringLiteral("'%1' is not a TrainBench settings file (it has no [setup], [window], "
                        "[view] or [export] keys), and closing the app would overwrite it")
      .arg(path);
}

bool discardsSettings(const QString& path) {
  return !path.isEmpty() && QFileInfo(path).canonicalFilePath() == QLatin1String("/dev/null");
}

QString settingsSaveProblem(const QString& path) {
  if (discardsSettings(path)) return {};
  const QFileInfo info(path);
  // QSettings makes the folders that are missing: the nearest one there is must take them.
  QString folder = info.absolutePath();
  while (!QFileInfo(folder).isDir()) {
    // A file (or a link to nowhere) on the way: QSettings cannot make the folders below it.
    if (const QFileInfo part(folder); part.exists() || part.isSymLink()) {
      return QStringLiteral("%1 is not a folder").arg(folder);
    }
    const QString parent = QFileInfo(folder).absolutePath();
    if (parent == folder) break;
    folder = parent;
  }
  QTemporaryFile probe(QDir(folder).filePath(QStringLiteral(".trainbench-settings-XXXXXX")));
  if (!probe.open()) {
    return QStringLiteral("the folder %1 takes no new files (%2)").arg(folder, probe.errorString());
  }
  if (info.exists()) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
      return QStringLiteral("%1 cannot be written (%2)").arg(path, file.errorString());
    }
  }
  return {};
}

QString outputFileProblem(const QString& path) {
  const QFileInfo info(path);
  if (info.isDir()) return QStringLiteral("'%1' is a folder").arg(path);
  const QFileInfo folder(info.absolutePath());
  if (folder.exists() && !folder.isDir()) {
    return QStringLiteral("'%1': %2 is a file, not a folder").arg(path, folder.filePath());
  }
  if (!folder.isDir()) {
    return QStringLiteral("'%1': the folder %2 does not exist").arg(path, folder.filePath());
  }
  // A file is saved beside the target and renamed over it (QSaveFile): the folder must take
  // new files, and QSaveFile also refuses to replace a file that is itself read-only.
  if (!folder.isWritable()) {
    return QStringLiteral("'%1': the folder %2 is not writable").arg(path, folder.filePath());
  }
  if (info.exists() && !info.isWritable()) return QStringLiteral("'%1' is read-only").arg(path);
  return {};
}

}  // namespace tb::ui
