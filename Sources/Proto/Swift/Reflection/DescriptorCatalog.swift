/// The serialized FileDescriptorProto of every file of proto/, generated from the descriptor set
/// the generator reads (scripts/generate-proto), so server reflection needs no .proto at run time.
public enum DescriptorCatalog {
    /// Files by name.
    public static let byName: [String: DescriptorFile] = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0) })

    /// The file defining each symbol (package-qualified message, enum, service and method names).
    public static let bySymbol: [String: DescriptorFile] = {
        var table: [String: DescriptorFile] = [:]
        for file in files { for symbol in file.symbols { table[symbol] = file } }
        return table
    }()

    /// `file` first, then every file it imports, directly or not (each once): what a reflection
    /// client needs to build the file.
    public static func withDependencies(_ file: DescriptorFile) -> [DescriptorFile] {
        var seen: Set<String> = [file.name]
        var out = [file]
        var i = 0
        while i < out.count {
            for dependency in out[i].dependencies where !seen.contains(dependency) {
                seen.insert(dependency)
                if let next = byName[dependency] { out.append(next) }
            }
            i += 1
        }
        return out
    }
}

/// One .proto file's descriptor.
public struct DescriptorFile: Sendable {
    public let name: String
    public let dependencies: [String]
    public let symbols: [String]
    /// The serialized FileDescriptorProto, base64 in the generated source.
    public let bytes: [UInt8]

    init(name: String, dependencies: [String], symbols: [String], base64: String) {
        self.name = name
        self.dependencies = dependencies
        self.symbols = symbols
        self.bytes = Base64.decode(base64) ?? []
    }
}
