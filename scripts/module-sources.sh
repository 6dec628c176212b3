# Shared by scripts/fuzz.sh and bench/readers.sh (sourced): the module sources a reader needs, compiled
# together into one module by swiftc, with the cross-module imports removed.

# module_sources GROUP: the files of one group of readers.
module_sources() {
    case "$1" in
        csv|validators) ls Sources/MentorStore/Input/*.swift Sources/MentorModel/*.swift ;;
        template) ls Sources/Notifier/Templates/TemplateRenderer.swift Sources/MentorModel/Text.swift ;;
        gateway) ls Sources/Transport/SMS/GatewayAnswer.swift Sources/Transport/TransportSettings.swift \
                    Sources/MentorModel/ReasonText.swift Sources/Transport/SMTP/SMTPDialogue.swift \
                    Sources/Transport/Transport.swift \
                    Sources/MentorModel/SingleLine.swift Sources/MentorModel/Text.swift ;;
        mime) ls Sources/Notifier/MIME/MailMessage.swift Sources/Notifier/MIME/MIMEEncoding.swift \
                 Sources/Notifier/MIME/MailThread.swift \
                 Sources/Transport/TransportSettings.swift \
                 Sources/MentorModel/LocalDate.swift Sources/MentorModel/Text.swift ;;
        reply) ls Sources/Replies/*.swift Sources/MentorModel/Text.swift Sources/MentorModel/ReasonText.swift ;;
        http) ls Sources/HTTPServer/HTTPMessage.swift Sources/HTTPServer/RequestParser.swift ;;
        multipart) ls Sources/Desk/Multipart.swift Sources/Desk/Form.swift ;;
        webhook) ls Sources/WebhookAuth/*.swift ;;
        imap) ls Sources/Transport/IMAP/IMAPAnswer.swift ;;
        form) ls Sources/Desk/Form.swift Sources/Desk/HTML.swift ;;
        desklogin) ls Sources/Desk/SignInReading.swift Sources/Desk/Form.swift Sources/HTTPServer/HTTPMessage.swift ;;
        *) echo "module_sources: no group $1" >&2; return 1 ;;
    esac
}

# copy_module_sources GROUP DIR: the group's files into DIR, their imports of our modules removed.
copy_module_sources() {
    local file
    for file in $(module_sources "$1"); do
        sed -E 's/^(public |internal |package )?import (MentorModel|MentorStore|Scheduler|Replies|Transport|CSQLite|CCurl|HTTPServer)$//' "$file" > "$2/$(basename "$file")"
    done
}
