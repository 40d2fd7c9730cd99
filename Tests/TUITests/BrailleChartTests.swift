import Foundation
import Testing
@testable import TUI

/// The chart renderer: braille encoding, scaling, min/max downsampling, axes and labels.
@Suite struct BrailleChartTests {
    // MARK: Dots

    @Test func brailleBitsFollowUnicodeDotNumbering() {
        // Dots 1-2-3 down the left column, 4-5-6 down the right, 7 and 8 on the bottom row.
        #expect(DotCanvas.brailleBit(column: 0, row: 0) == 0x01)
        #expect(DotCanvas.brailleBit(column: 0, row: 1) == 0x02)
        #expect(DotCanvas.brailleBit(column: 0, row: 2) == 0x04)
        #expect(DotCanvas.brailleBit(column: 1, row: 0) == 0x08)
        #expect(DotCanvas.brailleBit(column: 1, row: 1) == 0x10)
        #expect(DotCanvas.brailleBit(column: 1, row: 2) == 0x20)
        #expect(DotCanvas.brailleBit(column: 0, row: 3) == 0x40)
        #expect(DotCanvas.brailleBit(column: 1, row: 3) == 0x80)
        #expect(DotCanvas.brailleCharacter(0) == "\u{2800}")
        #expect(DotCanvas.brailleCharacter(0xFF) == "⣿")
    }

    @Test func twoSamplesShareOneCell() {
        // A low sample in the left dot column and a high one in the right: ⡈ (dots 7 and 4).
        var canvas = DotCanvas(width: 1, height: 1, encoding: .braille)
        canvas.set(x: 0, y: 3, style: .normal)
        canvas.set(x: 1, y: 0, style: .normal)
        #expect(canvas.character(column: 0, row: 0) == "⡈")
        // The same two samples through a chart one cell high, with the x range set so that they fall
        // in the two dot columns of the first cell: joined, they fill ⡜ (dots 7, 3, 5 and 4).
        var grid = CellGrid(width: 20, height: 4)
        var chart = BrailleChart(title: "t", series: [ChartSeries("s", xs: [0, 1], ys: [0, 1], style: .normal)])
        let first = try! #require(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode))
        #expect(first.plot.height == 1)
        chart.xRange = 0...Double(2 * first.plot.width - 1)
        let layout = try! #require(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode))
        #expect(grid[layout.plot.x, layout.plot.y].text == "⡜")
        #expect(grid[layout.plot.x + 1, layout.plot.y].text == " ")
    }

    @Test func linesJoinDotsAndASCIIFallsBackToThreeLevels() {
        var canvas = DotCanvas(width: 2, height: 1, encoding: .braille)
        canvas.line(from: 0, 0, to: 3, 0, style: .normal)
        #expect(canvas.character(column: 0, row: 0) == "⠉")
        #expect(canvas.character(column: 1, row: 0) == "⠉")
        canvas.line(from: 0, 3, to: 3, 0, style: .normal)  // a diagonal adds one dot per column: (0,3), (1,2)
        #expect(canvas.cellBits(column: 0, row: 0) == 0x01 | 0x08 | 0x40 | 0x20)
        #expect(canvas.cellBits(column: 1, row: 0) == 0x01 | 0x08 | 0x02)  // (2,1) and (3,0) joined the top row
        var ascii = DotCanvas(width: 5, height: 1, encoding: .ascii)
        ascii.set(x: 0, y: 0, style: .normal)
        ascii.set(x: 1, y: 1, style: .normal)
        ascii.set(x: 2, y: 2, style: .normal)
        ascii.vertical(x: 3, from: 0, to: 2, style: .normal)
        ascii.set(x: 4, y: 0, style: .normal)
        ascii.set(x: 4, y: 2, style: .normal)
        #expect((0..<5).map { ascii.character(column: $0, row: 0) } == ["'", "-", "_", "|", ":"])
    }

    // MARK: Downsampling

