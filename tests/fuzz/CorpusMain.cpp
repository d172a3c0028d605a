// Runs a harness over every file of the given folders or files, once each: the seed corpus and
// any crash reproducers become a regression test that any compiler can build.
#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

// A failed invariant or an uncaught exception aborts; as a test that is a plain failure (exit 1),
// which CTest can also expect (WILL_FAIL) for known defects.
void failOnAbort(int)
{
    static const char message[] = "an input aborted the harness\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(1);
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGABRT, failOnAbort);
    int inputs = 0;
    for (int i = 1; i < argc; ++i) {
        const QString root = QFile::decodeName(argv[i]);
        QStringList files;
        if (QFileInfo(root).isDir()) {
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        } else {
            files << root;
        }
        files.sort();
        for (const QString &path : files) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
                return 1;
            }
            const QByteArray data = file.readAll();
            try {
                LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(data.constData()),
                                       std::size_t(data.size()));
            } catch (const std::exception &e) {
                std::fprintf(stderr, "%s: uncaught exception: %s\n", qPrintable(path), e.what());
                return 1;
            }
            ++inputs;
        }
    }
    std::printf("%d inputs, no invariant failed\n", inputs);
    // A folder that went missing would otherwise pass with nothing checked.
    return inputs > 0 ? 0 : 1;
}
