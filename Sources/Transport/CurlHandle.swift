import CCurl
import Foundation
import Synchronization

/// `curl_global_init` once per process, before the first handle (not thread-safe in old libcurl).
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// What a transfer in flight answers to, handed down from the daemon: cancellation (the shutdown's
/// deadline passed, so a slow server must not hold up the exit) and the heartbeat (a transfer that
/// waits on a slow server is alive).
public final class TransferControl: Sendable {
    // An atomic, not a lock: libcurl asks on every turn of its transfer loop.
    private let cancelled = Atomic(false)
    public let heartbeat: Heartbeat

    public init(heartbeat: Heartbeat = Heartbeat()) {
        self.heartbeat = heartbeat
    }

    public func cancel() { cancelled.store(true, ordering: .releasing) }
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}

/// A curl string list; frees itself.
final class CurlStringList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ values: [String]) {
        for value in values { pointer = curl_slist_append(pointer, value) }
    }

    deinit { curl_slist_free_all(pointer) }
}

/// Buffers for one transfer, reached from the C callbacks through an unmanaged pointer.
final class CurlTransferBuffers {
    let control: TransferControl
    var upload: [UInt8] = []
    var uploadOffset = 0
    var response = Data()
    /// The most the write callback keeps (a gateway's answer is small; an IMAP message is not).
    var responseLimit = 1 << 20
    /// The last transfer was cut off at `responseLimit`.
    var responseOverflowed = false
    /// The response's header lines as received, kept as bytes: only an error answer reads them.
    var headerBytes: [UInt8] = []

    /// For SMTP: how far the transaction got (nil for other protocols).
    var dialogue: SMTPDialogue?

    /// The header lines, without their line ends.
    var headers: [String] { GatewayAnswer.headerLines(headerBytes) }

    init(control: TransferControl) {
        self.control = control
    }
}

/// One libcurl easy handle, owned here: `deinit` cleans it up. Reused across messages so that
/// libcurl keeps the connection open between them.
///
/// Not Sendable: a handle belongs to the one cycle that uses it.
final class CurlHandle {
    let handle: UnsafeMutableRawPointer
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    /// Kept alive while libcurl holds pointers into them.
    private var lists: [CurlStringList] = []
    let buffers: CurlTransferBuffers

