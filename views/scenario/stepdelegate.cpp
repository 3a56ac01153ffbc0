// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario/stepdelegate.h"

#include "scenario/scenariostepsmodel.h"

#include <QComboBox>
#include <QLineEdit>

namespace cmascope::views {

QWidget* StepItemDelegate::createEditor(
    QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QStringList choices = index.data(ScenarioStepsModel::ChoicesRole).toStringList();
    if (choices.isEmpty()) {
        QWidget* editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto* line = qobject_cast<QLineEdit*>(editor)) {
            line->setPlaceholderText(index.data(ScenarioStepsModel::PlaceholderRole).toString());
            line->setAlignment(Qt::Alignment(index.data(Qt::TextAlignmentRole).toInt()));
        }
        return editor;
    }
    auto* combo = new QComboBox(parent);
    combo->setEditable(index.data(ScenarioStepsModel::FreeTextRole).toBool());
    combo->addItems(choices);
    // A choice is complete when it is made: commit at once rather than on focus loss.
    auto* self = const_cast<StepItemDelegate*>(this);
    connect(combo, &QComboBox::activated, self, [self, combo] {
        Q_EMIT self->commitData(combo);
        Q_EMIT self->closeEditor(combo);
    });
    return combo;
}

void StepItemDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const
{
    auto* combo = qobject_cast<QComboBox*>(editor);
    if (!combo) {
        QStyledItemDelegate::setEditorData(editor, index);
        return;
    }
    const QString text = index.data(Qt::EditRole).toString();
    int i = combo->findText(text);
    if (i < 0) { // a value the choices do not offer (a device the platform does not list): keep it
        combo->insertItem(0, text);
        i = 0;
    }
    combo->setCurrentIndex(i);
}

void StepItemDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const
{
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        model->setData(index, combo->currentText(), Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

} // namespace cmascope::views
