// moveToTrash (trash.h): QFile::moveToTrash, checked. Where Qt 6.4 cannot set up a trash folder
// (no writable $XDG_DATA_HOME, say), it does not fail: it "trashes" into files/ and info/ of the
// working directory. Such a move is undone here and reported as the trash refusing the file.
#include "history/trash.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace tb::ui {

namespace {

// A trash folder as the freedesktop.org spec names them: $XDG_DATA_HOME/Trash,
// $topdir/.Trash-$uid or $topdir/.Trash/$uid.
bool isTrashFolder(const QDir& folder) {
  const QString name = folder.dirName();
  if (name == QLatin1String("Trash") || name.startsWith(QLatin1String(".Trash-"))) return true;
  QDir parent = folder;
  return parent.cdUp() && parent.dirName() == QLatin1String(".Trash");
}

// The folders Qt makes in a trash folder, and whether the working directory had them already.
struct Subfolders {
  Subfolders() : files(QDir::current().exists(kFiles)), info(QDir::current().exists(kInfo)) {}
  static constexpr QLatin1String kFiles{"files"};
  static constexpr QLatin1String kInfo{"info"};
  bool files;
  bool info;
};

// Puts a file that Qt moved to `trashed` back at `path`, and removes what Qt made for it.
bool undoMove(const QFileInfo& trashed, const QString& path, const Subfolders& hadBefore) {
  if (!QFile::rename(trashed.absoluteFilePath(), path)) return false;
  QDir madeFor = trashed.absoluteDir();
  madeFor.cdUp();
  QFile::remove(madeFor.filePath(Subfolders::kInfo + QLatin1Char('/') + trashed.fileName() +
                                 QStringLiteral(".trashinfo")));
  if (madeFor != QDir::current()) return true;
  // Only folders Qt made, and only where empty.
  if (!hadBefore.files) madeFor.rmdir(Subfolders::kFiles);
  if (!hadBefore.info) madeFor.rmdir(Subfolders::kInfo);
  return true;
}

}  // namespace

bool moveToTrash(const QString& path, QString* error) {
  const Subfolders hadBefore;
  QFile file(path);
  if (!file.moveToTrash()) {
    *error = file.errorString();
    return false;
  }
  const QFileInfo trashed(file.fileName());  // where it went
  QDir trash = trashed.absoluteDir();
  if (trash.dirName() == Subfolders::kFiles && trash.cdUp() && isTrashFolder(trash)) {
    return true;
  }
  if (!undoMove(trashed, path, hadBefore)) {
    *error = QStringLiteral("moved to %1 instead of a trash folder, and could not be moved back")
                 .arg(trashed.absoluteFilePath());
    return false;
  }
  *error = QStringLiteral("no trash folder could be set up");
  return false;
}

}  // namespace tb::ui