    init(control: TransferControl) throws(DeliveryError) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .channel("libcurl could not be initialised")
        }
        self.handle = handle
        self.buffers = CurlTransferBuffers(control: control)
    }

    /// Set after a failed transfer: the connection may be mid-command or its server unresponsive.
    var abandoned = false

    deinit {
        // Cleanup says QUIT and waits for the answer (up to the timeout). When shutting down, or after
        // a transfer failed, a server that stopped answering must not hold things up a second time:
        // shut the socket so the goodbye fails at once.
        if abandoned || buffers.control.isCancelled {
            var socket = curl_socket_t(-1)
            if ccurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 {
                shutdown(socket, Int32(SHUT_RDWR))
            }
        }
        curl_easy_cleanup(handle)
    }

    /// The options every transfer of a daemon needs: no signals, timeouts, no redirects, only the
    /// protocols named, verified certificates.
    func configureCommon(protocols: String, connectTimeout: Int, totalTimeout: Int, caFile: String?, verify: Bool)
        throws(DeliveryError)
    {
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        try set(CURLOPT_TIMEOUT, totalTimeout)
        // Also bounds each protocol reply, including the goodbye on cleanup (libcurl's default: 120 s).
        try set(CURLOPT_SERVER_RESPONSE_TIMEOUT, totalTimeout)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_PROTOCOLS_STR, protocols)
        try set(CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        try set(CURLOPT_SSL_VERIFYPEER, verify ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, verify ? 2 : 0)
        if let caFile { try set(CURLOPT_CAINFO, caFile) }
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(
            CURLOPT_ERRORBUFFER,
            errorBuffer.withUnsafeMutableBufferPointer { buffer in
                ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            })
        let context = Unmanaged.passUnretained(buffers).toOpaque()
        for option in [CURLOPT_READDATA, CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_XFERINFODATA] {
            try check(option, ccurl_setopt_pointer(handle, option, context))
        }
        try check(CURLOPT_READFUNCTION, ccurl_setopt_io_callback(handle, CURLOPT_READFUNCTION, curlRead))
        try check(CURLOPT_WRITEFUNCTION, ccurl_setopt_io_callback(handle, CURLOPT_WRITEFUNCTION, curlWrite))
        try check(CURLOPT_HEADERFUNCTION, ccurl_setopt_io_callback(handle, CURLOPT_HEADERFUNCTION, curlHeader))
        // Progress callbacks (at least once a second) let a shutdown abort a transfer in flight.
        try set(CURLOPT_NOPROGRESS, 0)
        try check(CURLOPT_XFERINFOFUNCTION, ccurl_setopt_xferinfo_callback(handle, curlProgress))
    }

    /// Every option's result is checked: a libcurl built without a feature (STARTTLS, a protocol)
    /// refuses it, and a transfer without it would not be what the config asked for.
    func check(_ option: CURLoption, _ code: CURLcode) throws(DeliveryError) {
        guard code == CURLE_OK else {
            throw .channel(
                "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code))); "
                    + "is the installed libcurl built with what the config needs (TLS, SMTP)?")
        }
    }

    func set(_ option: CURLoption, _ value: Int) throws(DeliveryError) {
        try check(option, ccurl_setopt_long(handle, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(DeliveryError) {
        // libcurl copies string options (since 7.17), so a temporary C string is enough.
        try check(option, ccurl_setopt_string(handle, option, value))
    }

    /// Back to libcurl's default for a string option.
    func clear(_ option: CURLoption) throws(DeliveryError) {
        try check(option, ccurl_setopt_pointer(handle, option, nil))
    }

    func set(_ option: CURLoption, _ list: CurlStringList) throws(DeliveryError) {
        lists.append(list)
        try check(option, ccurl_setopt_slist(handle, option, list.pointer))
        // Only the newest list per option is in use; drop older ones beyond a few to bound memory.
        if lists.count > 8 { lists.removeFirst(lists.count - 8) }
    }

    /// Follows the SMTP dialogue (command verbs and reply lines) for classifying failures.
    func followSMTPDialogue() throws(DeliveryError) {
        buffers.dialogue = SMTPDialogue()
        try set(CURLOPT_VERBOSE, 1)
        let context = Unmanaged.passUnretained(buffers).toOpaque()
        try check(CURLOPT_DEBUGDATA, ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context))
        try check(CURLOPT_DEBUGFUNCTION, ccurl_setopt_debug_callback(handle, curlDebug))
    }

    /// Runs the transfer; returns the curl code and the protocol's response code.
    func perform() -> (code: CURLcode, response: Int, message: String) {
        errorBuffer[0] = 0
        buffers.dialogue?.reset()
        buffers.response.removeAll(keepingCapacity: true)
        buffers.responseOverflowed = false
        buffers.headerBytes.removeAll(keepingCapacity: true)
        buffers.uploadOffset = 0
        let code = curl_easy_perform(handle)
        var response: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        var message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        return (code, response, message)
    }

    /// How many new connections the last transfer opened (0 when it reused one).
    var connectsOpened: Int {
        var count: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &count)
        return count
    }

    /// A failure of the transfer itself (no protocol answer about the message): the channel is at
    /// fault, and the reason says what to fix.
    func classify(_ code: CURLcode, message: String) -> DeliveryError {
        CurlHandle.classify(code, message: message, cancelled: buffers.control.isCancelled)
    }

    static func classify(_ code: CURLcode, message: String, cancelled: Bool) -> DeliveryError {
        switch code {
        case CURLE_LOGIN_DENIED:
            return .channel("login refused by the server: check the username and password (\(message))")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .channel("the server's TLS certificate is not trusted (\(message)); set caFile or fix the server")
        case CURLE_USE_SSL_FAILED:
            return .channel("the server does not offer STARTTLS, which is required (\(message))")
        case CURLE_ABORTED_BY_CALLBACK where cancelled:
            return .stopped
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .channel("the configured URL cannot be used: \(message)")
        case CURLE_OPERATION_TIMEDOUT:
            return .channel("the server did not answer in time: timed out (\(message))")
        case CURLE_COULDNT_CONNECT:
            return .channel("the server cannot be reached (\(message))")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .channel("the server's name cannot be resolved (\(message)); check the URL")
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            return .channel("the connection to the server broke (\(message))")
        default:
            return .channel(message)
        }
    }
}

private func curlDebug(
    _ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?, _ size: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    // Only protocol lines are read; message data and TLS records pass by untouched.
    guard type == CURLINFO_HEADER_OUT || type == CURLINFO_HEADER_IN, let data, let context else { return 0 }
    let buffers = Unmanaged<CurlTransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if type == CURLINFO_HEADER_OUT {
        buffers.dialogue?.sent(bytes)
    } else {
        buffers.dialogue?.received(bytes)
    }
    return 0
}

private func curlProgress(
    _ context: UnsafeMutableRawPointer?, _ downloadTotal: curl_off_t, _ downloadNow: curl_off_t,
    _ uploadTotal: curl_off_t, _ uploadNow: curl_off_t
) -> Int32 {
    // A transfer waiting on a slow server is alive as long as libcurl turns its loop (its timeouts
    // bound the wait).
    guard let context else { return 0 }
    let control = Unmanaged<CurlTransferBuffers>.fromOpaque(context).takeUnretainedValue().control
    control.heartbeat.beat()
    return control.isCancelled ? 1 : 0
}

private func curlRead(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let buffers = Unmanaged<CurlTransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let remaining = buffers.upload.count - buffers.uploadOffset
    let length = min(size * count, remaining)
    guard length > 0 else { return 0 }
    buffers.upload.withUnsafeBufferPointer { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + buffers.uploadOffset, byteCount: length)
    }
    buffers.uploadOffset += length
    return length
}

private func curlWrite(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let buffers = Unmanaged<CurlTransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard buffers.response.count + length <= buffers.responseLimit else {
        buffers.responseOverflowed = true
        return 0
    }
    buffers.response.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

private func curlHeader(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let buffers = Unmanaged<CurlTransferBuffers>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    // Headers past 64 KiB are not kept (a reply that large is not from an SMS gateway we know).
    if buffers.headerBytes.count + length <= 1 << 16 {
        buffers.headerBytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    }
    return length
}
