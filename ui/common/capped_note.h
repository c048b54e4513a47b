// A word-wrapped note of at most a few lines at its width: a longer text is cut at the end,
// marked, and whole in its tooltip. The comparison's note on runs of different sizes named every
// size and group, and with hundreds of runs open took the height the table's rows needed.
#pragma once

#include <QLabel>
#include <QString>

namespace tb::ui {

class CappedNote final : public QLabel {
  Q_OBJECT

 public:
  explicit CappedNote(int maxLines, QWidget* parent = nullptr);

  // The whole text; shown cut where it needs more than the lines allowed.
  void setNote(const QString& text);
  const QString& note() const { return m_note; }

 protected:
  void resizeEvent(QResizeEvent* event) override;
  // Qt delivers a hidden widget's pending resize before it counts as visible: set while its tab
  // was hidden, the note was cut only at the next change of width.
  void showEvent(QShowEvent* event) override;
  void changeEvent(QEvent* event) override;  // a new font: new line heights

 private:
  void fit();
  void holdShownHeight();

  int m_maxLines;
  QString m_note;
  int m_fittedWidth = -1;  // the width the shown text was cut for
};

}  // namespace tb::ui
