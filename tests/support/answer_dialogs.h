// Answers the modal dialogs a test's next action opens, from a timer, so the action's own
// event loop can run them as a user would.
#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>

#include <memory>

namespace tbtest {

// Answers the question a close during a run asks ("Stop the run?") with `answer` (Yes: Stop and
// Quit, No: Keep Training), every time it comes; sets *asked when it did.
inline std::unique_ptr<QTimer> answerStopQuestion(QMessageBox::StandardButton answer, bool* asked) {
  auto timer = std::make_unique<QTimer>();
  QObject::connect(timer.get(), &QTimer::timeout, timer.get(), [answer, asked] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (box && box->windowTitle() == QStringLiteral("Stop the run?")) {
      *asked = true;
      box->button(answer)->click();
    }
  });
  timer->start(50);
  return timer;
}

// A file dialog gets `path` typed in, and a question (whether to replace a file, what to do
// with unsaved results) gets `answer` (`asked` set when it came). After "No" the file dialog is
// still open, and is cancelled. The answers stop with the returned timer.
inline std::unique_ptr<QTimer> answerDialogs(const QString& path,
                                             QMessageBox::StandardButton answer, bool* asked) {
  auto timer = std::make_unique<QTimer>();
  auto typed = std::make_shared<bool>(false);
  QObject::connect(timer.get(), &QTimer::timeout, timer.get(), [typed, path, answer, asked] {
    QWidget* modal = QApplication::activeModalWidget();
    auto* dialog = qobject_cast<QFileDialog*>(modal);
    if (auto* box = qobject_cast<QMessageBox*>(modal)) {
      // Another question (one answerStopQuestion answers) is not this one's.
      if (QAbstractButton* button = box->button(answer)) {
        *asked = true;
        button->click();
      }
    } else if (dialog && !*typed) {
      *typed = true;
      // As typed: the name field has the focus, where selectFile() leaves the text alone.
      dialog->setDirectory(QFileInfo(path).absolutePath());
      if (auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))) {
        name->setText(QFileInfo(path).fileName());
      }
      QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
    } else if (dialog && *asked) {
      dialog->reject();
    }
  });
  timer->start(50);
  return timer;
}

}  // namespace tbtest
