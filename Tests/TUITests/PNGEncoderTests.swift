import Foundation
import Testing
@testable import DuetCLI

/// The report's PNG renderer: checksums against published check values, files that decode back to the
/// pixels drawn (with an independent reader, and with Python's zlib where python3 exists), and charts.
@Suite struct PNGEncoderTests {
    @Test func checksumsMatchTheirCheckValues() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        #expect(PNGEncoder.adler32(bytes) == DecodedPNG.adler32(bytes))
        #expect(PNGEncoder.crc32(bytes) == DecodedPNG.crc32(bytes))
    }

    @Test func encodedImageDecodesToItsPixels() throws {
        var image = RGBImage(width: 7, height: 5)
        image.set(x: 0, y: 0, RGB(r: 255, g: 0, b: 0))
        image.set(x: 6, y: 4, RGB(r: 1, g: 2, b: 3))
        image.line(from: (0, 4), to: (6, 0), RGB(r: 0, g: 128, b: 255))
        let decoded = try DecodedPNG(PNGEncoder.encode(image))
        #expect(decoded.width == 7 && decoded.height == 5)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.pixels == image.pixels)
        #expect(Array(decoded.pixels[0..<3]) == [255, 0, 0])
    }

    /// More than 65,535 bytes of scanlines need several stored blocks.
    @Test func largeImageSpansSeveralStoredBlocks() throws {
        var image = RGBImage(width: 300, height: 200)
        for y in 0..<200 { for x in 0..<300 { image.set(x: x, y: y, RGB(r: UInt8(x % 256), g: UInt8(y), b: UInt8((x + y) % 256))) } }
        let stream = PNGEncoder.zlibStored(Array(repeating: 7, count: 200_000))
        #expect(try DecodedPNG.inflateStored(stream) == Array(repeating: 7, count: 200_000))
        #expect(try DecodedPNG(PNGEncoder.encode(image)).pixels == image.pixels)
        #expect(try DecodedPNG.inflateStored(PNGEncoder.zlibStored([])) == [])
    }

    /// Python's zlib (in Debian's python3) inflates our stream to the scanlines; skipped without python3.
    @Test func pythonZlibInflatesTheStream() throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let dir = TemporaryDirectory()
        var image = RGBImage(width: 40, height: 30)
        image.text("Duet 0.5%", x: 2, y: 2, .black)
        try Data(PNGEncoder.encode(image)).write(to: URL(fileURLWithPath: dir.file("t.png")))
        let script = """
            import struct, sys, zlib
            d = open(sys.argv[1], 'rb').read(); i = 8; idat = b''
            while i < len(d):
                n, t = struct.unpack('>I4s', d[i:i+8]); body = d[i+8:i+8+n]
                assert struct.unpack('>I', d[i+8+n:i+12+n])[0] == zlib.crc32(t + body) & 0xffffffff, t
                if t == b'IHDR': w, h = struct.unpack('>II', body[:8])
                if t == b'IDAT': idat += body
                i += 12 + n
            raw = zlib.decompress(idat); assert len(raw) == (w * 3 + 1) * h; print('ok', w, h)
            """
        let result = spawnWait([python, "-c", script, dir.file("t.png")])
        #expect(result.status == 0 && result.stdout.hasPrefix("ok 40 30"), "\(result.stdout)\(result.stderr)")
    }

    @Test func chartDrawsSeriesInsideItsFrame() throws {
        let chart = PlotChart(title: "Loss", xLabel: "step", yLabel: "loss",
                              series: [PlotSeries(name: "a", style: .line, points: [PlotPoint(x: 0, y: 5), PlotPoint(x: 10, y: 1)]),
                                       PlotSeries(name: "b", style: .markers, points: [PlotPoint(x: 5, y: 3, low: 2, high: 4, label: "b")])],
                              width: 320, height: 200)
        let image = chart.render()
        let first = RGB.palette[0], second = RGB.palette[1]
        var colours: [RGB: Int] = [:]
        for y in 0..<image.height { for x in 0..<image.width { colours[image.pixel(x: x, y: y), default: 0] += 1 } }
        #expect(colours[first, default: 0] > 100, "the line series is drawn")
        #expect(colours[second, default: 0] > 40, "the marker, its error bar and label are drawn")
        #expect(colours[.black, default: 0] > 200, "frame and labels are drawn")
        #expect(try DecodedPNG(PNGEncoder.encode(image)).pixels == image.pixels)
    }

    @Test func niceRangesCoverTheData() {
        let r = PlotChart.niceRange([0.13, 0.87])
        #expect(r.low <= 0.13 && r.high >= 0.87 && r.step == 0.2)
        #expect(PlotChart.ticks(PlotChart.AxisRange(low: 0, high: 1, step: 0.25)) == [0, 0.25, 0.5, 0.75, 1])
        #expect(PlotChart.format(0.5, step: 0.1) == "0.5" && PlotChart.format(20, step: 10) == "20")
        let flat = PlotChart.niceRange([3, 3])
        #expect(flat.low < 3 && flat.high > 3)
    }
}
