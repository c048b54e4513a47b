// The folder of saved result files (the CLI saves there too): listing, saving, importing and
// removing runs (into the desktop's trash). Files that cannot be read are reported, never changed or deleted.
#pragma once

#include "common/worker_thread.h"
#include "history/result_reader.h"
#include "results/run_result.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QSet>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <memory>
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

  // When the first scan happens: at once (tests, the CLI-like uses), or in the background, so
  // the window opens at once however many runs the folder holds.
  enum class FirstScan { Now, InBackground };

  // An empty `folder` means defaultFolder(). Scans the folder once (reload(), or
  // reloadInBackground()).
  explicit ResultLibrary(const QString& folder = QString(), QObject* parent = nullptr,
                         FirstScan firstScan = FirstScan::Now);
  // Stops a background read after the file in hand.
  ~ResultLibrary() override;

  const QString& folder() const { return m_folder; }

  // Rescans *.json in the folder. A missing folder is an empty library, not a problem. Files
  // unchanged since the last scan (same size and modification time) are not read again, so
  // showing History again is quick however large the runs are. Emits changed() only when the
  // scan found something new, changed or gone.
  void reload();
  // As reload(), but the files that need parsing are read on a thread of their own: the list
  // keeps what it had until they are read, then emits changed() as reload() would. Asked again
  // while reading, it waits: the read rescans the folder when it ends.
  void reloadInBackground();
  // Whether a background read is in progress, and how far it is (files read, of how many).
  bool reading() const { return m_reading; }
  int readingDone() const { return m_readingDone; }
  int readingTotal() const { return m_readingTotal; }
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
  // A background read started, moved on or ended (reading() says which).
  void readingChanged();

 private:
  // Where `result` goes: the first of its default name, "-2", "-3", ... that is free or already
  // holds the same result (holdsResult). Empty path when every candidate is taken.
  struct Slot {
    QString path;
    bool holdsResult = false;
  };

  // What History shows of the library, to tell whether a scan changed it.
  struct Shown {
    QSet<QString> paths;
    QStringList problems;
    int parsed = 0;
    bool operator==(const Shown& other) const {
      return paths == other.paths && problems == other.problems && parsed == other.parsed;
    }
  };
  Shown shown() const;
  void notifyIfChanged(const Shown& before);
  // Rescans without emitting changed(). With `deferred`, files that need parsing are not read
  // but listed there (for the background reader); their old entries stay until read again.
  void scan(QVector<FileToRead>* deferred = nullptr);
  // Reads at once what a background read in progress has not listed yet: saving and importing
  // must know every run in the folder, or they would write one a second time.
  void catchUp();
  // Lists what a background read brought (unless the file was read again meanwhile).
  void adopt(const QVector<ResultFileRead>& files);
  void startReading(const QVector<FileToRead>& files);
  void finishReading(const QVector<ResultFileRead>& files);
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

  QString m_folder;
  QVector<Entry> m_entries;
  QStringList m_problems;
  QHash<QString, FileStamp> m_scanned;  // by absolute path
  // Files the last scan could not read, with why: unchanged, they are not parsed again (a
  // damaged 60 MB file would stall every showing of History).
  struct Failed {
    FileStamp stamp;
    QString problem;
  };
  QHash<QString, Failed> m_failed;  // by absolute path
  int m_filesParsed = 0;

  // The background read: its thread starts with the first one; `m_stopReading` ends a read
  // early when the library goes (the app closing while it reads a large folder).
  std::unique_ptr<WorkerThread<ResultReader>> m_reader;
  std::shared_ptr<std::atomic<bool>> m_stopReading = std::make_shared<std::atomic<bool>>(false);
  bool m_reading = false;
  int m_readingDone = 0;
  int m_readingTotal = 0;
};

}  // namespace tb::ui
