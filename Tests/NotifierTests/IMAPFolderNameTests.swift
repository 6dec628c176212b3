import Testing

@testable import Notifier

/// Folder names as IMAP writes them: `Ulæselig` from SPEC.md's example reaches the server as
/// modified UTF-7 (RFC 3501 5.1.3), and plain names stay as they are.
@Suite struct IMAPFolderNameTests {
    @Test(arguments: [
        ("Behandlet", "Behandlet"), ("Ulæselig", "Ul&AOY-selig"), ("A&B", "A&-B"),
        // RFC 3501's own example: 台北 and 日本語.
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
    ])
    func namesAreWrittenInModifiedUTF7(name: String, written: String) {
        #expect(IMAPSettings.modifiedUTF7(name) == written)
    }

    @Test func aFolderNameIsPlainWithLettersOfAnyAlphabet() {
        #expect(IMAPSettings.isPlainFolderName("Ulæselig"))
        #expect(IMAPSettings.isPlainFolderName("Behandlet/2026"))
        #expect(!IMAPSettings.isPlainFolderName("Behandlede \"svar\""))
        #expect(!IMAPSettings.isPlainFolderName("a*"))
        #expect(!IMAPSettings.isPlainFolderName(""))
    }
}
