// Run folders held by a lock on their owner file (run_folder.h).
#include "run/run_folder.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <cerrno>
#include <ctime>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tb::ui {

namespace {

constexpr QLatin1String kPrefix("trainbench-run-");
constexpr QLatin1String kOwnerFile(".owner");
constexpr QLatin1String kLockingFile(".owner.locking");
// A folder is made and its owner file locked and named within microseconds; one still without
// an owner file an hour on was left by an app killed in between.
constexpr std::time_t kUnnamedOwnerGraceSeconds = 3600;

// A RunFolder's own name (QTemporaryDir's six letters or digits), not merely its prefix.
bool runFolderName(const QString& name) {
  static const QRegularExpression pattern(QStringLiteral("^trainbench-run-[A-Za-z0-9]{6}$"));
  return pattern.match(name).hasMatch();
}

// A folder an app was killed making: it holds nothing but, perhaps, the owner file not yet
// named, and is long past the moment it was made.
bool leftHalfMade(const QString& folder, const struct stat& info) {
  if (!runFolderName(QFileInfo(folder).fileName())) return false;
  if (std::time(nullptr) - info.st_mtime < kUnnamedOwnerGraceSeconds) return false;
  const QStringList entries = QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
  return entries.isEmpty() || entries == QStringList{kLockingFile};
}

// Whether `folder` is a real folder (not a link) of this user's, holding an owner file that
// no process has locked.
bool abandoned(const QString& folder) {
  struct stat info {};
  if (::lstat(QFile::encodeName(folder).constData(), &info) != 0 || !S_ISDIR(info.st_mode) ||
      info.st_uid != ::getuid()) {
    return false;
  }
  // O_NOFOLLOW: a link planted as the owner file is no owner file.
  const int fd = ::open(QFile::encodeName(folder + u'/' + kOwnerFile).constData(),
                        O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT && leftHalfMade(folder, info);  // else not ours, or still being made
  const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

}  // namespace

RunFolder::RunFolder(const QString& tempRoot)
    : m_dir(QDir(tempRoot).filePath(kPrefix + QLatin1String("XXXXXX"))) {
  if (!m_dir.isValid()) return;
  const QByteArray owner = QFile::encodeName(m_dir.filePath(kOwnerFile));
  // Locked under another name, then named: a sweep finds the owner file only once it is held
  // (until this object goes, or the process ends however it ends), never in between.
  const QByteArray locking = QFile::encodeName(m_dir.filePath(kLockingFile));
  m_ownerFd = ::open(locking.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (m_ownerFd >= 0 && (::flock(m_ownerFd, LOCK_EX | LOCK_NB) != 0 ||
                         ::rename(locking.constData(), owner.constData()) != 0)) {
    const int error = errno;
    ::close(m_ownerFd);
    m_ownerFd = -1;
    errno = error;
  }
  if (m_ownerFd < 0) {
    m_error = QString::fromLocal8Bit(std::strerror(errno)) + QLatin1String(": ") + QFile::decodeName(locking);
  }
}

RunFolder::~RunFolder() {
  if (m_ownerFd >= 0) ::close(m_ownerFd);  // before QTemporaryDir removes the folder
}

int removeAbandonedRunFolders(const QString& tempRoot) {
  int removed = 0;
  const QDir root(tempRoot);
  const auto folders = root.entryList({kPrefix + QLatin1Char('*')},
                                      QDir::Dirs | QDir::NoSymLinks | QDir::Hidden | QDir::NoDotAndDotDot);
  for (const QString& folder : folders) {
    const QString path = root.filePath(folder);
    if (abandoned(path) && QDir(path).removeRecursively()) ++removed;
  }
  return removed;
}

}  // namespace tb::ui
