import Testing

@testable import Transport

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

/// What a server answers to STATUS and UID SEARCH: numbers past 32 bits are no numbers, so a
/// hostile or broken server cannot make the poll's arithmetic trap.
@Suite struct IMAPAnswerTests {
    @Test func statusAndSearchAnswersAreReadAsRFC3501Numbers() {
        let status = Array("* STATUS \"INBOX\" (UIDVALIDITY 1718000000 UIDNEXT 42)\r\nA3 OK\r\n".utf8)
        #expect(IMAPAnswer.number(after: "UIDVALIDITY", in: status) == 1_718_000_000)
        #expect(IMAPAnswer.number(after: "UIDNEXT", in: status) == 42)
        #expect(IMAPAnswer.number(after: "UIDNEXT", in: Array("UIDNEXT 9223372036854775807".utf8)) == nil)
        #expect(IMAPAnswer.number(after: "UIDNEXT", in: []) == nil)
        let search = Array(
            "* SEARCH 3 9 4 4294967295 4294967296 99999999999999999999 -1\r\n* SEARCH 12 2\r\nA4 OK\r\n".utf8)
        #expect(IMAPAnswer.searchUIDs(search, after: 3) == [4, 9, 12, 4_294_967_295])
    }
}
