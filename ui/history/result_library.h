// The folder of saved result files (the CLI saves there too): listing, saving, importing and
// removing runs (into the desktop's trash). Files that cannot be read are reported, never changed or deleted.
#pragma once

#include "results/run_result.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <string>

namespace tb::ui {

class ResultLibrary final : public QObject {
  Q_OBJECT

 public:
  struct Entry {
    QString path;  // absolute
    RunResult result;
  };

  // tb::defaultResultsDir(): where the CLI saves too, so its runs show up here.
  static QString defaultFolder();

  // An empty `folder` means defaultFolder(). Scans the folder once (reload()).
  explicit ResultLibrary(const QString& folder = QString(), QObject* parent = nullptr);

  const QString& folder() const { return m_folder; }

  // Rescans *.json in the folder. A missing folder is an empty library, not a problem. Files
  // unchanged since the last scan (same size and modification time) are not read again, so
  // showing History again is quick however large the runs are. Emits changed() only when the
  // scan found something new, changed or gone.
  void reload();
  // Newest first (by `created`); ties by path so the order is stable.
  const QVector<Entry>& entries() const { return m_entries; }
  const Entry* find(const QString& path) const;
  // One message per file the last reload() skipped; each starts with the file's path.
  const QStringList& problems() const { return m_problems; }
  // How many files the scans have parsed so far: what the cache of unchanged files saves.
  int filesParsed() const { return m_filesParsed; }

  // Saves atomically under tb::defaultResultFileName, adding "-2", "-3", ... when that name holds
  // a different (or unreadable) file. A result already in the library is not saved twice: its
  // existing path is returned.
  // Returns the path, or an empty string with `error` set.
  QString save(const RunResult& result, QString* error = nullptr);

  // What remove() does with a result file.
  enum class Disposal {
    Trash,   // into the desktop's trash (freedesktop.org spec), where it can be restored
    Delete,  // gone for good
  };
  // Removes result files inside the library folder (anything else is refused).
  bool remove(const QString& path, QString* error = nullptr, Disposal how = Disposal::Trash);
  // Removes several with one changed(); returns how many were removed, one message per failure.
  // With Disposal::Trash and `untrashed`, the result files the trash refused (a folder on a
  // volume without a trash, say) are kept and go there with the reason, path to message, instead
  // of into `errors`: the caller may offer Disposal::Delete for them.
  int remove(const QStringList& paths, QStringList* errors = nullptr,
             Disposal how = Disposal::Trash, QMap<QString, QString>* untrashed = nullptr);

  // Validates `sourcePath` as a result file, then copies its bytes atomically into the library.
  // If the same result is already there, or the file is itself in the library folder, nothing is
  // written, the existing path is returned and `alreadyThere` is set.
  // A file that is not a valid result leaves the library unchanged; the error names the file.
  QString importFile(const QString& sourcePath, QString* error = nullptr,
                     bool* alreadyThere = nullptr);

 Q_SIGNALS:
  void changed();

 private:
  // Where `result` goes: the first of its default name, "-2", "-3", ... that is free or already
  // holds the same result (holdsResult). Empty path when every candidate is taken.
  struct Slot {
    QString path;
    bool holdsResult = false;
  };

  // Rescans without emitting changed().
  void scan();
  // The listed entry whose result serialises to the same JSON, if any.
  const Entry* findIdentical(const RunResult& result) const;
  Slot slotFor(const RunResult& result) const;
  // Writes `text` (the result's JSON) under the first slot it can claim and lists it; returns the
  // path, or an empty string with `error` set. `shownName` names the result in that error.
  QString claimSlot(const RunResult& result, const std::string& text, const QString& shownName,
                    QString* error);
  // Lists a file just written (or found) without rescanning the folder; emits changed().
  void addEntry(const QString& path, const RunResult& result);
  bool isInsideFolder(const QString& path) const;

  // A result file's stamp when the last scan read it: unchanged, it is not read again.
  struct Scanned {
    QDateTime modified;
    QDateTime changed;  // metadata too: a copy with its old time (cp -p) is another file
    qint64 size = -1;
    bool operator==(const Scanned& other) const {
      return modified == other.modified && changed == other.changed && size == other.size;
    }
  };

  QString m_folder;
  QVector<Entry> m_entries;
  QStringList m_problems;
  QHash<QString, Scanned> m_scanned;  // by absolute path
  // Files the last scan could not read, with why: unchanged, they are not parsed again (a
  // damaged 60 MB file would stall every showing of History).
  struct Failed {
    Scanned stamp;
    QString problem;
  };
  QHash<QString, Failed> m_failed;  // by absolute path
  int m_filesParsed = 0;
};

}  // namespace tb::ui
