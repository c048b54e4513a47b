// Where the results library and the datasets live by default (io/user_folders.h): the same
// absolute folder whatever the working folder, as the CLI and the app must both find it.
#include "data/data_paths.h"
#include "io/user_folders.h"
#include "results/result_paths.h"

#include "../support/scoped_env.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using tbtest::ScopedEnv;

namespace {

QString dataHome() { return QString::fromStdString(tb::userDataHome()); }

}  // namespace

class TestUserFolders : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void absoluteXdgDataHomeIsUsed() {
    const ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
    const ScopedEnv home("HOME", "/home/someone");
    QCOMPARE(dataHome(), QStringLiteral("/xdg"));
  }

  // The XDG specification: a relative $XDG_DATA_HOME is invalid and ignored. Used, it put each
  // working folder's runs in its own library, which neither the app nor a later run found.
  void relativeXdgDataHomeIsIgnored() {
    const ScopedEnv xdg("XDG_DATA_HOME", "rel");
    const ScopedEnv home("HOME", "/home/someone");
    const ScopedEnv results("TRAINBENCH_RESULTS_DIR", QByteArray());
    const ScopedEnv data("TRAINBENCH_DATA_DIR", QByteArray());
    QCOMPARE(dataHome(), QStringLiteral("/home/someone/.local/share"));
    QCOMPARE(QString::fromStdString(tb::defaultResultsDir()),
             QStringLiteral("/home/someone/.local/share/trainbench/results"));
    QCOMPARE(QString::fromStdString(tb::defaultDataRoot()),
             QStringLiteral("/home/someone/.local/share/trainbench/datasets"));
  }

  // No $HOME (a service manager's environment): the account's home folder from the password
  // database, not ./.local/share under whatever folder the run started in.
  void missingHomeUsesTheAccountsHome() {
    const passwd* account = getpwuid(getuid());
    if (account == nullptr || account->pw_dir == nullptr || account->pw_dir[0] != '/') {
      QSKIP("this account has no absolute home folder in the password database");
    }
    const ScopedEnv xdg("XDG_DATA_HOME", QByteArray());
    const ScopedEnv home("HOME", QByteArray());
    QCOMPARE(dataHome(), QDir::cleanPath(QString::fromLocal8Bit(account->pw_dir)) +
                             QStringLiteral("/.local/share"));
    const ScopedEnv relativeHome("HOME", "somewhere");
    QCOMPARE(dataHome(), QDir::cleanPath(QString::fromLocal8Bit(account->pw_dir)) +
                             QStringLiteral("/.local/share"));
  }

  // The app's settings folder follows the same rules: $XDG_CONFIG_HOME when absolute, else the
  // home folder's .config, the account's home without $HOME (Qt's own choice was /.config).
  void configHomeFollowsTheDataHomesRules() {
    const ScopedEnv xdg("XDG_CONFIG_HOME", "/xdg-config");
    const ScopedEnv home("HOME", "/home/someone");
    QCOMPARE(QString::fromStdString(tb::userConfigHome()), QStringLiteral("/xdg-config"));
    const ScopedEnv relative("XDG_CONFIG_HOME", "rel");
    QCOMPARE(QString::fromStdString(tb::userConfigHome()), QStringLiteral("/home/someone/.config"));
    const passwd* account = getpwuid(getuid());
    if (account == nullptr || account->pw_dir == nullptr || account->pw_dir[0] != '/') {
      QSKIP("this account has no absolute home folder in the password database");
    }
    const ScopedEnv noHome("HOME", QByteArray());
    QCOMPARE(QString::fromStdString(tb::userConfigHome()),
             QDir::cleanPath(QString::fromLocal8Bit(account->pw_dir)) + QStringLiteral("/.config"));
  }

  void anExplicitFolderWins() {
    const ScopedEnv results("TRAINBENCH_RESULTS_DIR", "/r");
    const ScopedEnv data("TRAINBENCH_DATA_DIR", "/d");
    QCOMPARE(QString::fromStdString(tb::defaultResultsDir()), QStringLiteral("/r"));
    QCOMPARE(QString::fromStdString(tb::defaultDataRoot()), QStringLiteral("/d"));
  }

  // A "~" the shell did not expand (systemd's Environment=, a Dockerfile's ENV, a quoted value)
  // saved into a folder named "~" below the working folder, while "Result saved to ~/results"
  // read as the home folder. It is the home folder; a relative value is made absolute.
  void homeAndRelativeFoldersAreResolved() {
    const ScopedEnv home("HOME", "/home/someone");
    {
      const ScopedEnv results("TRAINBENCH_RESULTS_DIR", "~/results");
      const ScopedEnv data("TRAINBENCH_DATA_DIR", "~");
      QCOMPARE(QString::fromStdString(tb::defaultResultsDir()), QStringLiteral("/home/someone/results"));
      QCOMPARE(QDir::cleanPath(QString::fromStdString(tb::defaultDataRoot())), QStringLiteral("/home/someone"));
    }
    {
      const ScopedEnv results("TRAINBENCH_RESULTS_DIR", "~//results");  // not the root's /results
      const ScopedEnv data("TRAINBENCH_DATA_DIR", "~/");
      QCOMPARE(QString::fromStdString(tb::defaultResultsDir()), QStringLiteral("/home/someone/results"));
      QCOMPARE(QDir::cleanPath(QString::fromStdString(tb::defaultDataRoot())), QStringLiteral("/home/someone"));
    }
    const ScopedEnv results("TRAINBENCH_RESULTS_DIR", "runs/today");
    const ScopedEnv data("TRAINBENCH_DATA_DIR", "~someone-else/data");  // not ours to expand
    QCOMPARE(QString::fromStdString(tb::defaultResultsDir()), QDir::currentPath() + QStringLiteral("/runs/today"));
    QCOMPARE(QString::fromStdString(tb::defaultDataRoot()),
             QDir::currentPath() + QStringLiteral("/~someone-else/data"));
  }
};

QTEST_GUILESS_MAIN(TestUserFolders)
#include "tst_user_folders.moc"
