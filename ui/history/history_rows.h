// The cells of one History row, built from a saved result (see history_rows.cpp).
#pragma once

#include "history/result_library.h"

#include <QList>

class QStandardItem;

namespace tb::ui {

// Owned by the caller (the History model takes them with appendRow). The Machine column shows
// the host without `hostDomain`, the domain every listed host shares (host_names.h).
QList<QStandardItem*> historyRowItems(const ResultLibrary::Entry& entry,
                                      const QString& hostDomain = {});

}  // namespace tb::ui
