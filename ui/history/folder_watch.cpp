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
  if (m_watcher.directories().isEmpty() && QFileInfo(m_folder).isDir()) m_watcher.addPath(m_folder);
}

}  // namespace tb::ui
