// HistoryPanel (history_panel.h): result files brought in, by Import or dropped on the panel,
// and what it says of them.
#include "history/history_panel.h"
#include "history/history_texts.h"
#include "history/result_library.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include <algorithm>

namespace tb::ui {

namespace {

bool isResultFile(const QUrl& url) {
  return url.isLocalFile() &&
         url.toLocalFile().endsWith(QStringLiteral(".json"), Qt::CaseInsensitive);
}

// A folder of results (a server's, copied over) is the obvious thing to drag: its .json files
// are imported, not the folders within it.
bool isFolder(const QUrl& url) { return url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir(); }

bool isResultFileOrFolder(const QUrl& url) { return isResultFile(url) || isFolder(url); }

}  // namespace

void HistoryPanel::importWithDialog() {
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Import results"), m_importFolder, tr("TrainBench results (*.json);;All files (*)"));
  if (paths.isEmpty()) return;
  m_importFolder = QFileInfo(paths.constFirst()).absolutePath();
  Q_EMIT importFolderChosen(m_importFolder);
  importFiles(paths);
}

void HistoryPanel::importFiles(const QStringList& paths) { importFiles(paths, {}); }

bool HistoryPanel::carriesResultFiles(const QMimeData* data, bool foldersToo) {
  const QList<QUrl> urls = data ? data->urls() : QList<QUrl>();
  return std::any_of(urls.begin(), urls.end(), foldersToo ? isResultFileOrFolder : isResultFile);
}

void HistoryPanel::importDropped(const QMimeData* data) {
  if (!data) return;
  QStringList paths;
  QStringList skipped;
  for (const QUrl& url : data->urls()) {
    if (isFolder(url)) {
      const QDir folder(url.toLocalFile());
      const QStringList names =
          folder.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name | QDir::IgnoreCase);
      for (const QString& name : names) paths << folder.filePath(name);
      if (names.isEmpty()) {
        skipped
            << tr("%1 (a folder with none in it)").arg(QDir::toNativeSeparators(url.toLocalFile()));
      }
    } else if (isResultFile(url)) {
      paths << url.toLocalFile();
    } else {
      skipped << (url.isLocalFile() ? QDir::toNativeSeparators(url.toLocalFile())
                                    : url.toDisplayString());
    }
  }
  importFiles(paths, skipped);
}

void HistoryPanel::importFiles(const QStringList& paths, const QStringList& skipped) {
  QStringList imported;
  QStringList failures;
  int copied = 0;
  for (const QString& path : paths) {
    QString error;
    bool alreadyThere = false;
    const QString target = m_library->importFile(path, &error, &alreadyThere);
    if (target.isEmpty()) {
      failures << error;
    } else if (!imported.contains(target)) {
      imported << target;
      copied += alreadyThere ? 0 : 1;
    }
  }
  if (!imported.isEmpty()) {
    selectPaths(imported);
    Q_EMIT openRequested(imported);
  }
  // A run that was in the library already is opened, but not called imported.
  const int known = static_cast<int>(imported.size()) - copied;
  QString done = copied > 0 ? tr("Imported %1").arg(runCount(copied)) : QString();
  if (known > 0) {
    const QString there = known == 1 ? tr("1 run was in the library already")
                                     : tr("%1 runs were in the library already").arg(known);
    done = done.isEmpty() ? there : done + QStringLiteral("; ") + there;
  }
  if (failures.isEmpty() && skipped.isEmpty()) {
    if (!imported.isEmpty()) {
      notify(done, false, m_lastImportMessage);
      m_lastImportMessage = done;
    }
    return;
  }
  QStringList parts;
  if (!imported.isEmpty()) parts << done;
  // Each failure already starts with the file's path.
  if (failures.size() == 1) {
    parts << tr("Could not import %1").arg(failures.front());
  } else if (!failures.isEmpty()) {
    parts << tr("Could not import %1: %2")
                 .arg(fileCount(failures.size()), failures.join(QStringLiteral("; ")));
  }
  if (!skipped.isEmpty()) {
    parts
        << tr("Not imported, not a .json result file: %1").arg(skipped.join(QStringLiteral("; ")));
  }
  const QString said = parts.join(QStringLiteral(". "));
  notify(said, true, m_lastImportMessage);
  m_lastImportMessage = said;
}

void HistoryPanel::dragEnterEvent(QDragEnterEvent* event) {
  if (carriesResultFiles(event->mimeData())) event->acceptProposedAction();
}

void HistoryPanel::dropEvent(QDropEvent* event) {
  if (!carriesResultFiles(event->mimeData())) return;
  event->acceptProposedAction();
  importDropped(event->mimeData());
}

}  // namespace tb::ui
