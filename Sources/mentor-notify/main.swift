import Foundation
import MentorNotifyCore

exit(CLI.main(CommandLine.arguments))
