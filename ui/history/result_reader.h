// Reading result files off the GUI thread: a results folder of thousands of runs (a GPU server's
// CLI runs, copied over) takes seconds to parse, and the window must not freeze meanwhile.
// ResultLibrary decides which files need reading; ResultReader reads them on History's thread.
#pragma once

#include "results/run_result.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <optional>

namespace tb::ui {

// A result file as a scan saw it: unchanged, it is not read again.
struct FileStamp {
  QDateTime modified;
  QDateTime changed;  // metadata too: a copy with its old time (cp -p) is another file
  qint64 size = -1;
  bool operator==(const FileStamp& other) const {
    return modified == other.modified && changed == other.changed && size == other.size;
  }
};

struct FileToRead {
  QString path;  // absolute
  FileStamp stamp;
};

// One file read: its result, or why it could not be read (the problem starts with the path).
struct ResultFileRead {
  QString path;
  FileStamp stamp;
  std::optional<RunResult> result;
  QString problem;
};

// Reads one result file; never throws.
ResultFileRead readResultFileAt(const FileToRead& file);

class ResultReader final : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

  // Reads the files in order on the calling (worker) thread, checking `stop` between files; a
  // stopped read still reports what it read.
  void read(const QVector<tb::ui::FileToRead>& files,
            const std::shared_ptr<std::atomic<bool>>& stop);

 Q_SIGNALS:
  // Now and then while reading, so History can say how far it is.
  void progress(int read, int total);
  // Once per read(), with every file it read.
  void finished(const QVector<tb::ui::ResultFileRead>& files);
};

}  // namespace tb::ui

Q_DECLARE_METATYPE(tb::ui::FileToRead)
Q_DECLARE_METATYPE(tb::ui::ResultFileRead)
