#pragma once

#include <QList>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace Choragen {

class ProviderListModel;
struct ExposureReport;

// A warning row per key in use that reached git, and one for a config file git tracks or would
// add while it holds keys: the same advice as the command line, with the provider's key page as
// a link for built-in providers. Empty and hidden for a clean project. The git checks run on a
// worker thread (checkProjectExposure): the window never waits for them.
class ExposureWarnings : public QWidget
{
    Q_OBJECT
public:
    explicit ExposureWarnings(ProviderListModel &model, QWidget *parent = nullptr);
    ~ExposureWarnings() override;

    // Starts a check; a result that arrives after a newer check started is dropped.
    void refresh();
    QList<QLabel *> warningLabels() const { return m_labels; }

Q_SIGNALS:
    // A check finished and the rows show its result.
    void checked();

private:
    void showReport(const ExposureReport &report);
    QLabel *addWarning(const QString &objectName, const QString &html);

    ProviderListModel &m_model;
    QVBoxLayout *m_layout = nullptr;
    QList<QLabel *> m_labels;
    int m_generation = 0;
};

} // namespace Choragen
