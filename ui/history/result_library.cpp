// Result library: the results folder as a list of runs. Writes go through a temporary file that
// is linked under its name once complete (tb::writeNewResultFile), so a crash never leaves a
// half-written result behind and a CLI saving into the same folder never loses a file.
#include "history/result_library.h"

#include "common/qt_convert.h"
#include "history/trash.h"
#include "results/result_file.h"
#include "results/result_paths.h"
#include "results/table_text.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <QStringDecoder>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <limits>
#include <string>

namespace tb::ui {

namespace {

// Result files whose names are not UTF-8 (an old Latin-1 name, say): Qt's listing leaves them
// out without a word, so the folder is listed again here and they are reported, not missing.
QStringList namesNotUtf8(const QString& folder) {
  namespace fs = std::filesystem;
  QStringList names;
  std::error_code error;
  for (fs::directory_iterator it(QFile::encodeName(folder).toStdString(), error), end;
       !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::string suffix = name.size() > 5 ? name.substr(name.size() - 5) : std::string();
    std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
    std::error_code typeError;
    if (suffix != ".json" || name.front() == '.' || !it->is_regular_file(typeError)) continue;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString shown = decoder(QByteArray::fromStdString(name));
    if (decoder.hasError()) names << QDir(folder).filePath(shown);
  }
  return names;
}

qint64 createdMsecs(const RunResult& result) {
  const QDateTime created = createdTime(result.created);
  // Unparseable dates sort as the oldest rather than jumping to the top.
  return created.isValid() ? created.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

void sortNewestFirst(QVector<ResultLibrary::Entry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const qint64 ta = createdMsecs(a.result);
    const qint64 tb = createdMsecs(b.result);
    return ta != tb ? ta > tb : a.path < b.path;
  });
}

// `base` with "-N" before the extension: run.json -> run-2.json.
QString candidateName(const QString& base, int n) {
  return toQString(numberedPath(toStdString(base), n, "-"));
}

void setError(QString* error, const QString& text) {
  if (error) *error = text;
}

}  // namespace

QString ResultLibrary::defaultFolder() { return toQString(defaultResultsDir()); }

ResultLibrary::ResultLibrary(const QString& folder, QObject* parent, FirstScan firstScan)
    : QObject(parent),
      m_folder(QDir::cleanPath(QDir(folder.isEmpty() ? defaultFolder() : folder).absolutePath())) {
  if (firstScan == FirstScan::Now) {
    scan();
  } else {
    reloadInBackground();
  }
}

ResultLibrary::~ResultLibrary() {
  m_stopReading->store(true);
  if (m_reader) m_reader->quitAndWait();
}

ResultLibrary::Shown ResultLibrary::shown() const {
  Shown shown{{}, m_problems, m_filesParsed};
  for (const Entry& entry : m_entries) shown.paths.insert(entry.path);
  return shown;
}

void ResultLibrary::notifyIfChanged(const Shown& before) {
  // Rebuilding History's table takes 0.2 s at 10 000 runs (2-core VM): not for a scan that
  // found nothing new (the folder watch rescans after the app's own saves too).
  if (!(shown() == before)) Q_EMIT changed();
}

void ResultLibrary::reload() {
  const Shown before = shown();
  scan();
  notifyIfChanged(before);
}

void ResultLibrary::reloadInBackground() {
  // The read in progress rescans the folder when it ends (finishReading).
  if (m_reading) return;
  const Shown before = shown();
  QVector<FileToRead> toRead;
  scan(&toRead);
  notifyIfChanged(before);
  if (!toRead.isEmpty()) startReading(toRead);
}

void ResultLibrary::startReading(const QVector<FileToRead>& files) {
  if (!m_reader) {
    m_reader = std::make_unique<WorkerThread<ResultReader>>(QStringLiteral("Result reader"));
    connect(m_reader->worker(), &ResultReader::progress, this, [this](int done, int total) {
      m_readingDone = done;
      m_readingTotal = total;
      Q_EMIT readingChanged();
    });
    connect(m_reader->worker(), &ResultReader::finished, this, &ResultLibrary::finishReading);
  }
  m_reading = true;
  m_readingDone = 0;
  m_readingTotal = static_cast<int>(files.size());
  m_reader->post([files, stop = m_stopReading](ResultReader& reader) { reader.read(files, stop); });
  Q_EMIT readingChanged();
}

void ResultLibrary::finishReading(const QVector<ResultFileRead>& files) {
  const Shown before = shown();
  adopt(files);
  m_reading = false;
  // Files that came (or changed) while these were read are read next, in the background too.
  QVector<FileToRead> more;
  scan(&more);
  notifyIfChanged(before);
  if (!more.isEmpty()) {
    startReading(more);
    return;
  }
  Q_EMIT readingChanged();
}

