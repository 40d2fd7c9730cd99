import Engine
import Foundation
import Testing
@testable import DuetCLI

@Suite struct ModelDiscoveryTests {
    typealias Found = (source: ModelLocation.Source, architecture: ModelArchitecture?)

    @Test func defaultChatModelFollowsThePriorityRules() {
        let dec: ModelArchitecture = .decoderOnly, encdec: ModelArchitecture = .encoderDecoder
        // --model wins.
        var c = ModelDiscovery.defaultChoice([(.assets, encdec), (.option, dec), (.home, encdec)] as [Found])
        #expect(c.chat == 1 && c.compareA == 1 && c.compareB == 0)
        // Else the first encoder-decoder of assets/models (not of $DUET_HOME).
        c = ModelDiscovery.defaultChoice([(.assets, dec), (.assets, encdec), (.home, encdec)] as [Found])
        #expect(c.chat == 1 && c.compareA == 0 && c.compareB == 1)
        // Else the first usable model; unreadable ones are skipped.
        c = ModelDiscovery.defaultChoice([(.home, nil), (.home, dec), (.home, encdec)] as [Found])
        #expect(c.chat == 1 && c.compareA == 1 && c.compareB == 2)
        // Two decoder-only models: compare them with each other.
        c = ModelDiscovery.defaultChoice([(.home, dec), (.home, dec)] as [Found])
        #expect(c.chat == 0 && c.compareA == 0 && c.compareB == 1)
        // One model: no pair.
        c = ModelDiscovery.defaultChoice([(.home, dec)] as [Found])
        #expect(c.chat == 0 && c.compareA == 0 && c.compareB == nil)
        #expect(ModelDiscovery.defaultChoice([] as [Found]).chat == nil)
    }

    @Test func findsOptionAssetsHomeAndAddedDirectoriesOnce() throws {
        let root = TemporaryDirectory()
        let fm = FileManager.default
        for dir in ["assets/models/b", "assets/models/a", "home/models/c", "home/models/not-a-model", "extra/x", "loose"] {
            try fm.createDirectory(atPath: root.file(dir), withIntermediateDirectories: true)
        }
        for dir in ["assets/models/b", "assets/models/a", "home/models/c", "extra/x", "loose"] {
            try "{}".write(toFile: root.file(dir + "/config.json"), atomically: true, encoding: .utf8)
        }
        let found = ModelDiscovery.find(options: [root.file("extra"), root.file("assets/models/a")],
                                        assets: root.file("assets/models"), home: root.file("home/models"),
                                        added: [root.file("loose"), root.file("home/models/c"), root.file("gone")])
        #expect(found.map(\.name) == ["x", "a", "b", "c", "loose", "gone"])
        #expect(found.map(\.source) == [.option, .option, .assets, .home, .added, .added])
        #expect(found.map(\.missing) == [false, false, false, false, false, true])  // an added path that went away stays, marked
    }

    @Test func factsOfTheTinyPair() throws {
        let decoder = try ModelFacts.read(TinyModelPair.decoderOnly)
        #expect(decoder.architecture == .decoderOnly && decoder.isRandom && decoder.problem == nil)
        #expect(decoder.layers == "2" && decoder.dtype == "bf16" && decoder.vocabularySize == 1024)
        let adapted = try ModelFacts.read(TinyModelPair.encoderDecoder)
        #expect(adapted.architecture == .encoderDecoder && adapted.isRandom && adapted.layers == "2 + 2")
        #expect(adapted.inspectLines.contains { $0.hasPrefix("provenance") && $0.contains("RANDOM WEIGHTS") })
        #expect(throws: (any Error).self) { try ModelFacts.read(URL(fileURLWithPath: "/nonexistent/model")) }
    }

    @Test func bundledAssetsAreFoundFromAnyWorkingDirectory() throws {
        let root = TemporaryDirectory()
        let checkout = root.path + "/duet"
        let elsewhere = root.path + "/elsewhere"
        for dir in [checkout + "/assets/models", checkout + "/.build/x86_64-unknown-linux-gnu/release", elsewhere] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        let binary = checkout + "/.build/x86_64-unknown-linux-gnu/release/duet"
        // In the checkout: the relative path (what the UI shows).
        #expect(AssetsLocation.resolve(environment: [:], workingDirectory: checkout, executable: binary) == "assets")
        // Anywhere else: the checkout the binary was built in.
        #expect(AssetsLocation.resolve(environment: [:], workingDirectory: elsewhere, executable: binary) == checkout + "/assets")
        // $DUET_ASSETS wins; an empty one is ignored.
        #expect(AssetsLocation.resolve(environment: ["DUET_ASSETS": "/x"], workingDirectory: checkout, executable: binary) == "/x")
        #expect(AssetsLocation.resolve(environment: ["DUET_ASSETS": ""], workingDirectory: elsewhere, executable: binary) == checkout + "/assets")
        // A binary outside any checkout: plain "assets" (nothing found, nothing invented).
        #expect(AssetsLocation.resolve(environment: [:], workingDirectory: elsewhere, executable: elsewhere + "/duet") == "assets")
    }
}
