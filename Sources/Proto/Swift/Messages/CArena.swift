package import CProto
internal import CProtobufC

/// Memory for one protobuf-c struct tree being built from Swift values. Everything the tree
/// points at (strings, bytes, arrays, sub-messages) is allocated here and released together
/// when the arena goes away, after packing.
package struct CArena: ~Copyable {
    private let arena: OpaquePointer

    package init() {
        // No cap: the tree mirrors a Swift value already in memory.
        guard let arena = jzs_arena_create(Int.max) else { fatalError("out of memory") }
        self.arena = arena
    }

    deinit { jzs_arena_destroy(arena) }

    package func allocate<T>(_ type: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        let raw = jzs_arena_alloc(arena, MemoryLayout<T>.stride * max(count, 1))!
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    package func string(_ value: String) -> UnsafeMutablePointer<CChar> {
        var value = value
        return value.withUTF8 { utf8 in
            let p = allocate(CChar.self, count: utf8.count + 1)
            utf8.withMemoryRebound(to: CChar.self) { src in
                p.update(from: src.baseAddress!, count: utf8.count)
            }
            p[utf8.count] = 0
            return p
        }
    }

    package func bytes(_ value: [UInt8]) -> ProtobufCBinaryData {
        let p = allocate(UInt8.self, count: value.count)
        value.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: value.count) }
        return ProtobufCBinaryData(len: value.count, data: p)
    }

    package func message<M: ProtobufCBacked>(_ value: M) -> UnsafeMutablePointer<M.CMessage> {
        let p = allocate(M.CMessage.self)
        M.cInitialize(p)
        value.fill(p, arena: self)
        return p
    }

    package func messages<M: ProtobufCBacked>(_ values: [M]) -> UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?> {
        let array = allocate(UnsafeMutablePointer<M.CMessage>?.self, count: values.count)
        for (i, v) in values.enumerated() { array[i] = message(v) }
        return array
    }

    package func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: values.count)
        for (i, v) in values.enumerated() { array[i] = string(v) }
        return array
    }

    package func byteArrays(_ values: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData> {
        let array = allocate(ProtobufCBinaryData.self, count: values.count)
        for (i, v) in values.enumerated() { array[i] = bytes(v) }
        return array
    }

    package func scalars<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let array = allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { array.update(from: $0.baseAddress!, count: values.count) }
        return array
    }

    package func bools(_ values: [Bool]) -> UnsafeMutablePointer<protobuf_c_boolean> {
        let array = allocate(protobuf_c_boolean.self, count: values.count)
        for (i, v) in values.enumerated() { array[i] = v ? 1 : 0 }
        return array
    }

    package func enums<E, C>(_ values: [E], _ convert: (E) -> C) -> UnsafeMutablePointer<C> {
        let array = allocate(C.self, count: values.count)
        for (i, v) in values.enumerated() { array[i] = convert(v) }
        return array
    }
}

/// Reading protobuf-c field values into Swift values.
package enum CBridge {
    package static func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
        guard let p else { return "" }
        // Strings were checked for UTF-8 and NUL before unpacking.
        return String(cString: p)
    }

    package static func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        guard b.len > 0, let data = b.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: b.len))
    }

    package static func strings(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { string(p[$0]) }
    }

    package static func byteArrays(_ n: Int, _ p: UnsafeMutablePointer<ProtobufCBinaryData>?) -> [[UInt8]] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { bytes(p[$0]) }
    }

    package static func messages<M: ProtobufCBacked>(
        _ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?, as: M.Type
    ) -> [M] {
        guard n > 0, let p else { return [] }
        return (0..<n).compactMap { i in p[i].map { M(cMessage: $0) } }
    }

    package static func scalars<T>(_ n: Int, _ p: UnsafeMutablePointer<T>?) -> [T] {
        guard n > 0, let p else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    package static func bools(_ n: Int, _ p: UnsafeMutablePointer<protobuf_c_boolean>?) -> [Bool] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { p[$0] != 0 }
    }

    package static func enums<C: RawRepresentable, E>(
        _ n: Int, _ p: UnsafeMutablePointer<C>?, _ make: (Int32) -> E
    ) -> [E] where C.RawValue: BinaryInteger {
        guard n > 0, let p else { return [] }
        return (0..<n).map { make(Int32(truncatingIfNeeded: p[$0].rawValue)) }
    }
}
