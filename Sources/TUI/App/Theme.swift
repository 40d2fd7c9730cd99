/// How many colours the terminal can show; chosen once at startup.
public enum ColorDepth: Int, Comparable, CustomStringConvertible {
    case monochrome, ansi8, ansi16, palette256, trueColor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .monochrome: return "monochrome"
        case .ansi8: return "8 colours"
        case .ansi16: return "16 colours"
        case .palette256: return "256 colours"
        case .trueColor: return "true colour"
        }
    }

    /// The depth from the terminal's capabilities (`has_colors`, `COLORS`; direct-colour terminfo
    /// entries report 2^24) and the environment: `NO_COLOR` forces monochrome, `DUET_COLORS`
    /// (`mono`, `8`, `16`, `256`, `truecolor`) lowers the depth (it cannot raise it past the terminal's).
    public static func detect(hasColors: Bool, colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        var depth: ColorDepth
        if !hasColors || colors < 8 { depth = .monochrome }
        else if colors >= 0x100_0000 { depth = .trueColor }
        else if colors >= 256 { depth = .palette256 }
        else if colors >= 16 { depth = .ansi16 }
        else { depth = .ansi8 }
        let requested: ColorDepth? = switch environment["DUET_COLORS"]?.lowercased() {
        case "mono", "monochrome", "none", "0": .monochrome
        case "8": .ansi8
        case "16": .ansi16
        case "256": .palette256
        case "truecolor", "24bit", "true": .trueColor
        default: nil
        }
        if let requested { depth = min(depth, requested) }
        return depth
    }
}

/// A theme colour: its RGB value (true colour, and the nearest of the 256-colour palette) and the
/// ANSI colour (0...15) to use on 8- and 16-colour terminals.
public struct ThemeColor: Equatable {
    public var red: UInt8, green: UInt8, blue: UInt8
    public var ansi: Int

    public init(_ rgb: UInt32, ansi: Int) {
        red = UInt8((rgb >> 16) & 0xFF)
        green = UInt8((rgb >> 8) & 0xFF)
        blue = UInt8(rgb & 0xFF)
        self.ansi = ansi
    }

    /// The terminal colour number at `depth` (-1 never: callers use -1 for the default colour).
    public func index(for depth: ColorDepth) -> Int {
        switch depth {
        case .monochrome: return -1
        case .ansi8: return ansi == 8 ? 7 : ansi & 7  // bright black would vanish on black: use white
        case .ansi16: return ansi
        case .palette256: return ThemeColor.nearest256(red, green, blue)
        case .trueColor: return Int(red) << 16 | Int(green) << 8 | Int(blue)
        }
    }

    /// Nearest xterm-256 colour among the 6x6x6 cube (16...231) and the grey ramp (232...255).
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeIndex(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in levels.enumerated() where abs(l - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        func distance(_ a: (Int, Int, Int)) -> Int {
            let dr = a.0 - Int(r), dg = a.1 - Int(g), db = a.2 - Int(b)
            return dr * dr + dg * dg + db * db
        }
        let (ri, gi, bi) = (cubeIndex(r), cubeIndex(g), cubeIndex(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = max(0, min(23, (average - 8 + 5) / 10))
        let greyLevel = 8 + 10 * greyStep
        if distance((greyLevel, greyLevel, greyLevel)) < distance(cube) { return 232 + greyStep }
        return 16 + 36 * ri + 6 * gi + bi
    }
}

/// How a role looks: colours (nil = terminal default) and attributes, plus the attributes to use
/// instead on a monochrome terminal (where colour cannot tell roles apart).
public struct RoleLook: Equatable {
    public var foreground: ThemeColor?
    public var background: ThemeColor?
    public var attributes: TextAttributes
    public var monochrome: TextAttributes

    public init(_ foreground: ThemeColor? = nil, on background: ThemeColor? = nil, _ attributes: TextAttributes = [],
                mono: TextAttributes? = nil) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
        self.monochrome = mono ?? attributes
    }
}

/// Maps every `StyleRole` to a look. Content keeps the terminal's default background, so the theme
/// reads on dark and light terminals alike; bars and highlights carry their own background.
public struct Theme {
    public var looks: [StyleRole: RoleLook]

    public func look(_ role: StyleRole) -> RoleLook { looks[role] ?? RoleLook() }

    /// The default theme (btop-like: muted frames, cyan accents, a dark status bar).
    public static let standard: Theme = {
        let grey = ThemeColor(0x808080, ansi: 8), darkGrey = ThemeColor(0x585858, ansi: 8)
        let cyan = ThemeColor(0x5FD7D7, ansi: 6), blue = ThemeColor(0x87AFFF, ansi: 12)
        let yellow = ThemeColor(0xFFD75F, ansi: 11), orange = ThemeColor(0xFFAF5F, ansi: 3)
        let green = ThemeColor(0x87D787, ansi: 10), red = ThemeColor(0xFF5F5F, ansi: 9)
        let white = ThemeColor(0xE4E4E4, ansi: 15), black = ThemeColor(0x1C1C1C, ansi: 0)
        let barBackground = ThemeColor(0x303046, ansi: 4), pale = ThemeColor(0xD7D7AF, ansi: 2)
        return Theme(looks: [
            .normal: RoleLook(),
            .dim: RoleLook(grey, mono: [.dim]),
            .accent: RoleLook(cyan, mono: [.bold]),
            .title: RoleLook(cyan, [.bold]),
            .border: RoleLook(darkGrey, mono: []),
            .statusBar: RoleLook(white, on: barBackground, mono: [.reverse]),
            .statusKey: RoleLook(yellow, on: barBackground, [.bold], mono: [.reverse, .bold]),
            .statusDim: RoleLook(grey, on: barBackground, mono: [.reverse]),
            .selection: RoleLook(black, on: cyan, mono: [.reverse]),
            .tabActive: RoleLook(black, on: cyan, [.bold], mono: [.reverse, .bold]),
            .tabInactive: RoleLook(grey, on: barBackground, mono: [.reverse, .dim]),
            .heading: RoleLook(blue, mono: [.bold]),
            .code: RoleLook(orange, mono: [.bold]),
            .codeBlock: RoleLook(pale),
            .codeFence: RoleLook(darkGrey, mono: [.dim]),
            .quote: RoleLook(grey, mono: [.dim]),
            .listMarker: RoleLook(cyan),
            .notice: RoleLook(cyan, mono: [.bold]),
            .warning: RoleLook(yellow, [.bold], mono: [.bold]),
            .error: RoleLook(red, [.bold], mono: [.bold, .underline]),
            .success: RoleLook(green),
            .overlay: RoleLook(),
            .overlayBorder: RoleLook(cyan),
            .overlayTitle: RoleLook(cyan, [.bold]),
            .matchHighlight: RoleLook(yellow, [.bold], mono: [.bold, .underline]),
            .marker: RoleLook(black, on: yellow, mono: [.reverse]),
            .progressFill: RoleLook(green),
            .progressEmpty: RoleLook(darkGrey, mono: [.dim]),
            .input: RoleLook(),
            .inputPlaceholder: RoleLook(grey, mono: [.dim]),
            .cursor: RoleLook(mono: [.reverse]),
            .series1: RoleLook(cyan, mono: [.bold]),
            .series2: RoleLook(orange, mono: []),
            .series3: RoleLook(green, mono: [.underline]),
            .series4: RoleLook(ThemeColor(0xD787D7, ansi: 13), mono: [.bold, .underline]),
            .series5: RoleLook(yellow, mono: [.dim]),
            .series6: RoleLook(blue, mono: [.reverse]),
        ])
    }()
}
