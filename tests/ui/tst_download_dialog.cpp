// Datasets on demand in the desktop app, against a local HTTP server: the download dialog's
// progress, Cancel and failure, and Run on a missing dataset offering "Download (size)" or
// "Use synthetic data". Set TRAINBENCH_GRAB_DIR to keep PNGs of the dialogs for a look.
#include "common/metatypes.h"
#include "data/dataset_gate.h"
#include "data/download_dialog.h"
#include "model/run_collection.h"
#include "panels/setup_panel.h"
#include "run/run_controller.h"
#include "window/main_window.h"

#include "../support/http_test_server.h"
#include "../support/idx_fixtures.h"
#include "../support/proxy_variables.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace tb::ui;
using tbtest::HttpReply;
using tbtest::HttpRequest;
using tbtest::HttpTestServer;

namespace {

void grab(QWidget* widget, const QString& name) {
  const QString folder = qEnvironmentVariable("TRAINBENCH_GRAB_DIR");
  if (!folder.isEmpty()) widget->grab().save(QDir(folder).filePath(name));
}

// Answers the next modal QMessageBox by clicking the button whose text starts with `prefix`,
// recording every button's text first.
class QuestionAnswerer : public QObject {
 public:
  explicit QuestionAnswerer(QString prefix) : m_prefix(std::move(prefix)) {
    m_timer.setInterval(20);
    QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (box == nullptr || !box->isVisible()) return;
      m_timer.stop();
      m_asked = true;
      m_text = box->text();
      grab(box, QStringLiteral("question.png"));
      for (QAbstractButton* button : box->buttons()) {
        m_buttons << button->text();
        if (button->text().startsWith(m_prefix))
          QTimer::singleShot(0, button, &QAbstractButton::click);
      }
    });
    m_timer.start();
  }
  bool asked() const { return m_asked; }
  QStringList buttons() const { return m_buttons; }
  QString text() const { return m_text; }

 private:
  QString m_prefix;
  QTimer m_timer;
  bool m_asked = false;
  QStringList m_buttons;
  QString m_text;
};

}  // namespace

class DownloadDialogTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  static constexpr std::size_t kHoldAt = 300 * 1000;
  static constexpr int kGenerousMs = 60000;  // waits fail the test only when nothing happens
  const std::string m_big = std::string(400 * 1000, 'b');
  std::map<std::string, std::string> m_files = tbtest::mnistLayoutFiles(96, 32);

  tb::DatasetSource bigSource(const std::string& mirror) const {
    return {"toy",
            "Toy",
            {mirror},
            {{"big.bin", static_cast<std::int64_t>(m_big.size()), tbtest::md5Hex(m_big), {}}}};
  }

  // Fashion-MNIST as served by `server`: the generated files with their own checksums.
  tb::DatasetSource fixtureFashion(const HttpTestServer& server) const {
    tb::DatasetSource source = *tb::findDatasetSource("fashion-mnist");
    source.mirrors = {server.url("/")};
    for (auto& file : source.files) {
      file.size = static_cast<std::int64_t>(m_files.at(file.name).size());
      file.md5 = tbtest::md5Hex(m_files.at(file.name));
    }
    return source;
  }

  // The generated files by name, as a mirror serves them; 404 for anything else.
  HttpReply serveFixture(const HttpRequest& request) const {
    const auto it = m_files.find(request.path.substr(request.path.rfind('/') + 1));
    if (it != m_files.end()) return tbtest::fileReply(request, it->second);
    HttpReply missing;
    missing.status = 404;
    return missing;
  }

  // The big file, trickled (~1.5 s) so the dialog measures a rate, then held at 300 kB until the
  // test calls server.release(): the test sees the transfer in progress however slow the machine.
  HttpReply heldBig(const HttpRequest&) const {
    HttpReply reply;
    reply.body = m_big;
    reply.chunkSize = 2000;
    reply.chunkDelayMs = 10;
    reply.holdAt = kHoldAt;
    return reply;
  }

  // A fresh window whose data root is an empty folder and whose run is tiny and real-data.
  std::unique_ptr<MainWindow> tinyWindow(const QString& name) {
    qputenv("TRAINBENCH_DATA_DIR", m_dir.filePath(name + QStringLiteral("/data")).toUtf8());
    auto window =
        std::make_unique<MainWindow>(m_dir.filePath(name + QStringLiteral("/settings.ini")),
                                     m_dir.filePath(name + QStringLiteral("/results")));
    SetupPanel* setup = window->setupPanel();
    setup->setWorkload(QStringLiteral("fashion-mlp"));
    setup->setCheckedDevices({QStringLiteral("cpu")});
    setup->setSynthetic(false);
    setup->setDataDir(QString());
    setup->setEpochs(1);
    setup->setTrainLimit(0);
    setup->setTestLimit(0);
    window->show();
    return window;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    registerMetaTypes();
    tbtest::clearProxyVariables();
    qunsetenv("TRAINBENCH_MIRROR");
  }

  // The dialog shows the bytes and the rate while it downloads, then closes by itself.
  void dialogShowsProgressAndCloses() {
    HttpTestServer server([this](const HttpRequest& r) { return heldBig(r); });
    DownloadDialog dialog(bigSource(server.url("/")), m_dir.filePath(QStringLiteral("progress")));
    QSignalSpy finished(&dialog, &QDialog::finished);
    dialog.show();
    dialog.start();
    QVERIFY(QTest::qWaitFor([&] { return dialog.progressText().contains(QStringLiteral("/s")); },
                            kGenerousMs));
    QVERIFY2(dialog.progressText().contains(QStringLiteral("kB of 400 kB")),
             qPrintable(dialog.progressText()));
    grab(&dialog, QStringLiteral("progress.png"));
    QCOMPARE(finished.count(), 0);  // held halfway: still downloading
    server.release();
    QVERIFY(finished.wait(kGenerousMs));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.state(), DownloadDialog::State::Done);
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("progress/big.bin"))));
  }

  // Cancel stops the transfer and leaves no file in place. The server holds the reply halfway
  // and is never released, so only Cancel can end this download.
  void cancelStopsTheDownload() {
    HttpTestServer server([this](const HttpRequest& r) { return heldBig(r); });
    DownloadDialog dialog(bigSource(server.url("/")), m_dir.filePath(QStringLiteral("cancel")));
    QSignalSpy finished(&dialog, &QDialog::finished);
    dialog.show();
    dialog.start();
    QVERIFY(QTest::qWaitFor([&] { return server.bytesSent() >= kHoldAt; }, kGenerousMs));
    dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel)->click();
    QVERIFY(finished.wait(kGenerousMs));
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(dialog.state(), DownloadDialog::State::Cancelled);
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("cancel/big.bin"))));
  }

  // A failed download stays on screen with the reason and a Retry button.
  void failureShowsWhyAndOffersRetry() {
    const std::string mirror =
        "http://127.0.0.1:" + std::to_string(HttpTestServer::closedPort()) + "/";
    DownloadDialog dialog(bigSource(mirror), m_dir.filePath(QStringLiteral("failed")));
    dialog.show();
    dialog.start();
    QVERIFY(QTest::qWaitFor([&] { return dialog.state() == DownloadDialog::State::Failed; },
                            kGenerousMs));
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.errorText().contains(QStringLiteral("no mirror reachable")),
             qPrintable(dialog.errorText()));
    QAbstractButton* retry = nullptr;
    for (auto* button : dialog.findChild<QDialogButtonBox*>()->buttons()) {
      if (button->text() == QStringLiteral("Retry")) retry = button;
    }
    QVERIFY(retry != nullptr && retry->isVisible());
    // The whole message shows, down to its last words (the fix): the label is as tall as its
    // wrapped text.
    QLabel* error = nullptr;
    for (auto* label : dialog.findChildren<QLabel*>()) {
      if (label->isVisible() && label->text() == dialog.errorText()) error = label;
    }
    QVERIFY(error != nullptr);
    QVERIFY(QTest::qWaitFor(
        [&] { return error->height() >= error->heightForWidth(error->width()); }, kGenerousMs));
    grab(&dialog, QStringLiteral("failed.png"));
  }

  // Run on a missing dataset asks first; "Use synthetic data" switches the setup and runs.
  void runOnMissingDataOffersSynthetic() {
    auto window = tinyWindow(QStringLiteral("synthetic"));
    window->setupPanel()->setTrainLimit(256);
    window->setupPanel()->setTestLimit(64);
    QSignalSpy idle(window->controller(), &RunController::idle);
    QuestionAnswerer answer(QStringLiteral("Use synthetic data"));
    QTest::mouseClick(window->setupPanel()->runButton(), Qt::LeftButton);
    QVERIFY(answer.asked());
    QVERIFY2(answer.buttons().contains(QStringLiteral("Download (30.9 MB)")),
             qPrintable(answer.buttons().join(QLatin1Char('|'))));
    QVERIFY(answer.text().contains(QStringLiteral("Fashion-MNIST")));
    QVERIFY(window->setupPanel()->configs()[0].synthetic);
    QVERIFY(idle.wait(60000));
    QCOMPARE(window->collection()->count(), 1);
    QCOMPARE(window->collection()->at(0).result.workload.dataSource, std::string("synthetic"));
  }

  // "Download" fetches the dataset into the data root, then the run trains on those files.
  void runOnMissingDataDownloadsThenRuns() {
    HttpTestServer server([this](const HttpRequest& request) { return serveFixture(request); });
    auto window = tinyWindow(QStringLiteral("download"));
    const tb::DatasetSource fixture = fixtureFashion(server);
    window->datasetGate()->setSourceLookup([fixture](const std::string& name) {
      return name == fixture.dataset ? std::optional<tb::DatasetSource>(fixture) : std::nullopt;
    });
    QSignalSpy idle(window->controller(), &RunController::idle);
    QuestionAnswerer answer(QStringLiteral("Download ("));
    QTest::mouseClick(window->setupPanel()->runButton(), Qt::LeftButton);
    QVERIFY(answer.asked());
    QVERIFY(QFile::exists(
        m_dir.filePath(QStringLiteral("download/data/fashion-mnist/train-images-idx3-ubyte.gz"))));
    QVERIFY(window->controller()->isBusy());  // the run started after the download
    QVERIFY(idle.wait(60000));
    const auto& result = window->collection()->at(0).result;
    // The test server's small files are not the published set: custom files, as the app says.
    QCOMPARE(result.workload.dataSource, std::string("custom files"));
    QCOMPARE(result.workload.trainSamples, std::int64_t{96});
  }

  // A downloaded file of the right size but damaged (the run fails on it) can be repaired from
  // the menu: the entry stays available, checks every file and downloads the wrong one again.
  void damagedDownloadIsRepairedFromTheMenu_data() {
    QTest::addColumn<QString>("layout");
    QTest::newRow("in its own folder") << QStringLiteral("/fashion-mnist");
    QTest::newRow("in the data folder itself") << QString();  // where run reads it then
  }
  void damagedDownloadIsRepairedFromTheMenu() {
    QFETCH(QString, layout);
    HttpTestServer server([this](const HttpRequest& request) { return serveFixture(request); });
    const QString name = layout.isEmpty() ? QStringLiteral("repair-flat") : QStringLiteral("repair");
    auto window = tinyWindow(name);
    const tb::DatasetSource fixture = fixtureFashion(server);
    window->datasetGate()->setSourceLookup([fixture](const std::string& name) {
      return name == fixture.dataset ? std::optional<tb::DatasetSource>(fixture) : std::nullopt;
    });
    const QString folder = m_dir.filePath(name + QStringLiteral("/data") + layout);
    QVERIFY(QDir().mkpath(folder));
    for (const auto& [name, content] : m_files) {
      QFile file(folder + QLatin1Char('/') + QString::fromStdString(name));
      QVERIFY(file.open(QIODevice::WriteOnly));
      // The training images zeroed: the right size, the wrong bytes.
      file.write(name == "train-images-idx3-ubyte.gz" ? QByteArray(content.size(), '\0')
                                                      : QByteArray::fromStdString(content));
    }

    QMenu* menu = nullptr;
    for (QMenu* candidate : window->findChildren<QMenu*>()) {
      if (candidate->title() == QStringLiteral("&Download dataset")) menu = candidate;
    }
    QVERIFY(menu);
    Q_EMIT menu->aboutToShow();
    QAction* fashion = nullptr;
    for (QAction* action : menu->actions()) {
      if (action->text().startsWith(QStringLiteral("Fashion-MNIST"))) fashion = action;
    }
    QVERIFY(fashion);
    QVERIFY2(fashion->isEnabled() && fashion->text().contains(QStringLiteral("repair")),
             qPrintable(fashion->text()));
    fashion->trigger();  // the dialog downloads, then closes by itself
    const QByteArray good = QByteArray::fromStdString(m_files.at("train-images-idx3-ubyte.gz"));
    QVERIFY(QTest::qWaitFor(
        [&] {
          QFile repaired(folder + QStringLiteral("/train-images-idx3-ubyte.gz"));
          return repaired.open(QIODevice::ReadOnly) && repaired.readAll() == good;
        },
        kGenerousMs));
    QCOMPARE(server.requests().size(), std::size_t{1});  // only the damaged file
    // Mended where it was, not fetched whole beside it.
    QCOMPARE(QDir(m_dir.filePath(name + QStringLiteral("/data"))).exists(QStringLiteral("fashion-mnist")),
             !layout.isEmpty());
  }

  // Cancel in the question starts nothing.
  void cancelInTheQuestionStartsNothing() {
    auto window = tinyWindow(QStringLiteral("cancelled"));
    QuestionAnswerer answer(QStringLiteral("Cancel"));
    window->requestRuns();
    QVERIFY(answer.asked());
    QVERIFY(!window->controller()->isBusy());
    QVERIFY(!window->setupPanel()->configs()[0].synthetic);
  }
};

QTEST_MAIN(DownloadDialogTest)
#include "tst_download_dialog.moc"
