import MentorModel
import Testing

@testable import Scheduler

/// The dedupe key is stored: every shape the rules and the reply core write today must read back
/// and render to the same bytes, or a message already sent goes out again.
@Suite struct MessageKeyTests {
    /// One key of every shape written today (from the rules' and the reply core's code, and rows in
    /// users' databases), with what it must read as.
    static let stored: [(String, MessageKey)] = [
        ("monthly-hours:42:mentor:2026-11", key(.monthlyHours, .forloeb(42), .role(.mentor), "2026-11")),
        ("evaluation:100:mentee:2026-04-30", key(.evaluation, .forloeb(100), .role(.mentee), "2026-04-30")),
        ("missed-contact:100:leader-2:2026-06-10", key(.missedContact, .forloeb(100), .leader(1), "2026-06-10")),
        ("first-meeting-overdue:7:leader:2026-02-01", key(.firstMeetingOverdue, .forloeb(7), .leader(0), "2026-02-01")),
        ("monthly-digest:shop:leader:2026-11", key(.monthlyDigest, .program("shop"), .leader(0), "2026-11")),
        (
            "cafe-invite:shop:mentee-2:2026-11-25T18:00",
            key(.cafeInvite, .program("shop"), .mentee(2), "2026-11-25T18:00")
        ),
        (
            "cafe-cancel:my_prog:mentee-12:2026-11-25T18:00",
            key(.cafeCancel, .program("my_prog"), .mentee(12), "2026-11-25T18:00")
        ),
        ("cafe-rsvp:shop:leader-3:2026-11-25T18:00", key(.cafeRsvp, .program("shop"), .leader(2), "2026-11-25T18:00")),
        (
            "meeting-update:100:mentee:7.1",
            key(.meetingUpdate, .forloeb(100), .role(.mentee), MessageKey.meetingPeriod(7, sequence: 1))
        ),
        ("recurring:5:person-12:2026-03-02", key(.recurring, .reminder(5), .person(12), "2026-03-02")),
        ("delivery-failed:symb:leader:412", key(.deliveryFailed, .program("symb"), .leader(0), "412")),
        (
            "delivery-failed:symb-email-down:leader-2:1767225600",
            key(.deliveryFailed, .outage(program: "symb", channel: .email), .leader(1), "1767225600")
        ),
        (
            "reply-forward:person-12:leader-2:gatewayapi:123",
            key(.replyForward, .person(12), .leader(1), "gatewayapi:123")
        ),
        ("reply-forward:person-1:leader:imap:3:77", key(.replyForward, .person(1), .leader(0), "imap:3:77")),
        (
            "reply-forward:person-1:leader:held-2026-12-01-email:1",
            key(.replyForward, .person(1), .leader(0), "held-2026-12-01-email:1")
        ),
        ("no-continue:100:leader:mentee", key(.noContinue, .forloeb(100), .leader(0), "mentee")),
        (
            "reply-confirmation:person-3:mentor:twilio:SM0123",
            key(.replyConfirmation, .person(3), .role(.mentor), "twilio:SM0123")
        ),
        (
            "reply-confirmation:person-3:mentee:email:9f86d081",
            key(.replyConfirmation, .person(3), .role(.mentee), "email:9f86d081")
        ),
    ]

    static func key(_ rule: Rule, _ subject: MessageKey.Subject, _ recipient: MessageKey.Recipient, _ period: String)
        -> MessageKey
    {
        MessageKey(rule, subject: subject, recipient: recipient, period: period)
    }

