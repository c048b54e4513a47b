// The temporary folder a data-parallel command saves its result into. The app removes it when
// the run ends, but an app killed with SIGKILL cannot: the folder holds a file the app keeps
// locked (flock) while it lives, so a later app removes those nobody holds any more. A lock, not
// a process id: an app in another PID namespace sharing /tmp (a container) would look gone.
#pragma once

#include <QDir>
#include <QString>
#include <QTemporaryDir>

namespace tb::ui {

class RunFolder {
 public:
  // A new folder under `tempRoot` ("trainbench-run-XXXXXX"), removed with this object.
  explicit RunFolder(const QString& tempRoot = QDir::tempPath());
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  bool isValid() const { return m_dir.isValid() && m_ownerFd >= 0; }
  QString path() const { return m_dir.path(); }
  QString errorString() const { return m_error.isEmpty() ? m_dir.errorString() : m_error; }

 private:
  QTemporaryDir m_dir;
  int m_ownerFd = -1;  // the locked owner file
  QString m_error;
};

// Removes the run folders under `tempRoot` that no app holds (left by one killed), and those an
// app was killed making (no owner file yet, an hour on). Only this user's own folders, never
// through a symbolic link; returns how many it removed.
int removeAbandonedRunFolders(const QString& tempRoot = QDir::tempPath());

}  // namespace tb::ui
