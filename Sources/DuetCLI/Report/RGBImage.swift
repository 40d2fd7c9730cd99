/// A colour of 8-bit red, green and blue.
struct RGB: Hashable, Sendable {
    var r: UInt8
    var g: UInt8
    var b: UInt8

    static let white = RGB(r: 255, g: 255, b: 255)
    static let black = RGB(r: 0, g: 0, b: 0)
    static let grey = RGB(r: 200, g: 200, b: 200)
    static let darkGrey = RGB(r: 90, g: 90, b: 90)
    /// Distinguishable series colours (Tableau 10), in the order series take them.
    static let palette: [RGB] = [
        RGB(r: 31, g: 119, b: 180), RGB(r: 255, g: 127, b: 14), RGB(r: 44, g: 160, b: 44), RGB(r: 214, g: 39, b: 40),
        RGB(r: 148, g: 103, b: 189), RGB(r: 140, g: 86, b: 75), RGB(r: 227, g: 119, b: 194), RGB(r: 127, g: 127, b: 127),
        RGB(r: 188, g: 189, b: 34), RGB(r: 23, g: 190, b: 207),
    ]
}

/// An RGB raster with the few drawing operations charts need: pixels, lines, rectangles and text in
/// `BitmapFont`. Coordinates are pixels from the top-left; drawing outside the image is clipped.
struct RGBImage: Sendable {
    let width: Int
    let height: Int
    /// Row-major RGB triples.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "an image needs at least one pixel")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// The colour at (x, y).
    func pixel(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2])
    }

    mutating func set(x: Int, y: Int, _ color: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r
        pixels[i + 1] = color.g
        pixels[i + 2] = color.b
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        for yy in max(0, y)..<min(height, y + h) where w > 0 {
            for xx in max(0, x)..<max(max(0, x), min(width, x + w)) { set(x: xx, y: yy, color) }
        }
    }

    /// A straight line (Bresenham), `thickness` pixels wide.
    mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), _ color: RGB, thickness: Int = 1) {
        var x = a.x, y = a.y
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var error = dx + dy
        let half = thickness / 2
        while true {
            fill(x: x - half, y: y - half, width: thickness, height: thickness, color)
            if x == b.x && y == b.y { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// A filled square marker centred on (x, y).
    mutating func marker(x: Int, y: Int, size: Int, _ color: RGB) {
        fill(x: x - size / 2, y: y - size / 2, width: size, height: size, color)
    }

    /// `text` with its top-left corner at (x, y), each font pixel drawn as a `scale`×`scale` block.
    mutating func text(_ text: String, x: Int, y: Int, _ color: RGB, scale: Int = 1) {
        Self.forEachFontPixel(text) { glyph, row, column in
            fill(x: x + (glyph * BitmapFont.advance + column) * scale, y: y + row * scale, width: scale, height: scale, color)
        }
    }

    /// `text` drawn bottom-to-top (rotated a quarter turn anticlockwise), its first character at the bottom
    /// with its left edge on `x`; for a y-axis label.
    mutating func verticalText(_ text: String, x: Int, bottom: Int, _ color: RGB, scale: Int = 1) {
        Self.forEachFontPixel(text) { glyph, row, column in
            fill(x: x + row * scale, y: bottom - (glyph * BitmapFont.advance + column + 1) * scale, width: scale, height: scale, color)
        }
    }

    /// Calls `body(glyph, row, column)` for every set pixel of `text` in `BitmapFont`, `glyph` the
    /// character's index.
    private static func forEachFontPixel(_ text: String, _ body: (Int, Int, Int) -> Void) {
        for (glyph, character) in text.enumerated() {
            for (row, bits) in BitmapFont.glyph(character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    body(glyph, row, column)
                }
            }
        }
    }
}