    /// A key's text is written byte by byte into one buffer: it is the parts joined by colons,
    /// letters beyond ASCII and an empty period included.
    @Test func theTextIsThePartsJoinedByColons() throws {
        for (subject, period) in [("42", "2026-11"), ("Søren-Æ", "svar:ø:2026"), ("x", ""), ("😀", "é\u{301}")] {
            let key = MessageKey(
                .evaluation, subject: try #require(MessageKey.Subject(subject)), recipient: .person(7), period: period)
            #expect(key.description == "evaluation:\(subject):person-7:\(period)")
        }
    }

    @Test func everyStoredShapeReadsBackAndRendersTheSameBytes() throws {
        for (text, key) in Self.stored {
            let parsed = try MessageKey(parsing: text)
            #expect(parsed == key, "\(text)")
            #expect(parsed.description == text)
            #expect(key.description == text, "built: \(key)")
        }
    }

    @Test func whatIsBuiltReadsBackAsItself() throws {
        let recipients: [MessageKey.Recipient] = [
            .role(.mentor), .role(.mentee), .mentee(1), .person(99), .leader(0), .leader(1), .leader(9),
        ]
        let subjects: [MessageKey.Subject] = [
            .forloeb(1), .program("p-1_x"), .person(12), .reminder(3), .outage(program: "p", channel: .sms),
        ]
        for rule in Rule.allCases {
            for subject in subjects {
                for recipient in recipients {
                    for period in ["2026-11", "", "twilio:SM1", "a:b:c"] {
                        let key = MessageKey(rule, subject: subject, recipient: recipient, period: period)
                        #expect(try MessageKey(parsing: key.description) == key)
                    }
                }
            }
        }
    }

    @Test(arguments: [
        ("", MessageKey.Malformed.tooFewParts("")),
        ("monthly-hours:42:mentor", .tooFewParts("monthly-hours:42:mentor")),
        ("monthly-hours", .tooFewParts("monthly-hours")),
        ("weekly-hours:42:mentor:2026-11", .unknownRule("weekly-hours")),
        ("Monthly-Hours:42:mentor:2026-11", .unknownRule("Monthly-Hours")),
        ("monthly-hours::mentor:2026-11", .badSubject("")),
        ("monthly-hours:42::2026-11", .unknownRecipient("")),
        ("monthly-hours:42:boss:2026-11", .unknownRecipient("boss")),
        ("monthly-hours:42:leader-1:2026-11", .unknownRecipient("leader-1")),
        ("monthly-hours:42:leader-0:2026-11", .unknownRecipient("leader-0")),
        ("monthly-hours:42:leader-:2026-11", .unknownRecipient("leader-")),
        ("recurring:5:person-007:2026-03-02", .unknownRecipient("person-007")),
        ("recurring:5:person-+7:2026-03-02", .unknownRecipient("person-+7")),
        ("cafe-invite:p:mentee-:2026-11-25T18:00", .unknownRecipient("mentee-")),
        ("cafe-invite:p:mentee-99999999999999999999:x", .unknownRecipient("mentee-99999999999999999999")),
        ("cafe-invite:p:mentor-2:x", .unknownRecipient("mentor-2")),
    ])
    func malformedKeysAreRefusedSayingWhy(text: String, reason: MessageKey.Malformed) {
        #expect(throws: reason) { try MessageKey(parsing: text) }
        #expect(MessageKey.parse(text) == nil)
    }

    @Test func theForwardPatternNamesOnePersonAndEscapesLikeWildcards() {
        #expect(MessageKey.forwardsAbout(person: 1) == "reply-forward:person-1:%")
        #expect(MessageKey.forwardsAbout(person: 12) == "reply-forward:person-12:%")
        #expect(MessageKey.likeEscaped("a_b%c\\d") == "a\\_b\\%c\\\\d")
    }

    @Test func aLeaderMessageGoesToAnotherLeaderUnderTheSameKeyButItsRecipient() throws {
        let key = try MessageKey(parsing: "missed-contact:100:leader:2026-06-10")
        #expect(key.toLeader(2)?.description == "missed-contact:100:leader-3:2026-06-10")
        #expect(try MessageKey(parsing: "monthly-hours:42:mentor:2026-11").toLeader(0) == nil)
    }

    /// The builder that the rules and the reply core share: the key's recipient, the role, the person
    /// or leader and the greeting always agree.
    @Test func theBuilderAddressesKeyAndRecipientTogether() {
        func make(_ addressee: FollowUp.Addressee, _ rule: Rule, _ subject: MessageKey.Subject, _ period: String)
            -> FollowUp
        {
            FollowUp(
                rule, subject: subject, period: period, to: addressee, name: "Amira", program: "p",
                relationshipID: nil, channels: [.email], notBefore: 0, expiresAt: nil, inWindow: true, language: .da,
                variables: ["recipient": "someone else", "x": "1"], allowedAfterEnd: true)
        }
        let forward = make(.leader(1), .replyForward, .person(12), "gatewayapi:9")
        #expect(forward.key.description == "reply-forward:person-12:leader-2:gatewayapi:9")
        #expect(forward.role == .leader && forward.recipient == nil && forward.leaderIndex == 1)
        #expect(forward.variables == ["recipient": "Amira", "x": "1"])
        let confirmation = make(.pairMember(.mentee, 7), .replyConfirmation, .person(7), "twilio:SM1")
        #expect(confirmation.key.description == "reply-confirmation:person-7:mentee:twilio:SM1")
        #expect(confirmation.role == .mentee && confirmation.recipient == 7 && confirmation.leaderIndex == nil)
        let noContinue = make(.leader(0), .noContinue, .forloeb(100), "mentor")
        #expect(noContinue.key.description == "no-continue:100:leader:mentor")
        let invite = make(.mentee(2), .cafeInvite, .program("p"), "2026-11-25T18:00")
        #expect(invite.key.description == "cafe-invite:p:mentee-2:2026-11-25T18:00" && invite.role == .mentee)
        let reminder = make(.person(5), .recurring, .reminder(3), "2026-03-02")
        #expect(reminder.key.description == "recurring:3:person-5:2026-03-02" && reminder.role == .person)
        #expect(reminder.recipient == 5)
    }
}

/// How a greeting names a person: their first word, whatever the spaces around it.
@Suite struct PersonNameTests {
    @Test func theFirstWordOfAName() {
        #expect(PersonName.first("Amira Hansen") == "Amira")
        #expect(PersonName.first("  Søren  Østergaard ") == "Søren")
        #expect(PersonName.first("Anne-Mette") == "Anne-Mette")
        #expect(PersonName.first("Zoë") == "Zoë")
        // Nothing to take a word from: the name as it is.
        #expect(PersonName.first("") == "")
        #expect(PersonName.first("   ") == "   ")
    }
}

/// The evaluation requests that went, read by key: only a pair member's request of a forløb counts.
@Suite struct SentEvaluationsTests {
    @Test func onlyAPairMembersRequestIsRecorded() {
        var sent = SentEvaluations()
        sent.record(key: "evaluation:42:mentor:2026-05-02", firstSent: 10, waiting: true)
        sent.record(key: "evaluation:42:mentee:2026-05-02", firstSent: 20)
        for other in [
            "evaluation:42:leader:2026-05-02", "evaluation-reminder:42:mentor:2026-05-02",
            "evaluation:x:mentor:2026-05-02",
            "evaluation:42:mentor:2026-13-02", "evaluation:42:mentor", "evaluation:", "",
            "evaluation:042:mentor:2026-05-02",
        ] {
            sent.record(key: other, firstSent: 30)
        }
        #expect(sent.requests(of: 42).map(\.firstSent) == [10, 20])
        #expect(sent.request(42, .mentor, LocalDate("2026-05-02")!)?.waiting == true)
        #expect(sent["evaluation:42:mentee:2026-05-02"] == 20)
        #expect(sent["evaluation:42:mentee:2026-05-03"] == nil)
        // The same request again: the earlier send counts, and waiting under either waits.
        sent.record(key: "evaluation:42:mentor:2026-05-02", firstSent: 5, waiting: false)
        let mentor = sent.request(42, .mentor, LocalDate("2026-05-02")!)
        #expect(mentor?.firstSent == 5 && mentor?.waiting == true)
        sent["evaluation:42:mentee:2026-05-02"] = nil
        #expect(sent.requests(of: 42).map(\.role) == [.mentor])
    }
}

/// The channels of a follow-up in order: the shared arrays are what sorting would give, for every set.
@Suite struct ChannelOrderTests {
    @Test func orderedIsSortedForEverySetOfChannels() {
        let all = Channel.allCases
        for mask in 0..<(1 << all.count) {
            let set = Set(all.indices.filter { mask & (1 << $0) != 0 }.map { all[$0] })
            #expect(Channel.ordered(set) == set.sorted(), "\(set)")
        }
    }
}