    @Test func envelopeKeepsFirstLastMinimumAndMaximumPerColumn() {
        let xs: [Double] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
        let ys: [Double] = [5, 1, 9, .nan, 4, 4, 2, 8, 3]
        let envelope = ColumnEnvelope(xs: xs[...], ys: ys[...], xLower: 0, xUpper: 8, count: 3)
        // Column c holds the x whose position (x * 2/8) rounds to c: 0...1, 2...5, 6...8.
        #expect(envelope.columns[0] == ColumnEnvelope.Column(first: 5, last: 1, minimum: 1, maximum: 5))
        #expect(envelope.columns[1] == ColumnEnvelope.Column(first: 9, last: 4, minimum: 4, maximum: 9))  // NaN skipped
        #expect(envelope.columns[2] == ColumnEnvelope.Column(first: 2, last: 3, minimum: 2, maximum: 8))
        #expect(envelope.minimum == 1 && envelope.maximum == 9)
        let positive = ColumnEnvelope(xs: xs[...], ys: [-1, 0, 2, 2, 2, 2, 2, 2, 2][...], xLower: 0, xUpper: 8, count: 3,
                                      positiveOnly: true)
        #expect(positive.columns[0] == nil)  // -1 and 0 have no place on a log axis
        #expect(positive.columns[1]?.first == 2)
        #expect(positive.minimum == 2)
    }

    @Test func aSingleSpikeAmongAHundredThousandPointsIsDrawn() {
        let n = 100_000
        let xs = (0..<n).map(Double.init)
        var ys = [Double](repeating: 0, count: n)
        ys[54_321] = 1
        var grid = CellGrid(width: 60, height: 12)
        let chart = BrailleChart(title: "spike", series: [ChartSeries("s", xs: xs, ys: ys, style: .normal)])
        let layout = try! #require(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode))
        let topRow = (layout.plot.x..<layout.plot.maxX).map { grid[$0, layout.plot.y].text }
        let hits = topRow.enumerated().filter { $0.element != " " }.map(\.offset)
        #expect(hits.count == 1)
        let expectedColumn = Int((54_321.0 / Double(n - 1) * Double(layout.plot.width * 2 - 1)).rounded()) / 2
        #expect(hits.first == expectedColumn)
    }

    // MARK: Scales and labels

