// A desktop trash of the test's own: $HOME and $XDG_DATA_HOME point into a temporary folder for
// the object's life, so what a test moves to the trash (QFile::moveToTrash) lands there, where the
// test can find it, and never in the trash of whoever runs the tests. Result folders made with
// QTemporaryDir sit on the same volume, so Qt picks this home trash for them.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QtGlobal>

namespace tbtest {

class PrivateTrash {
 public:
  PrivateTrash()
      : m_home(qgetenv("HOME")),
        m_dataHome(qgetenv("XDG_DATA_HOME")),
        m_hadDataHome(qEnvironmentVariableIsSet("XDG_DATA_HOME")) {
    qputenv("HOME", m_root.path().toUtf8());
    qputenv("XDG_DATA_HOME", m_root.filePath(QStringLiteral("share")).toUtf8());
    QDir(m_root.path()).mkdir(QStringLiteral("share"));  // Qt makes only the Trash folder
  }
  ~PrivateTrash() {
    qputenv("HOME", m_home);
    if (m_hadDataHome) {
      qputenv("XDG_DATA_HOME", m_dataHome);
    } else {
      qunsetenv("XDG_DATA_HOME");
    }
  }
  PrivateTrash(const PrivateTrash&) = delete;
  PrivateTrash& operator=(const PrivateTrash&) = delete;

  // Where trashed files go.
  QString filesFolder() const { return m_root.filePath(QStringLiteral("share/Trash/files")); }
  // The names in the trash.
  QStringList trashed() const { return QDir(filesFolder()).entryList(QDir::Files); }

  // Makes the trash unusable: its parent folder is a file, so it cannot be created.
  void breakIt() {
    QDir(m_root.path()).rmdir(QStringLiteral("share"));
    QFile blocker(m_root.filePath(QStringLiteral("share")));
    if (blocker.open(QIODevice::WriteOnly)) blocker.write("not a folder");
  }

 private:
  QTemporaryDir m_root;
  QByteArray m_home;
  QByteArray m_dataHome;
  bool m_hadDataHome;
};

}  // namespace tbtest
