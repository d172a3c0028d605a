#pragma once

#include "Migrator.h"

#include <QWizard>

class QCheckBox;
class QLabel;
class QProgressBar;

namespace Choragen {

class ProviderListModel;

// "Secure your API keys": what was found in the file (masked, each with a checkbox), the move
// itself (a bar and a line per key), and the result. It drives the same Migrator as `--migrate`,
// so verification, conflicts and crash safety are the same.
class MigrationWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { FoundPageId, ProgressPageId, ResultPageId };
    enum class Outcome {
        NotNow, ///< closed without a choice: ask again on the next launch
        KeptInFile, ///< `credentialStorage: "file"` recorded: stop asking
        Migrated, ///< the migration ran (see report())
    };
    Q_ENUM(Outcome)
    static constexpr WizardButton NotNowButton = CustomButton1;
    static constexpr WizardButton KeepInFileButton = CustomButton2;

    explicit MigrationWizard(ProviderListModel &model, QWidget *parent = nullptr);
    ~MigrationWizard() override;

    Outcome outcome() const { return m_outcome; }
    bool isRunning() const { return m_running; }
    bool isFinished() const { return m_finished; }
    const MigrationReport &report() const { return m_report; }

    // The providers found in the file, and those checked for moving.
    QStringList foundProviders() const { return m_found; }
    QStringList selectedProviders() const;

    ProviderListModel &model() { return m_model; }

    void reject() override;

Q_SIGNALS:
    void migrationFinished();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    friend class FoundPage;
    friend class ProgressPage;
    friend class ResultPage;

    QString labelOf(const QString &providerId) const;
    void updateButtonLayout(int pageId);
    void keepKeysInFile();
    void startMigration();

    ProviderListModel &m_model;
    Migrator m_migrator;
    QStringList m_found;
    QList<QCheckBox *> m_checkBoxes;
    Outcome m_outcome = Outcome::NotNow;
    bool m_running = false;
    bool m_finished = false;
    MigrationReport m_report;
    QLabel *m_foundErrorLabel = nullptr;
};

} // namespace Choragen