void ResultLibrary::adopt(const QVector<ResultFileRead>& files) {
  QSet<QString> replaced;
  for (const ResultFileRead& file : files) {
    // Saved, imported or read at once (catchUp) meanwhile: what is listed is as new.
    if (const auto known = m_scanned.constFind(file.path);
        known != m_scanned.cend() && *known == file.stamp) {
      continue;
    }
    if (const auto failed = m_failed.constFind(file.path);
        failed != m_failed.cend() && failed->stamp == file.stamp) {
      continue;
    }
    ++m_filesParsed;
    if (file.result) {
      replaced.insert(file.path);
      m_scanned.insert(file.path, file.stamp);
      m_failed.remove(file.path);
    } else {
      m_failed.insert(file.path, {file.stamp, file.problem});
    }
  }
  m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                 [&](const Entry& entry) { return replaced.contains(entry.path); }),
                  m_entries.end());
  for (const ResultFileRead& file : files) {
    if (file.result && replaced.contains(file.path)) m_entries.push_back({file.path, *file.result});
  }
}

void ResultLibrary::scan(QVector<FileToRead>* deferred) {
  // The last scan's results, to reuse for files that have not changed since.
  QHash<QString, RunResult> previous;
  for (Entry& entry : m_entries) previous.insert(entry.path, std::move(entry.result));
  QHash<QString, FileStamp> previousStamps;
  previousStamps.swap(m_scanned);
  QHash<QString, Failed> previousFailures;
  previousFailures.swap(m_failed);
  m_entries.clear();
  m_problems.clear();
  const QDir dir(m_folder);
  // Hidden files are skipped on purpose: that is where in-flight temporary files live.
  const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.json")},
                                               QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
  for (const QFileInfo& info : files) {
    const QString path = info.absoluteFilePath();
    const FileStamp stamp{info.lastModified(), info.metadataChangeTime(), info.size()};
    const auto before = previousStamps.constFind(path);
    if (before != previousStamps.cend() && *before == stamp && previous.contains(path)) {
      m_entries.push_back({path, previous.take(path)});
      m_scanned.insert(path, stamp);
      continue;
    }
    // A file that failed is read again once it changes: a chmod changes its metadata time too.
    if (const auto failed = previousFailures.constFind(path);
        failed != previousFailures.cend() && failed->stamp == stamp) {
      m_problems << failed->problem;
      m_failed.insert(path, *failed);
      continue;
    }
    if (deferred) {
      deferred->push_back({path, stamp});
      // Listed as it was until it is read again (without a stamp, so the next scan does not
      // take it as current): a touched file's row, and its selection, must not blink out.
      if (previous.contains(path)) m_entries.push_back({path, previous.take(path)});
      continue;
    }
    ++m_filesParsed;
    const ResultFileRead read = readResultFileAt({path, stamp});
    if (read.result) {
      m_entries.push_back({path, *read.result});
      m_scanned.insert(path, stamp);
    } else {
      m_problems << read.problem;
      m_failed.insert(path, {stamp, read.problem});
    }
  }
  for (const QString& path : namesNotUtf8(m_folder)) {
    m_problems << path + QStringLiteral(": its name is not valid UTF-8, which the app cannot open; rename the file");
  }
  sortNewestFirst(m_entries);
}

const ResultLibrary::Entry* ResultLibrary::find(const QString& path) const {
  const QString wanted = QFileInfo(path).absoluteFilePath();
  for (const Entry& entry : m_entries) {
    if (entry.path == wanted) return &entry;
  }
  return nullptr;
}

const ResultLibrary::Entry* ResultLibrary::findIdentical(const RunResult& result) const {
  for (const Entry& entry : m_entries) {
    // The list may be older than the folder: a file deleted meanwhile does not count.
    if (sameRun(entry.result, result) && QFileInfo::exists(entry.path)) return &entry;
  }
  return nullptr;
}

ResultLibrary::Slot ResultLibrary::slotFor(const RunResult& result) const {
  const QString base = toQString(defaultResultFileName(result));
  const QDir dir(m_folder);
  for (int n = 1; n <= kMaxNameSuffix; ++n) {
    const QString path = dir.absoluteFilePath(candidateName(base, n));
    if (!QFileInfo::exists(path)) return {path, false};
    // The same run keeps the same default name, so a copy saved earlier (by the CLI too) sits
    // here. Anything else under the name, unreadable files included, is never overwritten.
    try {
      if (sameRun(readResultFile(toStdString(path)), result)) return {path, true};
    } catch (const std::exception&) {
      // Unreadable: taken, try the next name.
    }
  }
  return {};
}

void ResultLibrary::addEntry(const QString& path, const RunResult& result) {
  m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                 [&](const Entry& entry) { return entry.path == path; }),
                  m_entries.end());
  m_entries.push_back({path, result});
  sortNewestFirst(m_entries);
  // Known as it is now, so the next scan does not read back what was just written or imported.
  const QFileInfo info(path);
  if (info.exists()) {
    m_scanned.insert(path, {info.lastModified(), info.metadataChangeTime(), info.size()});
    m_failed.remove(path);
  }
  Q_EMIT changed();
}

