// Result files that would cost the reader too much: nesting, width and size past the caps are
// refused cheaply and by name, the largest file the app writes still reads, a damaged value is
// quoted short, and a FIFO never blocks. The format itself: tst_result_file.
#include "results/result_file.h"
#include "telemetry/telemetry_sampler.h"

#include "../support/fifo_guard.h"
#include "../support/result_file_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <functional>
#include <string>

using namespace tb;
using namespace tbtest;

class TestResultFileLimits : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // 57 MB of nested brackets once took 4.6 GB and 42 s to refuse: the parser built a node per
  // bracket. The depth limit refuses it before parsing; brackets inside strings do not count,
  // and a later writer's unknown key nested well within the limit still loads.
  void deepNestingIsRefusedCheaply() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString brackets = dir.filePath("brackets.json");
    writeText(brackets, QByteArray(48 << 20, '['));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const long before = usage.ru_maxrss;
    const QString message = errorOf([&] { readResultFile(brackets.toStdString()); });
    QCOMPARE(message, brackets + ": not a TrainBench result: nested deeper than 64 levels");
    getrusage(RUSAGE_SELF, &usage);
    // The text itself (48 MiB) is read; nothing of the order of a node per bracket is built.
    QVERIFY2(usage.ru_maxrss - before < 256 * 1024, qPrintable(QString::number(usage.ru_maxrss)));

    QJsonObject json = jsonOf(editableResult());
    QJsonValue nested = QString(30, u'[') + QStringLiteral("\\\"{");  // text, not nesting
    for (int level = 0; level < 40; ++level) nested = QJsonArray{nested};
    json.insert("later_key", nested);
    const RunResult back = fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
    QCOMPARE(back.device.id, std::string("cuda:0"));
  }

  // Wide as well as deep: 21 million empty objects fit in 64 MiB and took 2.4 GB to parse
  // before they were accepted. Refused once past four million values (twice the most a result
  // of 100 000 epochs and a full GPU timeline holds).
  void wideDocumentIsRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString wide = dir.filePath("wide.json");
    QByteArray text = QJsonDocument(jsonOf(editableResult())).toJson(QJsonDocument::Compact);
    text.chop(1);
    text += ",\"x\":[";
    for (int i = 0; i < 4'100'000; ++i) text += "0,";
    text += "0]}";
    writeText(wide, text);
    const QString message = errorOf([&] { readResultFile(wide.toStdString()); });
    QCOMPARE(message, wide + ": not a TrainBench result: more than 4000000 values");
  }

  // The cap counts values as a parser does (here, in the text before parsing): a document of
  // exactly four million is read, one more is refused. Brackets, colons and commas inside
  // strings, and empty containers, count as what they are.
  void valueCapIsExact() {
    QJsonObject json = jsonOf(editableResult());
    json.insert("later_text", QStringLiteral("a: [1, {\"b\": 2}], \\"));
    json.insert("later_empty", QJsonArray{QJsonObject{}, QJsonArray{}});
    const std::function<std::size_t(const QJsonValue&)> count = [&](const QJsonValue& value) {
      std::size_t values = 1;
      if (value.isArray()) {
        for (const QJsonValue& element : value.toArray()) values += count(element);
      } else if (value.isObject()) {
        for (const QJsonValue& member : value.toObject()) values += count(member);
      }
      return values;
    };
    const std::size_t before = count(json) + 1;  // and the array of zeros below
    QByteArray text = QJsonDocument(json).toJson(QJsonDocument::Compact);
    text.chop(1);
    text += ",\"zeros\": [";
    const std::size_t zeros = 4'000'000 - before;
    text.reserve(text.size() + 2 * static_cast<qsizetype>(zeros) + 8);
    for (std::size_t i = 0; i < zeros; ++i) text += i == 0 ? "0" : ", 0";
    const RunResult read = fromJson((text + "]}").toStdString(), "exact");
    QCOMPARE(read.device.id, std::string("cuda:0"));
    const QString message = errorOf([&] { fromJson((text + ", 0]}").toStdString(), "one more"); });
    QCOMPARE(message, QStringLiteral("one more: not a TrainBench result: more than 4000000 values"));
  }

  // The largest result the app writes (the CLI's 100 000 epochs, a timeline thinned to its
  // cap, each sample with a GPU) is read back: the cap on values leaves it room.
  void largestWrittenResultIsRead() {
    RunResult big = editableResult();
    big.config.epochs = 100000;
    big.epochs.assign(100000, big.epochs.front());
    for (std::size_t e = 0; e < big.epochs.size(); ++e) big.epochs[e].epoch = static_cast<int>(e) + 1;
    big.totalSeconds = 3.25 * 100000 + 1.0;  // timed around every epoch
    TelemetrySample sample;
    sample.cpuPercent = 50.0;
    sample.processCpuPercent = 90.0;
    sample.rssMb = 800.0;
    sample.gpus = {GpuSample{"cuda:0", 99.0, 1000.0, 80000.0, 300.0, 60.0, 1980.0}};
    big.timeline.assign(kMaxTimelineSamples, sample);
    for (std::size_t i = 0; i < big.timeline.size(); ++i) big.timeline[i].t = 0.5 * i;
    const RunResult back = fromJson(toJson(big), "big");
    QCOMPARE(back.epochs.size(), big.epochs.size());
    QCOMPARE(back.timeline.size(), big.timeline.size());
  }

  // A message quotes a damaged file's value only in part: a 2 MB status once made a 2 MB error,
  // which the app's word-wrapping notice took minutes to lay out.
  void hugeValuesAreQuotedShort() {
    QJsonObject json = jsonOf(editableResult());
    json.insert("status", QString(2'000'000, u'x'));
    const QString status = errorOf(
        [&] { fromJson(QJsonDocument(json).toJson().toStdString(), "mem"); });
    QVERIFY2(status.startsWith(QLatin1String("mem: unknown status \"xxx")), qPrintable(status.left(200)));
    QVERIFY2(status.contains(QStringLiteral("\u2026\" (expected completed")), qPrintable(status.left(200)));
    QVERIFY2(status.size() < 200, qPrintable(status.left(200)));
    const QString parse = errorOf([&] {
      fromJson("{\"schema\": \"trainbench-result/1\", \"error\": \"" + std::string(2'000'000, 'y'),
               "mem");
    });
    QVERIFY2(parse.startsWith(QLatin1String("mem: not valid JSON")), qPrintable(parse.left(200)));
    QVERIFY2(parse.size() < 500, qPrintable(parse.left(200)));
  }

  // A FIFO as a result (given to `show`, or in the results library the app scans at start)
  // once blocked the reader forever in open(); it must be refused at once and by name. The 10 s
  // wait only keeps a regression from hanging the suite.
  void fifoIsRefusedWithoutBlocking() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    tbtest::Fifo fifo(dir.filePath("pipe.json").toStdString());
    QVERIFY(fifo.ok());
    bool timedOut = false;
    const std::string error = fifo.errorOf([&] { readResultFile(fifo.path()); }, timedOut);
    QVERIFY2(!timedOut, "readResultFile blocked on a FIFO");
    QCOMPARE(QString::fromStdString(error),
             QString::fromStdString(fifo.path() + ": not a regular file (it is a FIFO)"));
    // A folder is named as such rather than failing later with a read error.
    QVERIFY(errorOf([&] {
              readResultFile(dir.path().toStdString());
            }).endsWith(QStringLiteral(": cannot open: it is a directory")));
  }
};

QTEST_APPLESS_MAIN(TestResultFileLimits)
#include "tst_result_file_limits.moc"
