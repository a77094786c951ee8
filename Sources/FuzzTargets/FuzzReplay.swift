internal import Foundation

/// The entry point of a fuzz executable built without libFuzzer (a plain `swift build`).
///
/// `FuzzFrames [--write-seeds DIR] [FILE|DIR ...]`: runs every file given (directories: every
/// file in them) through the target and prints how many ran; a crash shows the offending file
/// as the last one announced. `--write-seeds DIR` writes the target's seed corpus into DIR.
/// Built with libFuzzer (`scripts/fuzz`), the same executables take libFuzzer's arguments.
public enum FuzzReplay {
    /// Runs the command line of a fuzz executable and exits with its status.
    public static func main(_ target: FuzzTarget) -> Never {
        exit(run(target, arguments: Array(CommandLine.arguments.dropFirst())))
    }

    /// The command line `arguments` (without the program name); returns the exit status.
    public static func run(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        var paths: [String] = []
        var args = arguments[...]
        while let arg = args.popFirst() {
            if arg == "--write-seeds" {
                guard let dir = args.popFirst() else { return usage(target) }
                do {
                    let written = try writeSeeds(target, to: dir)
                    print("\(target.rawValue): wrote \(written) seeds into \(dir)")
                } catch {
                    print("\(target.rawValue): cannot write seeds: \(error)")
                    return 1
                }
            } else if arg.hasPrefix("-") {
                return usage(target)
            } else {
                paths.append(arg)
            }
        }
        var count = 0
        for file in files(in: paths) {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(target.rawValue): cannot read \(file)")
                return 1
            }
            print("\(target.rawValue): \(file)")
            target.run([UInt8](data))
            count += 1
        }
        print("\(target.rawValue): \(count) inputs ran without a crash")
        return 0
    }

    /// Writes ``FuzzSeeds`` of `target` into `dir`; returns how many.
    package static func writeSeeds(_ target: FuzzTarget, to dir: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let seeds = try FuzzSeeds.seeds(for: target)
        for seed in seeds {
            try Data(seed.bytes).write(to: URL(fileURLWithPath: dir).appendingPathComponent(seed.name))
        }
        return seeds.count
    }

    /// Regular files among `paths`, directories expanded (not recursively), in name order.
    package static func files(in paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            guard isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(path)/\($0)" }
        }
    }

    private static func usage(_ target: FuzzTarget) -> Int32 {
        print("usage: \(CommandLine.arguments.first ?? "fuzz") [--write-seeds DIR] [FILE|DIR ...]   (target \(target.rawValue))")
        return 2
    }
}
