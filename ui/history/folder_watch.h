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

  // Starts watching if the folder exists now and is not watched yet (it is made by the first
  // save, and a watch ends when the folder is removed).
  void rewatch();

 Q_SIGNALS:
  void changed();

 private:
  QString m_folder;
  QFileSystemWatcher m_watcher;
  QTimer m_settle;
};

}  // namespace tb::ui
