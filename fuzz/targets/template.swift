// Fuzz target: any template source parses or is refused; a parsed one renders its variables.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let template = try? Template(text) else { return 0 }
    var values: [String: String] = [:]
    for (index, name) in template.variables.sorted().enumerated() { values[name] = index % 2 == 0 ? "x\(index)" : "" }
    let rendered = template.render(values)
    // With no `{{` in the source, rendering is the identity.
    if !text.contains("{{") { precondition(rendered == text) }
    return 0
}
