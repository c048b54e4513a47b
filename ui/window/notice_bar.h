// A non-modal notice strip above the main area: run failures and import errors appear here
// without stopping the user (the app keeps working, the next queued run starts).
#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;

namespace tb::ui {

class NoticeBar final : public QFrame {
  Q_OBJECT

 public:
  explicit NoticeBar(QWidget* parent = nullptr);

  // Adds `text` to the notices shown (the latest few, newest last; red if any is an error), in
  // place of `replacing` where that is one of them: a notice the new one makes out of date.
  void showNotice(const QString& text, bool error, const QString& replacing = {});
  QString text() const;
  // Whether a notice shown is an error (the bar is red).
  bool showsError() const { return !isHidden() && !m_errors.isEmpty(); }

 private:
  static constexpr int kMaxNotices = 3;
  static constexpr int kMaxNoticeChars = 600;
  QLabel* m_label;
  QLabel* m_errorIcon;  // an error is marked by more than the bar's red
  QStringList m_notices;
  QStringList m_errors;  // those of m_notices that are errors: the red goes with the last one
};

}  // namespace tb::ui
