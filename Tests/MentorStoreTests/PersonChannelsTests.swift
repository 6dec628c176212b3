import MentorModel
import Testing

@testable import MentorStore

/// A person's stored channels are read from shared sets: each is the set the text lists.
@Suite struct PersonChannelsTests {
    @Test func eachSharedSetIsWhatItsTextLists() {
        for (text, channels) in Store.channelSets {
            #expect(Set(text.split(separator: ",").compactMap { Channel(rawValue: String($0)) }) == channels, "\(text)")
        }
    }
}
