import Foundation

/// The inputs that cost each reader of outside input the most, made at any size (SPEC.md: every
/// parser of outside input takes time in proportion to its input). The tests read each at 256 KiB
/// under a time limit; bench/readers.sh, which compiles this file too, times them at 64 and 256 KiB.
public enum WorstInput {
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        /// The input at `size` bytes.
        public let make: @Sendable (_ size: Int) -> [UInt8]

        public var description: String { name }
    }

    /// The size the tests read.
    public static let testSize = 256 * 1024

    /// `unit` repeated to fill `size` bytes between `head` and `tail` (the last one cut short).
    public static func filled(_ head: String = "", _ unit: String, _ tail: String = "", size: Int) -> [UInt8] {
        let room = max(size - head.utf8.count - tail.utf8.count, 0)
        let pattern = Array(unit.utf8)
        var body = [UInt8]()
        body.reserveCapacity(room)
        while body.count < room { body += pattern.prefix(room - body.count) }
        return Array(head.utf8) + body + Array(tail.utf8)
    }

    /// A message of `size` bytes: a From line, `headers`, a blank line, and `unit` repeated as the body.
    static func mail(_ headers: String, body unit: String) -> @Sendable (Int) -> [UInt8] {
        { filled("From: Amira <amira@example.dk>\r\n" + headers + "\r\n", unit, size: $0) }
    }

    /// A message whose header `name` is `unit` repeated to fill `size` bytes.
    static func header(_ name: String, _ unit: String) -> @Sendable (Int) -> [UInt8] {
        { filled("From: amira@example.dk\r\n\(name): ", unit, "\r\n\r\nja\r\n", size: $0) }
    }

    /// Email that comes back to the replies address (InboundMail.read).
    public static let mail: [Case] = [
        Case(name: "html body of <", make: mail("Content-Type: text/html\r\n", body: "<")),
        Case(name: "html body of <blockquote>", make: mail("Content-Type: text/html\r\n", body: "<blockquote>")),
        Case(
            name: "html body of <p> in gmail_quote",
            make: mail("Content-Type: text/html\r\n", body: "<div class=gmail_quote><p>x")),
        Case(name: "html body of &#", make: mail("Content-Type: text/html\r\n", body: "&#1")),
        Case(name: "subject of =?aa", make: header("Subject", "=?aa")),
        Case(name: "subject of =?a?q?", make: header("Subject", "=?a?q?")),
        Case(name: "subject of encoded words", make: header("Subject", "=?utf-8?q?a?= ")),
        Case(name: "from of <", make: header("From", "<")),
        Case(name: "references of <", make: header("References", "<")),
        Case(name: "references of ids", make: header("References", "<a@b> ")),
        Case(name: "folded subject", make: header("Subject", "a\r\n ")),
        Case(name: "header lines without a colon", make: header("X", "\r\na")),
        Case(name: "content-type parameters", make: header("Content-Type", "text/plain; a=\"b\"")),
        Case(
            name: "quoted-printable of = and blanks",
            make: mail("Content-Transfer-Encoding: quoted-printable\r\n", body: "=  \t ")),
        Case(name: "base64 body", make: mail("Content-Transfer-Encoding: base64\r\n", body: "amEK\r\n")),
        Case(
            name: "windows-1252 body", make: mail("Content-Type: text/plain; charset=windows-1252\r\n", body: "\u{80}")),
        Case(
            name: "multipart of near-boundaries",
            make: mail("Content-Type: multipart/mixed; boundary=b\r\n", body: "--b\r\n\r\n--bx\r\n")),
        Case(
            name: "multipart nested 8 deep",
            make: { size in
                var head = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
                for level in 1...7 {
                    head += "--b\(level - 1)\r\nContent-Type: multipart/mixed; boundary=b\(level)\r\n\r\n"
                }
                return mail(head + "--b7\r\n", body: "ja ja\r\n")(size)
            }),
        Case(
            name: "calendar of folded lines",
            make: mail("Content-Type: text/calendar; method=REPLY\r\n", body: "ATTENDEE;X=a\r\n \r\n\t")),
        Case(
            name: "delivery status of status lines",
            make: mail(
                "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n"
                    + "Content-Type: message/delivery-status\r\n", body: "Status: 5\r\n")),
        Case(name: "text of blank lines", make: mail("", body: "\r\n")),
        Case(name: "text of device signatures", make: mail("", body: "Sendt fra min iPhone\r\n")),
        Case(name: "text of attribution starts", make: mail("", body: "\r\nDen a\r\n")),
        Case(name: "text of header block starts", make: mail("", body: "Fra: a\r\n")),
        Case(name: "text of one long line", make: mail("", body: "a")),
    ]

    /// The text of an SMS reply (ReplyReading).
    public static let sms: [Case] = [
        Case(name: "blank lines", make: { filled("", "\n", size: $0) }),
        Case(name: "one long line", make: { filled("", "ja ", size: $0) }),
        Case(name: "attribution starts", make: { filled("", "\nDen a", size: $0) }),
        // Quoted lines are passed over, not an end: the reading goes on to the end of the text.
        Case(name: "quoted lines", make: { filled("", "\n> a", size: $0) }),
        Case(name: "attributions and their quotes", make: { filled("", "\nOn a wrote:\n> b", size: $0) }),
        Case(name: "wrapped attribution starts", make: { filled("", "\nDen a <\nb", size: $0) }),
        Case(name: "header block starts", make: { filled("", "\n*Fra:* a", size: $0) }),
    ]

    /// A CSV file to import (CSVFile).
    public static let csv: [Case] = [
        Case(name: "separators", make: { filled("ref;role;name\n", ";", size: $0) }),
        Case(name: "line ends", make: { filled("ref;role;name\n", "\r\n", size: $0) }),
        Case(name: "carriage returns", make: { filled("ref;role;name\n", "\r", size: $0) }),
        Case(name: "doubled quotes", make: { filled("ref;role;name\n\"", "\"\"", "\"\n", size: $0) }),
        Case(name: "quoted fields", make: { filled("ref;role;name\n", "\"a\";", size: $0) }),
        Case(name: "blanks before quotes", make: { filled("ref;role;name\n", "   \"a\"\n", size: $0) }),
        Case(name: "line breaks in quotes", make: { filled("ref;role;name\n\"", "\n", "\"\n", size: $0) }),
        Case(name: "one long field", make: { filled("ref;role;name\n", "a", size: $0) }),
        Case(name: "long header", make: { filled("", "ref;", "\n1;mentor;A\n", size: $0) }),
        // What Danish Excel leaves: rows of empty cells, and columns without a name.
        Case(name: "rows of empty cells", make: { filled("ref;role;name\n", ";;;;\r\n", size: $0) }),
        Case(name: "unnamed columns", make: { filled("ref;role;name", ";", "\nm1;mentor;Bo;;;x\n", size: $0) }),
        Case(
            name: "windows-1252", make: { filled("ref;role;name\n", "\u{E6}", size: $0).map { $0 == 0xC3 ? 0xE6 : $0 } }
        ),
    ]

    /// A webhook's form body or a query string (HTTPForm).
    public static let form: [Case] = [
        Case(name: "ampersands", make: { filled("", "&", size: $0) }),
        Case(name: "one long value", make: { filled("Body=", "a+", size: $0) }),
        Case(name: "percent escapes", make: { filled("Body=", "%C3%A6", size: $0) }),
        Case(name: "broken escapes", make: { filled("Body=", "%", size: $0) }),
        Case(name: "equals signs", make: { filled("Body", "=", size: $0) }),
    ]

    /// A GatewayAPI webhook's JSON body (JSONSerialization).
    public static let json: [Case] = [
        Case(name: "nested arrays", make: { filled("{\"a\":", "[", size: $0) }),
        Case(
            name: "many keys",
            make: { size in
                var text = "{"
                var key = 0
                while text.utf8.count < size - 20 {
                    text += "\"k\(key)\":0,"
                    key += 1
                }
                return Array((text + "\"id\":1}").utf8)
            }),
        Case(name: "escaped string", make: { filled("{\"message\":\"", "\\u00e6", "\"}", size: $0) }),
        Case(name: "long number", make: { filled("{\"id\":", "1", "}", size: $0) }),
        Case(name: "long fraction", make: { filled("{\"id\":0.", "1", "}", size: $0) }),
        Case(name: "one key repeated", make: { filled("{", "\"a\":1,", "\"b\":1}", size: $0) }),
    ]

    /// What an SMS gateway answers: its body (`ids`, `sid`, the detail) and its header lines.
    public static let gatewayBody: [Case] = [
        Case(name: "ids of a long answer", make: { filled("{\"ids\":[", "1,", "]}", size: $0) }),
        Case(name: "sid of a long answer", make: { filled("{", "\"si", "\"sid\":\"SM1\"}", size: $0) }),
        Case(name: "digits", make: { filled("", "1", size: $0) }),
    ]
    public static let gatewayHeaders: [Case] = [
        Case(name: "header lines", make: { filled("HTTP/1.1 503\r\n", "X: y\r\n", "Retry-After: 5\r\n", size: $0) }),
        Case(name: "one long header line", make: { filled("", ":", size: $0) }),
    ]

    /// An SMTP dialogue, as lines sent and received in turn, and a server's words for a reason.
    public static let smtp: [Case] = [
        Case(name: "dialogue lines", make: { filled("", "RCPT TO:<a@b>\n550 5.1.1 <a@b> 12345678\n", size: $0) }),
        Case(name: "one long reply line", make: { filled("", "\n550 ", "1@", size: $0) }),
        Case(name: "words to mask", make: { filled("", "\n550 12345 a@b ", size: $0) }),
    ]

    /// `input` at the tests' size, given to `reader` as `reading` does.
    @discardableResult
    public static func read<Result: Sendable>(_ input: Case, by reader: @escaping @Sendable ([UInt8]) -> Result) async
        -> Result?
    {
        let bytes = input.make(testSize)
        return await reading { reader(bytes) }
    }

    /// Runs `read` on a thread of its own and waits for what it returns, or until the test's time
    /// limit (`.timeLimit`) cancels the wait (nil): a reader stuck for minutes then fails the test at
    /// the limit, instead of holding the test run for as long as it takes. Expectations belong
    /// after it, in the test's own task.
    @discardableResult
    public static func reading<Result: Sendable>(_ read: @escaping @Sendable () -> Result) async -> Result? {
        let (results, continuation) = AsyncStream<Result>.makeStream()
        Thread {
            continuation.yield(read())
            continuation.finish()
        }.start()
        for await result in results { return result }
        return nil
    }
}
