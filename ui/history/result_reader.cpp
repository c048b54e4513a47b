#include "history/result_reader.h"

#include "common/qt_convert.h"
#include "results/result_file.h"
#include "results/table_text.h"

#include <QElapsedTimer>

#include <exception>

namespace tb::ui {

namespace {
// Often enough that the count moves, rarely enough not to flood the GUI's event queue.
constexpr qint64 kProgressEveryMsecs = 100;
}  // namespace

ResultFileRead readResultFileAt(const FileToRead& file) {
  ResultFileRead read{file.path, file.stamp, std::nullopt, QString()};
  try {
    read.result = readResultFile(toStdString(file.path));
  } catch (const ResultFileError& e) {
    // Already starts with the path, whose bidi controls or line breaks would garble the notice.
    read.problem = toQString(table::printable(e.what()));
  } catch (const std::exception& e) {
    read.problem = toQString(table::printable(toStdString(file.path) + ": " + e.what()));
  }
  return read;
}

void ResultReader::read(const QVector<FileToRead>& files,
                        const std::shared_ptr<std::atomic<bool>>& stop) {
  QVector<ResultFileRead> read;
  read.reserve(files.size());
  QElapsedTimer sinceProgress;
  sinceProgress.start();
  for (const FileToRead& file : files) {
    if (stop && stop->load()) break;
    read.push_back(readResultFileAt(file));
    if (sinceProgress.elapsed() >= kProgressEveryMsecs) {
      Q_EMIT progress(static_cast<int>(read.size()), static_cast<int>(files.size()));
      sinceProgress.restart();
    }
  }
  Q_EMIT finished(read);
}

}  // namespace tb::ui
