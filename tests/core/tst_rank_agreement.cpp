// Ranks of a data-parallel run compare their settings before training: the same settings agree,
// defaults agree with their explicit values, device indices do not matter, and a difference is
// named with both values.
#include "dist/rank_agreement.h"

#include <QtTest>

class TestRankAgreement : public QObject {
  Q_OBJECT

 private:
  static std::string encoded(const tb::RunConfig& config, bool strong = false,
                             double bucketMegabytes = 25.0) {
    return tb::encodeRankSettings(tb::rankSettings(config, strong, bucketMegabytes));
  }

 private Q_SLOTS:
  void sameSettingsAgree() {
    tb::RunConfig config;
    QVERIFY(tb::rankDisagreement({encoded(config), encoded(config), encoded(config)}).empty());
  }

  void defaultsAgreeWithTheirValues() {
    tb::RunConfig implicit;
    tb::RunConfig explicitly;
    explicitly.epochs = 10;  // fashion-mlp's default
    explicitly.batchSize = 32;
    QVERIFY(tb::rankDisagreement({encoded(implicit), encoded(explicitly)}).empty());
  }

  void eachRankHasItsOwnGpu() {
    tb::RunConfig first;
    first.device = "cuda:0";
    tb::RunConfig second = first;
    second.device = "cuda:1";
    QVERIFY(tb::rankDisagreement({encoded(first), encoded(second)}).empty());
    second.device = "cpu";
    QCOMPARE(QString::fromStdString(tb::rankDisagreement({encoded(first), encoded(second)})),
             QStringLiteral("ranks disagree on --device: rank 0 has cuda, rank 1 has cpu"));
  }

  void differenceIsNamed_data() {
    QTest::addColumn<QString>("expected");
    QTest::newRow("epochs") << "ranks disagree on --epochs: rank 0 has 10, rank 2 has 3";
    QTest::newRow("precision") << "ranks disagree on --precision: rank 0 has fp32, rank 2 has bf16";
    QTest::newRow("scaling") << "ranks disagree on --scaling: rank 0 has weak, rank 2 has strong";
    QTest::newRow("workload") << "ranks disagree on --workload: rank 0 has fashion-mlp, rank 2 has "
                                 "cifar10-resnet50";
    // Other bucket sizes make other exchanges: Gloo aborted the rank mid-run.
    QTest::newRow("bucket") << "ranks disagree on --bucket-mb: rank 0 has 25, rank 2 has 0.001";
  }
  void differenceIsNamed() {
    QFETCH(QString, expected);
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    tb::RunConfig config;
    tb::RunConfig other = config;
    bool strong = false;
    double bucket = 25.0;
    if (tag == "bucket") bucket = 0.001;
    if (tag == "epochs") other.epochs = 3;
    if (tag == "precision") other.precision = "bf16";
    if (tag == "scaling") strong = true;
    if (tag == "workload") {
      other.workload = "cifar10-resnet50";
      other.epochs = 10;  // the same epochs, so the workload is the first difference
    }
    QCOMPARE(QString::fromStdString(tb::rankDisagreement(
                 {encoded(config), encoded(config), encoded(other, strong, bucket)})),
             expected);
  }

  // A rank of another version may send settings this one does not list.
  void unknownSettingsAreADifference() {
    const std::string mine = encoded(tb::RunConfig{});
    const std::string theirs = mine + "--new-flag=1\n";
    const std::string problem = tb::rankDisagreement({mine, theirs});
    QVERIFY2(problem.find("rank 1") != std::string::npos, problem.c_str());
  }
};

QTEST_GUILESS_MAIN(TestRankAgreement)
#include "tst_rank_agreement.moc"
