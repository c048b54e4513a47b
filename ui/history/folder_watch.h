// Says when files appear in, change in or leave a folder, once a burst of changes has settled: a
// CLI saving into the results folder while History is on screen (an atomic save is a temporary
// file, then a rename).
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

namespace tb::ui {

class FolderWatch final : public QObject {
  Q_OBJECT

 public:
  explicit FolderWatch(const QString& folder, QObject* parent = nullptr);

  // Watches the folder, or while it is missing the nearest folder above it that exists (it is
  // made by the first save, by the app or the CLI, and may be removed and made again).
  void rewatch();

 Q_SIGNALS:
  void changed();

 private:
  QString m_folder;
  QFileSystemWatcher m_watcher;
  QTimer m_settle;
};

}  // namespace tb::ui
