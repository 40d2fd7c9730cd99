import Sessions
import Testing
@testable import TUI

/// The frontier view's lines at every terminal size, with and without measurements.
@Suite struct FrontierViewTests {
    static let table = QualityCostTable(evalSet: "/sets/heldout-eval.jsonl", models: [
        ModelQualityCost(path: "/m/duet-mini-it", accuracy: 0.54, decodeTokensPerSecond: 1000, generations: 3),
        ModelQualityCost(path: "/m/duet-mini-mini-it", accuracy: 0.46, decodeTokensPerSecond: 950, generations: 2),
        ModelQualityCost(path: "/m/unevaluated", accuracy: nil, decodeTokensPerSecond: 500, generations: 1),
    ])

    @Test(arguments: [(10, 5), (1, 1), (40, 12), (200, 60)])
    func drawsAtEverySize(width: Int, height: Int) {
        for table in [Self.table, QualityCostTable(evalSet: nil, models: [])] {
            let lines = FrontierView.lines(table, width: width, height: height)
            #expect(lines.first?.plainText.contains("Quality and cost") == true)
        }
    }

    @Test func plotsEachMeasuredModelOnceAndMarksTheFrontier() {
        let lines = FrontierView.lines(Self.table, width: 100, height: 30).map(\.plainText)
        let plot = lines.filter { $0.contains("│") }
        #expect(plot.joined().filter { $0 == "A" }.count == 1 && plot.joined().filter { $0 == "B" }.count == 1)
        #expect(!plot.joined().contains("C"))  // no accuracy: in the legend only
        let legend = lines.filter { $0.hasPrefix(" A  ") || $0.hasPrefix(" B  ") || $0.hasPrefix(" C  ") }
        #expect(legend.count == 3)
        #expect(legend[0].hasSuffix("yes") && !legend[1].hasSuffix("yes") && !legend[2].hasSuffix("yes"))
    }
}
