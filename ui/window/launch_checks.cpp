// settingsFileProblem, resultsFolderProblem and outputFileProblem (launch_checks.h).
#include "window/launch_checks.h"

#include "results/result_paths.h"

#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStringList>

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
  if (!info.exists() || (info.isFile() && info.size() == 0)) return {};
  if (info.isDir()) return QStringLiteral("'%1' is a folder, not a settings file").arg(path);
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

QString outputFileProblem(const QString& path) {
  const QFileInfo info(path);
  if (info.isDir()) return QStringLiteral("'%1' is a folder").arg(path);
  const QFileInfo folder(info.absolutePath());
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
