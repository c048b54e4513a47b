#include "history/folder_watch.h"

#include <QFileInfo>

namespace tb::ui {

namespace {

constexpr int kSettleMs = 300;

}  // namespace

FolderWatch::FolderWatch(const QString& folder, QObject* parent)
    : QObject(parent), m_folder(folder) {
  m_settle.setSingleShot(true);
  m_settle.setInterval(kSettleMs);
  connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle,
          qOverload<>(&QTimer::start));
  connect(&m_settle, &QTimer::timeout, this, [this] {
    rewatch();
    Q_EMIT changed();
  });
  rewatch();
}

void FolderWatch::rewatch() {
  // While the folder is missing (before the first save, or removed), the nearest folder above
  // it that exists is watched, to see it made.
  QString target = m_folder;
  while (!QFileInfo(target).isDir()) {
    const QString parent = QFileInfo(target).absolutePath();
    if (parent == target) return;
    target = parent;
  }
  const QStringList watched = m_watcher.directories();
  if (watched == QStringList{target}) return;
  if (!watched.isEmpty()) m_watcher.removePaths(watched);
  m_watcher.addPath(target);
}

}  // namespace tb::ui
