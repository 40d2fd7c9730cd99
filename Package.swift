// swift-tools-version: 6.1
import PackageDescription

// Duet: one executable (`duet`: the terminal UI, the root command and the two benchmarks that draw the UI), the
// libraries of its subcommands (DuetCLI: what users run; DuetBench: benchmarks and hidden test helpers), an engine
// library, a persistence library, the modules below them (DuetCore, Tokenizers, Synthetic) and their C shims.
// Dependencies point one way: TUI -> DuetBench -> DuetCLI -> (Engine, Sessions, DuetMPI, ArgumentParser);
// DuetCLI -> DuetMPI -> Engine -> Synthetic -> Tokenizers -> DuetCore; Sessions -> DuetCore.
// Engine knows nothing of SQLite or ncurses; Sessions knows nothing of Engine; only TUI knows ncurses.
// Linux only (Debian 12, Swift 6.3): OpenBLAS, ncursesw and Open MPI are found where Debian installs them,
// so no Apple platform is declared (none is built or tested).
let package = Package(
    name: "Duet",
    products: [
        .executable(name: "duet", targets: ["TUI"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Sessions", targets: ["Sessions"]),
    ],
    // Exact versions: every build resolves the same code. (Package.resolved stays out of git: the build
    // machines serve GitHub packages from local mirrors whose commit ids are not GitHub's, so a committed
    // one would not resolve on a new machine.)
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // System libraries. No pkgConfig for ncursesw: its .pc carries flags SwiftPM prohibits.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        // Open MPI for data-parallel training across processes and machines (`mpirun -np N duet train`).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // Hot SIMD kernels that need per-function ISA targets (AVX2/FMA/F16C) with runtime dispatch.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-fno-trapping-math"])]),
        // The foundation both sides share: one JSON value type (parser, writers, Codable), atomic file writes
        // and their error, the one sampling-parameters type, a seeded random generator. Depends on nothing; Engine
        // and Sessions depend on it.
        .target(name: "DuetCore"),
        // Text to token ids and back: SentencePiece and tokenizer.json (HF) tokenizers, the Gemma chat template,
        // BPE training. Depends on DuetCore only; Engine depends on it (Swift 5 mode, as the engine code it came from).
        .target(name: "Tokenizers", dependencies: ["DuetCore"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // The synthetic world and instruction tasks (`duet data synth`, `duet data robustness`) and the held-out
        // eval.jsonl format with its answer checks. Depends on Tokenizers (chat messages) and DuetCore, not on the
        // model code; Engine depends on it (its task evaluation reads eval.jsonl and grades with TaskChecker).
        .target(name: "Synthetic", dependencies: ["DuetCore", "Tokenizers"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // Engine, the commands and TUI use Swift 5 language mode: kernels pass raw pointers into parallel loops and the
        // UI drives C globals (ncurses); Swift 6's Sendable checking adds noise there, not safety.
        .target(name: "Engine", dependencies: ["DuetCore", "Tokenizers", "Synthetic", "CBLAS", "CKernels"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // Engine's `ProcessGroup` over MPI; only the commands (DuetCLI) link it, so Engine stays free of MPI.
        .target(name: "DuetMPI", dependencies: ["CMPI", "Engine"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .target(name: "Sessions", dependencies: ["DuetCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The `duet` subcommands people run (generate, train, eval, experiment, ...) and what they share
        // (model discovery, output formatting, PNG charts): a library the executable calls. No ncurses.
        .target(
            name: "DuetCLI",
            dependencies: [
                "DuetCore", "Tokenizers", "Synthetic", "Engine", "Sessions", "DuetMPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]),
        // The speed measurements (`duet bench ...`, all but the two that draw the UI) and the hidden test helpers
        // (`duet debug ...`) the multi-process tests start: a library apart from the user commands. No ncurses.
        .target(
            name: "DuetBench",
            dependencies: [
                "DuetCLI", "DuetCore", "Tokenizers", "Engine", "Sessions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(
            name: "TUI",
            dependencies: [
                "DuetBench", "DuetCLI", "DuetCore", "Tokenizers", "Engine", "Sessions", "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]),
        // The seeded mutator and driver of the fuzz tests (Tests/*/Fuzz, TUITests/ParserFuzzTests).
        .target(name: "FuzzSupport", path: "Tests/FuzzSupport"),
        // What the test targets share (temporary directories).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["DuetCore", "Tokenizers", "Synthetic", "Engine", "FuzzSupport", "TestSupport"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "FuzzSupport"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "SyntheticTests", dependencies: ["DuetCore", "Tokenizers", "Synthetic"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "SessionsTests", dependencies: ["DuetCore", "Sessions", "TestSupport"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "DuetCLI", "DuetCore", "Tokenizers", "Synthetic", "Engine", "Sessions", "FuzzSupport", "TestSupport"],
                    swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