    @Test func niceTicksAndLinearScaling() {
        #expect(ChartScale.niceStep(51) == 50)
        #expect(ChartScale.niceStep(0.13) == 0.1)
        #expect(ChartScale.niceStep(1.6) == 2)
        #expect(ChartScale(lower: 1, upper: 154).ticks(count: 4) == [50, 100, 150])
        #expect(ChartScale(lower: -0.3, upper: 1).ticks(count: 3) == [0, 0.5, 1])
        let scale = ChartScale(lower: 2, upper: 6)
        #expect(scale.fraction(2) == 0 && scale.fraction(6) == 1 && scale.fraction(3) == 0.25)
        #expect(ChartScale(lower: 5, upper: 5).lower < 5)  // a flat series still gets a range
        let (axis, ticks) = BrailleChart.yAxis(lower: 0.13, upper: 0.87, kind: .linear, tickCount: 5)
        #expect(ticks.count == 6)
        for (i, tick) in ticks.enumerated() { #expect(abs(tick - 0.2 * Double(i)) < 1e-12) }
        #expect(axis.lower == 0 && axis.upper == 1)  // widened to whole steps: the edges are labelled
    }

    @Test func logScaleUsesDecades() {
        let scale = ChartScale(lower: 1, upper: 1000, kind: .log)
        #expect(scale.ticks(count: 5) == [1, 10, 100, 1000])
        #expect(abs(scale.fraction(10)! - 1.0 / 3) < 1e-12)
        #expect(scale.fraction(0) == nil && scale.fraction(-1) == nil)
        // Less than a decade: round linear values.
        #expect(ChartScale(lower: 2, upper: 8, kind: .log).ticks(count: 4) == [2, 4, 6, 8])
    }

    @Test func numberAndDurationLabels() {
        #expect(ChartNumberFormat.compact(0.25, resolution: 0.05) == "0.25")
        #expect(ChartNumberFormat.compact(1, resolution: 0.5) == "1")
        #expect(ChartNumberFormat.compact(12_500, resolution: 500) == "12.5k")
        #expect(ChartNumberFormat.compact(2_000_000, resolution: 1_000_000) == "2M")
        #expect(ChartNumberFormat.compact(3e-4, resolution: 1e-5) == "3e-4")
        #expect(ChartNumberFormat.compact(2.95e-4, resolution: 5e-6) == "2.95e-4")
        #expect(ChartNumberFormat.compact(-0.5, resolution: 0.5) == "-0.5")
        #expect(ChartNumberFormat.precise(3.14159) == "3.142")
        #expect(ChartNumberFormat.duration(45) == "45s")
        #expect(ChartNumberFormat.duration(125) == "2m05s")
        #expect(ChartNumberFormat.duration(7260) == "2h01m")
        #expect(TimeTicks.ticks(lower: 0, upper: 600, count: 4) == [0, 300, 600])
    }

    @Test func axesCarryTickMarksAndLabels() {
        var grid = CellGrid(width: 50, height: 10)
        let xs = (0...100).map(Double.init)
        let chart = BrailleChart(title: "loss", series: [ChartSeries("loss", xs: xs, ys: xs.map { 4 - $0 / 50 }, style: .normal)])
        let layout = try! #require(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode))
        #expect(grid.text(row: 0).hasPrefix("loss"))
        #expect(layout.yTicks.first == 2 && layout.yTicks.last == 4)
        // Top and bottom rows of the plot are labelled with the range's ends, with a tick on the axis.
        #expect(grid.text(row: layout.plot.y).hasPrefix("4┤"))
        #expect(grid.text(row: layout.plot.maxY - 1).hasPrefix("2┤"))
        let axisRow = grid.text(row: layout.plot.maxY)
        #expect(axisRow.contains("└") && axisRow.contains("┬"))
        let labels = grid.text(row: layout.plot.maxY + 1).split(separator: " ").map(String.init)
        #expect(labels == layout.xTicks.map { ChartNumberFormat.compact($0, resolution: layout.xTicks[1] - layout.xTicks[0]) })
        #expect(labels.first == "0" && labels.last == "100")
        // A falling line: its first dot on the top row, its last on the bottom row.
        #expect(grid[layout.plot.x, layout.plot.y].text != " ")
        #expect(grid[layout.plot.maxX - 1, layout.plot.maxY - 1].text != " ")
    }

    @Test func asciiChartHasNoBraille() {
        var grid = CellGrid(width: 40, height: 10)
        let xs = (0..<200).map(Double.init)
        let chart = BrailleChart(title: "ascii", series: [ChartSeries("s", xs: xs, ys: xs.map { sin($0 / 20) }, style: .normal)])
        #expect(chart.draw(in: grid.bounds, grid: &grid, glyphs: .ascii) != nil)
        let text = grid.plainText
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(text.contains("_") || text.contains("-"))
    }

    @Test func emptyAndTinyCharts() {
        var grid = CellGrid(width: 30, height: 8)
        let chart = BrailleChart(title: "val loss", series: [ChartSeries("v", xs: [], ys: [], style: .normal)])
        #expect(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode) == nil)
        #expect(grid.plainText.contains("no data yet"))
        var small = CellGrid(width: 30, height: 3)
        #expect(chart.draw(in: small.bounds, grid: &small, glyphs: .unicode) == nil)
        #expect(small.text(row: 0).hasPrefix("val loss"))
    }

    @Test func shiftedSeriesShareAnAxis() {
        // Two runs by elapsed time: wall times 1000 s apart, both shown from 0.
        var grid = CellGrid(width: 40, height: 8)
        var a = ChartSeries("a", xs: [1000, 1060], ys: [1, 2], style: .normal)
        a.xShift = 1000
        var b = ChartSeries("b", xs: [2000, 2030], ys: [1, 2], style: .normal)
        b.xShift = 2000
        var chart = BrailleChart(title: "t", series: [a, b])
        chart.xFormat = .duration
        let layout = try! #require(chart.draw(in: grid.bounds, grid: &grid, glyphs: .unicode))
        #expect(layout.x.lower == 0 && layout.x.upper == 60)
        #expect(grid.text(row: layout.plot.maxY + 1).contains("1m00s"))
    }
}