bool ResultLibrary::isInsideFolder(const QString& path) const {
  const QFileInfo info(path);
  const QString folder = QDir(m_folder).canonicalPath();
  return !folder.isEmpty() && info.absoluteDir().canonicalPath() == folder;
}

void ResultLibrary::catchUp() {
  if (m_reading) reload();
}

QString ResultLibrary::save(const RunResult& result, QString* error) {
  catchUp();
  if (const Entry* existing = findIdentical(result)) return existing->path;
  const std::string text = toJson(result) + "\n";
  return claimSlot(result, text, toQString(defaultResultFileName(result)), error);
}

QString ResultLibrary::claimSlot(const RunResult& result, const std::string& text,
                                 const QString& shownName, QString* error) {
  // A name can be taken between choosing and writing it (a CLI saving into this folder at the
  // same moment): the write then fails without replacing that file, and the next name is tried.
  for (int attempt = 0; attempt < kMaxNameSuffix; ++attempt) {
    const Slot slot = slotFor(result);
    if (slot.path.isEmpty()) break;
    try {
      if (slot.holdsResult || writeNewResultText(text, toStdString(slot.path))) {
        addEntry(slot.path, result);
        return slot.path;
      }
    } catch (const std::exception& e) {
      setError(error, QString::fromStdString(e.what()));
      return QString();
    }
  }
  setError(error, m_folder + QStringLiteral(": no free file name for ") + shownName);
  return QString();
}

bool ResultLibrary::remove(const QString& path, QString* error, Disposal how) {
  QStringList errors;
  const bool removed = remove(QStringList{path}, &errors, how) == 1;
  if (!removed) setError(error, errors.value(0));
  return removed;
}

int ResultLibrary::remove(const QStringList& paths, QStringList* errors, Disposal how,
                          QMap<QString, QString>* untrashed) {
  int removed = 0;
  for (const QString& path : paths) {
    const QFileInfo info(path);
    // Listed, but removed outside the app since: what was asked for is done; the list follows.
    if (!info.exists() && find(path)) {
      ++removed;
      continue;
    }
    // Only result files of this folder: a stray path must never be removed, whatever else it is.
    // The listing matches "*.json" in any case, and so does this ("RUN.JSON").
    const bool json = info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    if (!isInsideFolder(path) || !json || !info.isFile()) {
      if (errors) *errors << path + QStringLiteral(": not a result file in ") + m_folder;
      continue;
    }
    QFile file(path);
    QString trashError;
    if (how == Disposal::Trash) {
      if (!moveToTrash(path, &trashError)) {
        const QString why = path + QStringLiteral(": cannot move to the trash: ") + trashError;
        if (untrashed) {
          untrashed->insert(path, why);
        } else if (errors) {
          *errors << why;
        }
        continue;
      }
    } else if (!file.remove()) {
      if (errors) *errors << path + QStringLiteral(": cannot delete: ") + file.errorString();
      continue;
    }
    ++removed;
  }
  if (removed > 0) {
    m_entries.erase(
        std::remove_if(m_entries.begin(), m_entries.end(),
                       [](const Entry& entry) { return !QFileInfo::exists(entry.path); }),
        m_entries.end());
    Q_EMIT changed();
  }
  return removed;
}

QString ResultLibrary::importFile(const QString& sourcePath, QString* error, bool* alreadyThere) {
  if (alreadyThere) *alreadyThere = false;
  const QString source = QFileInfo(sourcePath).absoluteFilePath();
  // Validate and copy the very same bytes, so a file changing in between cannot slip through.
  std::string bytes;
  RunResult result;
  try {
    bytes = readResultText(toStdString(source));
    result = fromJson(bytes, toStdString(source));
  } catch (const std::exception& e) {
    QString why = toQString(table::printable(e.what()));
    // A name that is not UTF-8 (an old Latin-1 name, say) reached Qt with a replacement
    // character for its odd bytes, so the name asked for is not the file's.
    if (source.contains(QChar::ReplacementCharacter))
      why += QStringLiteral(": its name is not valid UTF-8, which the app cannot open; rename the file");
    setError(error, why);
    return QString();
  }

  catchUp();
  if (const Entry* existing = findIdentical(result)) {
    if (alreadyThere) *alreadyThere = true;
    return existing->path;
  }
  // A file already in the folder (saved there by the CLI under a name of its own, say) is listed
  // as it is, not copied next to itself; one the folder's scan would not list (a hidden file,
  // "run.json.bak") is copied under a proper name instead.
  const QFileInfo sourceInfo(source);
  if (isInsideFolder(source) && !sourceInfo.fileName().startsWith(QLatin1Char('.')) &&
      sourceInfo.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0) {
    addEntry(source, result);
    if (alreadyThere) *alreadyThere = true;
    return source;
  }
  QString copyError;
  const QString path = claimSlot(result, bytes, QFileInfo(source).fileName(),
                                 &copyError);
  if (path.isEmpty()) setError(error, source + QStringLiteral(": cannot copy: ") + copyError);
  return path;
}

}  // namespace tb::ui
